"""`assemblint lsp` stays responsive on a 100,000-mass design (issue 21): after a one-line edit of
`benchmarks.designs.grid(100000)`, a hover and a completion are answered, and the syntax error the
edit makes is published (and withdrawn once mended), each in under a second. The figures for both
benchmark designs are in docs/editing.md (tests/editing/lsp_data/timing.py)."""

from __future__ import annotations

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient

from editing.lsp_data import CONFIG, start
from editing.lsp_data.timing import measure

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: LanguageClient):
    await start(lsp_client)
    yield
    await lsp_client.shutdown_session()


async def test_a_one_line_edit_of_a_100k_mass_design_is_answered_within_a_second(client: LanguageClient) -> None:
    timings = await measure(client, "grid", 100_000, rounds=2)
    report = "\n".join(timings.lines())
    assert max(timings.hover) < 1.0, report
    assert max(timings.hover_while_parsing) < 1.0, report
    assert max(timings.completion) < 1.0, report
    assert max(timings.syntax_error) < 1.0, report
    assert max(timings.mended) < 1.0, report
