"""`assemblint lsp` never shows a traceback and never stops for a bad request (CLI.md, docs/editing.md):
a request that fails is answered with an LSP error naming what went wrong, a checking process that
dies is replaced, and the server carries on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path
from typing import IO

import pytest
import pytest_lsp
from pygls.exceptions import JsonRpcInternalError
from pytest_lsp import LanguageClient

from assemblint.editing.server import _guarded
from editing.lsp_data import CONFIG, codes, diagnostics, open_text, replace, start

ASYNC = pytest.mark.asyncio(loop_scope="module")

DESIGN = "use std\nelement die : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }\n"


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: LanguageClient):
    await start(lsp_client)
    yield
    await lsp_client.shutdown_session()


@ASYNC
async def test_a_failing_handler_is_an_lsp_error_with_one_sentence() -> None:
    @_guarded("the hover")
    async def broken(params: object) -> None:
        raise ValueError("boom")

    with pytest.raises(JsonRpcInternalError) as raised:
        await broken(None)
    assert raised.value.message == "assemblint could not answer the hover: ValueError: boom"


def _message(payload: dict) -> bytes:
    body = json.dumps(payload).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_a_malformed_request_is_refused_and_the_next_is_answered(tmp_path: Path) -> None:
    """Raw messages, as a careless client may send them: bad parameters, then a good hover."""
    uri = (tmp_path / "ok.assy").as_uri()
    where = {"line": 1, "character": DESIGN.splitlines()[1].index("silicon")}
    item = {"uri": uri, "languageId": "assy", "version": 1, "text": DESIGN}
    server = subprocess.Popen(
        CONFIG.server_command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert server.stdin is not None and server.stdout is not None and server.stderr is not None
    try:
        for message in [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"bogus": 1}},
            {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}},
            {
                "jsonrpc": "2.0",
                "id": 3,
                "method": "textDocument/hover",
                "params": {"textDocument": {"uri": uri}, "position": where},
            },
        ]:
            server.stdin.write(_message(message))
        server.stdin.flush()
        replies = {}
        while 3 not in replies:
            reply = _read(server.stdout)
            if "id" in reply:
                replies[reply["id"]] = reply
        for message in [{"jsonrpc": "2.0", "id": 4, "method": "shutdown"}, {"jsonrpc": "2.0", "method": "exit"}]:
            server.stdin.write(_message(message))
        server.stdin.close()
        assert server.wait(60) == 0
    finally:
        server.kill()
    assert replies[2]["error"]["message"] == "Invalid Params"
    assert replies[3]["result"]["contents"]["value"].startswith("**silicon** — material from `std`")
    assert b"Traceback" not in server.stderr.read()


def _read(stream: IO[bytes]) -> dict:
    length = 0
    while (header := stream.readline()) not in (b"\r\n", b""):
        if header.startswith(b"Content-Length:"):
            length = int(header.split(b":")[1])
    return json.loads(stream.read(length))


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@ASYNC
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the server's children from /proc")
async def test_a_checking_process_that_dies_is_replaced(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_text(client, tmp_path / "die.assy", DESIGN)
    await diagnostics(client, uri, lambda d: True)
    server = client._server
    assert server is not None
    workers = [
        pid
        for pid in _children(server.pid)
        if b"--multiprocessing-fork" in Path(f"/proc/{pid}/cmdline").read_bytes()
        and b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert len(workers) == 1
    os.kill(workers[0], signal.SIGKILL)
    replace(client, uri, 2, DESIGN.replace("silicon", "silicn"))
    found = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert [d.message for d in found] == [
        "assemblint: the checking process stopped (exit code -9); it is started again"
    ] or codes(found) == ["E002"]  # the pipe may close before or after the job is sent
    replace(client, uri, 3, DESIGN.replace("silicon", "silicn "))
    found = await diagnostics(client, uri, lambda d: codes(d) == ["E002"])
    assert "`silicn`" in found[0].message
