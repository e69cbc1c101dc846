"""Replay of the server-side attack set (issue 9) against one real `spec-lsp serve` process.

Every hostile request must get an answer (a result or an error response: never silence), every hostile
notification must leave the server alive, nothing outside the workspace may be created, moved or
written, no file inside it may change (the server only ever proposes edits), and at the end the server
still answers correctly. Quick enough for CI (one process, a few seconds)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from raw_client import RawServer, lsp_position

SPEC = ("# Spec {#spec}\n\nOdd\u2028line, ’quotes’ and 😀 here.\n\nThe assistant must keep the draft [^ab01].\n\n"
        "See [the spec](#spec) and [^../../x/pwn] and [^ab01].\n")
CHALLENGE = "Examples for [^ab01] in Spec:\n\n**Example**: x\n\n~~~xml\n<user>hi</user>\n~~~\n"


def tree(d: Path) -> dict[str, str]:
    out = {}
    for p in sorted(d.rglob("*")):
        if p.is_symlink():
            out[str(p)] = "-> " + os.readlink(p)
        elif p.is_file():
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[str(p)] = "dir"
    return out


BAD_POSITIONS = [{"line": -1, "character": 0}, {"line": 2 ** 31, "character": 0}, {"line": 0, "character": -5},
                 {"line": "0", "character": 0}, {"line": 0.5, "character": 0}, {"line": None, "character": 0}, [0, 0], "0:0", None]


def hostile_requests(uri: str):
    """(method, params) pairs that must each be answered with an error (never silence, never a crash)."""
    td = {"uri": uri}
    for pos in BAD_POSITIONS:
        for method in ("textDocument/hover", "textDocument/definition", "textDocument/references", "textDocument/completion",
                       "textDocument/prepareRename"):
            yield method, {"textDocument": td, "position": pos}, -32602
        yield "textDocument/rename", {"textDocument": td, "position": pos, "newName": "zz01"}, -32602
    for method in ("textDocument/hover", "textDocument/documentSymbol", "textDocument/codeLens", "textDocument/codeAction",
                   "textDocument/rename", "workspace/symbol", "textDocument/diagnostic", "workspace/executeCommand"):
        yield method, None, -32602
        yield method, {}, -32602
        yield method, [], -32602
        yield method, "x", -32602
    for bad in (None, 5, 1.5, True, [], {}):
        yield "textDocument/rename", {"textDocument": td, "position": {"line": 4, "character": 36}, "newName": bad}, -32602
    yield "textDocument/documentSymbol", {"textDocument": {"uri": 5}}, -32602
    yield "workspace/symbol", {"query": None}, -32602
    yield "no/such/method", {}, -32601


def refused_requests(root: Path, uri: str):
    """Well-formed requests that must be refused with an error response and change nothing."""
    pos = lsp_position(SPEC, SPEC.index("ab01") + 1)
    for new in ("../../x/pwn", "a/b", "..", "/etc/passwd", "", " ", "ab01", "x\0y", "a" * 5000 + "/"):
        yield "textDocument/rename", {"textDocument": {"uri": uri}, "position": pos, "newName": new}
    yield "workspace/executeCommand", {"command": "specLsp.createChallengeFile", "arguments": [uri, "../../x/pwn"]}
    yield "workspace/executeCommand", {"command": "specLsp.createChallengeFile", "arguments": [uri, "/tmp/pwn"]}
    yield "workspace/executeCommand", {"command": "specLsp.createChallengeFile", "arguments": [uri, None]}
    yield "textDocument/prepareRename", {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 1}}


def harmless_requests(root: Path, uri: str):
    """Odd but valid requests: any result, as long as there is one."""
    far = {"line": 2 ** 31 - 1, "character": 2 ** 31 - 1}
    for u in (uri, (root / "nope" / "deeper" / "x.md").as_uri(), "untitled:Untitled-1", "http://example.com/x.md",
              "file:///", "file:///etc/passwd", (root / ".." / ".." / "etc" / "passwd").as_uri(), "file://" + str(root) + "/%2e%2e/x.md"):
        yield "textDocument/hover", {"textDocument": {"uri": u}, "position": far}
        yield "textDocument/definition", {"textDocument": {"uri": u}, "position": {"line": 0, "character": 0}}
        yield "textDocument/documentSymbol", {"textDocument": {"uri": u}}
    yield "workspace/symbol", {"query": "\ud800" + "a" * 10000}
    yield "textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {"start": far, "end": far},
                                      "context": {"diagnostics": [{"range": {"start": far, "end": far}, "message": "x", "source": "spec-lsp",
                                                                   "data": {"fixes": [{"kind": "create-file", "title": "t"}], "subject": "../../x/pwn"}}]}}
    yield "textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {"start": far, "end": far},
                                      "context": {"diagnostics": [{"range": {"start": far, "end": far}, "message": "x", "source": "spec-lsp", "data": "junk"}]}}


def hostile_notifications(root: Path, uri: str):
    yield "textDocument/didChange", None
    yield "textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": None, "text": 5}]}
    yield "textDocument/didChange", {"textDocument": {"uri": (root / "never-opened.md").as_uri(), "version": 9},
                                     "contentChanges": [{"text": "x"}]}
    yield "textDocument/didOpen", {"textDocument": {"uri": "untitled:1", "languageId": "markdown", "version": 1, "text": "[^ab01]"}}
    yield "textDocument/didOpen", {"textDocument": {"uri": (root / "lone.md").as_uri(), "languageId": "markdown", "version": 1,
                                                    "text": "# L\n\nA \ud800 lone surrogate [^ls01].\n"}}
    yield "textDocument/didClose", {"textDocument": {"uri": (root / "never-opened.md").as_uri()}}
    yield "workspace/didChangeWatchedFiles", {"changes": [{"uri": (root / "loop.md").as_uri(), "type": 2},
                                                          {"uri": "file:///etc/passwd", "type": 1},
                                                          {"uri": (root / "gone" / "x.md").as_uri(), "type": 3},
                                                          {"uri": "not a uri", "type": 2}]}
    yield "workspace/didChangeConfiguration", {"settings": None}
    yield "$/cancelRequest", {"id": 987654}
    yield "$/setTrace", {"value": "verbose"}


@pytest.fixture
def attacked(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "ws"
    (root / "examples").mkdir(parents=True)
    (root / "spec.md").write_text(SPEC, encoding="utf-8")
    (root / "examples" / "ab01.md").write_text(CHALLENGE, encoding="utf-8")
    os.symlink(root / "loop.md", root / "loop.md")
    os.symlink(root / "nowhere.md", root / "examples" / "zz01.md")  # dangling
    srv = RawServer(cache=tmp_path / "cache")
    srv.initialize(root)
    yield srv, root, outside, tmp_path
    srv.close()


def test_attack_replay_server(attacked):
    srv, root, outside, tmp = attacked
    uri = (root / "spec.md").as_uri()
    srv.open(uri, SPEC)
    srv.wait_for(lambda: srv.published(uri), what="first publish")
    before_ws, before_out = tree(root), tree(tmp / "outside")
    for method, params, code in hostile_requests(uri):
        res = srv.request(method, params, raw_params=True, timeout=20)
        assert "error" in res and res["error"]["code"] == code, (method, params, res)
    for method, params in refused_requests(root, uri):
        res = srv.request(method, params, timeout=20)
        assert "error" in res, (method, params, res)
        assert res["error"]["code"] != -32603, (method, params, res)  # a refusal, not an internal error
    for method, params in harmless_requests(root, uri):
        res = srv.request(method, params, timeout=20)
        assert "result" in res or res["error"]["code"] != -32603, (method, params, res)
    for method, params in hostile_notifications(root, uri):
        srv.notify(method, params)
    # a rename onto the dangling symlink is refused; a good rename still works and is exact
    pos = lsp_position(SPEC, SPEC.index("ab01") + 1)
    res = srv.request("textDocument/rename", {"textDocument": {"uri": uri}, "position": pos, "newName": "zz01"})
    assert "error" in res and "exists" in res["error"]["message"]
    res = srv.request("textDocument/rename", {"textDocument": {"uri": uri}, "position": pos, "newName": "cd01"})
    assert "result" in res, res
    # the server is alive, answers, and nothing on disk changed anywhere
    res = srv.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos})
    assert "ab01" in res["result"]["contents"]["value"]
    assert srv.proc.poll() is None
    assert tree(root) == before_ws and tree(tmp / "outside") == before_out
    assert not (tmp / "x").exists() and not Path("/tmp/pwn").exists()
    # nothing outside the workspace was indexed: every diagnostic went to a file inside it
    uris = {n["params"]["uri"] for n in srv.notifications if n.get("method") == "textDocument/publishDiagnostics"}
    assert uris and all(u.startswith(root.as_uri() + "/") for u in uris), sorted(uris)
    assert not any("Traceback" in m["message"] for m in srv.logs()), [m["message"][:300] for m in srv.logs() if "Traceback" in m["message"]]
