"""Fuzz target: random LSP message sequences against the real server (one process for the whole run).

Each example opens a document with a tagged clause before and after a body, then sends random
incremental didChange messages (single and batched, with LSP's three line terminators, every character
`str.splitlines` also breaks at, CRLF pairs split across edits, non-ASCII and astral characters,
positions past the end of lines) interleaved with renames sent inside the debounce window. The
reference model is the editor's text (tests/lsp/raw_client.py, independent of the server's code).
After every rename, the WorkspaceEdit applied to the reference text must give exactly the reference
text with the tag renamed, and name the latest version; the server must never die.
Runs in well under a minute (`max_examples` below).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from raw_client import RawServer, apply_text_edits, edits_for, lsp_offset, lsp_position

PIECES = ["a", "b", "word ", " ", ".", "\n", "\r", "\r\n", "\n\n", "’", "“", "é", "😀",
          "\u2028", "\u2029", "\u0085", "\u000b", "\u000c", "\u001c", "\u001d", "\u001e"]

insert_text = st.lists(st.sampled_from(PIECES), min_size=0, max_size=6).map("".join)
edit = st.one_of(
    st.tuples(st.just("edit"), st.floats(0, 1), st.integers(0, 12), insert_text),
    st.tuples(st.just("past-end"), st.floats(0, 1), st.integers(1, 50), insert_text),
    st.tuples(st.just("batch"), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 6), insert_text), min_size=2, max_size=4)),
    st.tuples(st.just("rename"), st.sampled_from(["start", "end"])),
)
_counter = itertools.count()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    (root / ".spec-lsp.toml").write_text("[rules]\nmissing-challenge-file = \"off\"\n", encoding="utf-8")
    srv = RawServer()
    srv.initialize(root, {"diagnostics": {"debounceMs": 40}, "language": {"enabled": False}})
    yield srv, root
    srv.close()


class Doc:
    def __init__(self, srv: RawServer, root: Path) -> None:
        n = next(_counter)
        self.srv, self.uri, self.version = srv, (root / f"fuzz{n}.md").as_uri(), 1
        self.tags = {"start": f"s{n:04d}a", "end": f"e{n:04d}a"}
        self.prefix = f"# Fuzz {{#f{n}}}\n\nStart [^{self.tags['start']}] here.\n\n"
        self.text = self.prefix + "Body.\n\nEnd [^" + self.tags["end"] + "] there.\n"
        srv.open(self.uri, self.text)

    def body(self) -> tuple[int, int]:
        a = self.text.index("here.\n\n") + len("here.\n\n")
        b = self.text.index("\n\nEnd [^")
        return a, b

    def change(self, specs: list[tuple[float, int, str, bool]]) -> None:
        changes = []
        for frac, length, new, past_end in specs:
            a, b = self.body()
            start = a + int(frac * (b - a))
            end = min(start + length, b)
            if past_end:  # a character beyond the end of the line: LSP means the end of that line
                p = lsp_position(self.text, start)
                sp = {"line": p["line"], "character": p["character"] + length}
                ep = dict(sp)
            else:
                sp, ep = lsp_position(self.text, start), lsp_position(self.text, end)
            # what the editor does with those positions (a position inside a CRLF pair cannot be named)
            s_off, e_off = lsp_offset(self.text, sp), lsp_offset(self.text, ep)
            if not (a <= s_off <= e_off <= b):
                continue
            self.text = self.text[:s_off] + new + self.text[e_off:]
            changes.append({"range": {"start": sp, "end": ep}, "text": new})
        if changes:
            self.version += 1
            self.srv.change(self.uri, self.version, changes)

    def rename(self, which: str) -> None:
        old = self.tags[which]
        new = old[:-1] + ("b" if old.endswith("a") else "a")
        k = self.text.index(f"[^{old}]") + 3
        res = self.srv.request("textDocument/rename", {"textDocument": {"uri": self.uri}, "position": lsp_position(self.text, k), "newName": new})
        assert "result" in res, res
        edits, version = edits_for(res["result"], self.uri)
        assert version == self.version, (version, self.version)
        got = apply_text_edits(self.text, edits)
        want = self.text.replace(f"[^{old}]", f"[^{new}]")
        assert got == want
        # the editor applies the edit: the server hears of it as a didChange, as from a real client
        self.version += 1
        # (content changes apply one after the other: the last edit first keeps the earlier ranges valid)
        ordered = sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]), reverse=True)
        self.srv.change(self.uri, self.version, [{"range": e["range"], "text": e["newText"]} for e in ordered])
        self.text = got
        self.tags[which] = new


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(edit, min_size=1, max_size=14))
def test_server_text_matches_the_editor_and_the_server_survives(server, ops):
    srv, root = server
    doc = Doc(srv, root)
    for op in ops:
        if op[0] == "edit":
            doc.change([(op[1], op[2], op[3], False)])
        elif op[0] == "past-end":
            doc.change([(op[1], op[2], op[3], True)])
        elif op[0] == "batch":
            doc.change([(f, n, t, False) for f, n, t in op[1]])
        else:
            doc.rename(op[1])
    doc.rename("end")
    doc.rename("start")
    srv.notify("textDocument/didClose", {"textDocument": {"uri": doc.uri}})
    assert srv.proc.poll() is None
