"""`ws.view`: the read-only view features use. Same answers as the recording lookups, no
dependency recorded, no way to change the index through it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import REPO, memory_workspace

FILES = {
    "spec.md": "# Rules {#rules}\n\nThe assistant must say “hello” 👋 [^sy73].\n\nSee [other](other.md#top) again.\n",
    "other.md": "# Top {#top}\n\nThe assistant must not lie [^ab12].\n",
    "examples/sy73.md": "Examples for [^sy73] in Rules:\n\n**Example**: hi\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n",
}


@pytest.fixture()
def ws():
    return memory_workspace(FILES)


def test_view_answers_like_the_workspace(ws):
    v = ws.view
    assert v.paths() == sorted(ws.docs)
    assert v.doc("spec.md") is ws.docs["spec.md"] and v.doc("missing.md") is None
    assert v.has("other.md") and not v.has("missing.md")
    assert v.clause_ids() == ws.all_clause_ids() == ["ab12", "sy73"]
    assert [(p, c.id, t) for p, c, t in v.clause_entries("sy73")] == [("spec.md", "sy73", "Rules")]
    assert [d.path for d in v.challenges("sy73")] == ["examples/sy73.md"]
    assert {d.path for d in v.spec_docs()} == {"spec.md", "other.md"}
    assert "hello” 👋" in v.text("spec.md")


def test_view_records_no_dependency(ws):
    ws._reading = set()  # what a check's pass sets up
    try:
        v = ws.view
        v.doc("other.md"), v.has("other.md"), v.paths(), v.clause_ids(), v.clause_entries("sy73"), v.challenges("sy73")
        list(v.spec_docs()), list(v.docs())
        assert ws._reading == set()
        ws.clause_defs("sy73")  # the recording lookup does record
        assert ("clause", "sy73") in ws._reading
    finally:
        ws._reading = None


def test_view_cannot_mutate(ws):
    v = ws.view
    with pytest.raises(TypeError):
        v.docs()["new.md"] = ws.docs["spec.md"]
    with pytest.raises(AttributeError):
        v.extra = 1
    for name in ("set_document", "remove_document", "_put", "recheck_all", "docs_dict"):
        assert not hasattr(v, name)
    entries = v.clause_entries("sy73")
    entries.clear()  # a copy: the index keeps its table
    assert v.clause_entries("sy73")


def test_core_navigation_reads_only_through_the_view():
    src = (REPO / "spec_lsp" / "core" / "navigation.py").read_text(encoding="utf-8")
    assert not re.search(r"\bws\.(docs\b|clause_entries|challenges_for|all_clause_ids|clause_defs)", src)
