"""Regressions found by the campaign on real corpora (bench/fuzz_corpora.py), each minimised and replayed
against the real server over stdio in paranoid mode (it rebuilds the index from scratch after every change
and logs `PARANOID: …` at Error level when the incremental result differs)."""

from __future__ import annotations


import pytest

from raw_client import RawServer, lsp_position


@pytest.fixture
def paranoid(tmp_path):
    srv = RawServer(("--paranoid",))
    yield srv, tmp_path
    srv.close()


def _errors(srv: RawServer) -> list[str]:
    return [m["message"] for m in srv.logs() if m.get("type") == 1 or "PARANOID" in m.get("message", "")]


def _sync(srv: RawServer, uri: str) -> None:
    """A request that reads the index: flushes the pending check, so any mismatch has been logged."""
    res = srv.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert "result" in res, res


def test_front_matter_opened_above_a_thematic_break_far_below(paranoid):
    # squad-speckit-bridge data-model.md: typing `---` + a key at the top of a document that has a `---`
    # thematic break far below. A whole parse reads front matter down to that break; the incremental
    # re-split stopped at the first unchanged chunk and kept the old chunks, so the two differed.
    srv, root = paranoid
    body = "# Model\n\n## Entities\n\nText one.\n\n## More\n\nText two.\n\n---\n\n## After {#after}\n\nEnd [x](#after).\n"
    (root / "spec.md").write_text(body, encoding="utf-8")
    srv.initialize(root)
    uri = (root / "spec.md").as_uri()
    srv.open(uri, body)
    _sync(srv, uri)
    insert = "---\nunclosed: front matter\n"
    srv.change(uri, 2, [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": insert}])
    _sync(srv, uri)
    text = insert + body
    # and closing it again, then deleting the opener: each step must equal a fresh build
    srv.change(uri, 3, [{"range": {"start": lsp_position(text, len(insert)), "end": lsp_position(text, len(insert))}, "text": "---\n"}])
    text = insert + "---\n" + body
    _sync(srv, uri)
    srv.change(uri, 4, [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}, "text": ""}])
    _sync(srv, uri)
    assert srv.proc.poll() is None
    assert _errors(srv) == []
