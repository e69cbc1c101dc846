"""The cross-reference graph (networkx): files, sections, clauses, challenge files and references.

Node ids are strings: ``file:<path>``, ``section:<path>#<anchor>``, ``clause:<id>`` (for a format with
scopes, ``clause:<scope>#<id>``: two spec-kit features' FR-001 are two nodes).
Edge kinds: ``contains`` (file -> section -> subsection/clause), ``tests`` (challenge file -> clause),
``references`` (section -> section/file, from links), ``mentions`` (section/file -> clause).
The graph is updated per document: a changed document's own nodes and out-edges are replaced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from .checks import resolve_link
from .document import ChallengeDocument, SpecDocument
from ..versions.identity import evidence_hash, evidence_of, sentence_hash

if TYPE_CHECKING:  # pragma: no cover
    from .workspace import Workspace


def file_node(path: str) -> str:
    return f"file:{path}"


def section_node(path: str, anchor: str) -> str:
    return f"section:{path}#{anchor}"


def _link_target(ws, path: str, lk):
    """A link as the document's format resolves it (MDX site-absolute links), else the generic way."""
    from .navigation import link_target

    return link_target(ws, path, lk)


def clause_node(cid: str, scope: str = "") -> str:
    return f"clause:{scope}#{cid}" if scope else f"clause:{cid}"


def _scope(ws: "Workspace", path: str) -> str:
    fmt = ws.format_of(path)
    return "" if fmt.fallback else fmt.scope(path)


def build_graph(ws: "Workspace") -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for path in sorted(ws.docs):
        _add_doc(g, ws, path)
    _prune(g)
    _clause_attrs(g, ws, [n for n, d in g.nodes(data=True) if d.get("kind") == "clause"])
    return g


def update_graph(g: nx.MultiDiGraph, ws: "Workspace", paths: set[str]) -> None:
    touched: set[str] = set()
    for path in paths:
        touched.update(v for u, v, d in g.edges(data=True) if d.get("owner") == path and v.startswith("clause:"))
        _remove_doc(g, path)
    for path in sorted(paths):
        if path in ws.docs:
            _add_doc(g, ws, path)
            touched.update(v for u, v, d in g.edges(data=True) if d.get("owner") == path and v.startswith("clause:"))
    _prune(g)
    _clause_attrs(g, ws, [n for n in touched if n in g])


def _clause_attrs(g: nx.MultiDiGraph, ws: "Workspace", clause_nodes) -> None:
    """A clause node's attributes come from the index (its first definition), never from history."""
    for n in clause_nodes:
        rest = n.split(":", 1)[1]
        scope, _, cid = rest.rpartition("#")
        defs = ws.clause_entries(cid)
        if scope:
            defs = [d for d in defs if _scope(ws, d[0]) == scope]
        attrs = g.nodes[n]
        attrs.clear()
        attrs.update(kind="clause", id=cid, defined=bool(defs))
        if scope:
            attrs["scope"] = scope
        if defs:
            attrs["sentence"] = defs[0][1].sentence
            attrs["sentence_hash"] = sentence_hash(defs[0][1].sentence)  # as in spec.lock (spec_lsp/versions/)
            attrs["evidence_hash"] = evidence_hash(evidence_of(ws, defs[0][0], defs[0][1]))


def _remove_doc(g: nx.MultiDiGraph, path: str) -> None:
    owned = [n for n, d in g.nodes(data=True) if d.get("owner") == path]
    for n in owned:
        # keep the node if other documents point at it (a link target): it becomes a placeholder
        if any(d.get("owner") != path for _, _, d in g.in_edges(n, data=True)):
            g.remove_edges_from([(u, v, k) for u, v, k, d in g.out_edges(n, keys=True, data=True)])
            g.nodes[n].clear()
            g.nodes[n].update(kind="missing")
        else:
            g.remove_node(n)
    g.remove_edges_from([(u, v, k) for u, v, k, d in g.edges(keys=True, data=True) if d.get("owner") == path])


def _prune(g: nx.MultiDiGraph) -> None:
    dead = [n for n, d in g.nodes(data=True) if d.get("kind") in ("missing", "clause") and g.degree(n) == 0]
    g.remove_nodes_from(dead)


def _ensure(g: nx.MultiDiGraph, node: str, **attrs) -> None:
    if node not in g:
        g.add_node(node, **attrs)
    elif g.nodes[node].get("kind") == "missing" and attrs.get("kind") != "missing":
        g.nodes[node].update(attrs)


def _add_doc(g: nx.MultiDiGraph, ws: "Workspace", path: str) -> None:
    doc = ws.docs[path]
    fnode = file_node(path)
    if isinstance(doc, ChallengeDocument):
        g.add_node(fnode, kind="challenge", path=path, owner=path, examples=len(doc.examples))
        _ensure(g, clause_node(doc.file_id), kind="clause", id=doc.file_id)
        g.add_edge(fnode, clause_node(doc.file_id), kind="tests", owner=path)
        return
    assert isinstance(doc, SpecDocument)
    g.add_node(fnode, kind="file", path=path, owner=path, title=doc.title)
    for s in doc.sections:
        sn = section_node(path, s.anchor)
        if sn in g and g.nodes[sn].get("owner") == path:
            continue  # a duplicate anchor: one node
        g.add_node(sn, kind="section", path=path, anchor=s.anchor, title=s.title, authority=s.authority or "", owner=path)
        parent = section_node(path, doc.sections[s.parent].anchor) if s.parent is not None else fnode
        g.add_edge(parent, sn, kind="contains", owner=path)

    def holder(line: int) -> str:
        si = doc.section_at(line)
        return section_node(path, doc.sections[si].anchor) if si is not None else fnode

    scope = _scope(ws, path)
    for c in doc.clauses:
        cn = clause_node(c.id, scope)
        _ensure(g, cn, kind="clause", id=c.id)
        g.add_edge(holder(c.range.start.line), cn, kind="contains", owner=path)
    for lk in doc.links:
        target, anchor, ok = _link_target(ws, path, lk)
        if not ok:
            continue
        tpath = target or path
        tn = section_node(tpath, anchor) if anchor else file_node(tpath)
        _ensure(g, tn, kind="missing")
        g.add_edge(holder(lk.range.start.line), tn, kind="references", owner=path)
    for m in doc.mentions:
        cn = clause_node(m.id, scope)
        _ensure(g, cn, kind="clause", id=m.id)
        g.add_edge(holder(m.range.start.line), cn, kind="mentions", owner=path)
