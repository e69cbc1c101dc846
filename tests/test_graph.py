"""The cross-reference graph: built from the index, updated per document, equal to a fresh build."""

from __future__ import annotations

import networkx as nx

from helpers import memory_workspace
from spec_lsp.core.graph import build_graph

CH = "Examples for [^{id}] in S:\n\n**Example**: e\n\n~~~xml\n<user>\nq\n</user>\n~~~\n"


def edges(g):
    return sorted((u, v, d["kind"]) for u, v, d in g.edges(data=True))


def nodes(g):
    return sorted((n, tuple(sorted((k, v) for k, v in d.items() if k != "owner"))) for n, d in g.nodes(data=True))


def test_graph_shape():
    ws = memory_workspace({
        "spec.md": "# S {#s authority=root}\n\nKind[^ab12]. See [g](guide.md#t).\n\n## Sub {#sub}\n\nBrief[^cd34].\n",
        "guide.md": "## T {#t}\n\nBack to [?](spec.md#sub).\n",
        "examples/ab12.md": CH.format(id="ab12"),
    })
    g = ws.graph
    e = set(edges(g))
    assert ("file:spec.md", "section:spec.md#s", "contains") in e
    assert ("section:spec.md#s", "section:spec.md#sub", "contains") in e
    assert ("section:spec.md#s", "clause:ab12", "contains") in e
    assert ("section:spec.md#sub", "clause:cd34", "contains") in e
    assert ("file:examples/ab12.md", "clause:ab12", "tests") in e
    assert ("section:spec.md#s", "section:guide.md#t", "references") in e
    assert ("section:guide.md#t", "section:spec.md#sub", "references") in e
    assert g.nodes["section:spec.md#s"]["authority"] == "root"
    # clauses reachable from the challenge files: what is tested
    tested = {v for u, v, d in g.edges(data=True) if d["kind"] == "tests"}
    assert tested == {"clause:ab12"}
    assert nx.has_path(g, "file:spec.md", "clause:cd34")


def test_incremental_graph_equals_fresh():
    files = {
        "spec.md": "# S {#s}\n\nKind[^ab12]. See [g](guide.md#t).\n",
        "guide.md": "## T {#t}\n\nBack to [?](spec.md#s).\n",
        "examples/ab12.md": CH.format(id="ab12"),
    }
    ws = memory_workspace(files)
    _ = ws.graph
    steps = [
        ("spec.md", "# S {#s}\n\nKind[^ab99]. See [g](guide.md#gone).\n\n## New {#n}\n\nX[^ef56].\n"),
        ("guide.md", None),
        ("examples/ef56.md", CH.format(id="ef56")),
        ("guide.md", "## T {#t}\n\nBack to [?](spec.md#n) and [x](spec.md#s).\n"),
        ("examples/ab12.md", None),
    ]
    for path, text in steps:
        if text is None:
            ws.remove_document(path)
        else:
            ws.set_document(path, text)
        g = ws.graph
        fresh = build_graph(ws)
        assert edges(g) == edges(fresh), path
        assert nodes(g) == nodes(fresh), path
