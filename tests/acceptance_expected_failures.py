"""Expected failures of the shared acceptance tests (../shared/acceptance), by name, with reasons.

Loaded only by .ci/run (PYTEST_PLUGINS=acceptance_expected_failures). Each entry names the issue
whose rules or outputs make the test pass; remove the entry when that work lands — a strict
xfail that starts passing fails the run, so a stale entry cannot hide.
"""

from __future__ import annotations

import warnings

import pytest

EXPECTED_FAILURES: dict[str, str] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """../shared has no pytest configuration, so pytest-asyncio (installed for tests/editing; the
    acceptance tests use no asyncio) would warn that its loop scope is unset: not this suite's concern."""
    warnings.filterwarnings(
        "ignore",
        message='The configuration option "asyncio_default_fixture_loop_scope" is unset',
        category=DeprecationWarning,
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        reason = EXPECTED_FAILURES.get(item.name)
        if reason and "acceptance" in str(item.path):
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
