"""Export the cross-reference graph as JSON (node-link), Graphviz DOT or Mermaid."""

from __future__ import annotations

import json
import re

import networkx as nx

_KIND_SHAPE = {"file": "folder", "challenge": "note", "section": "box", "clause": "ellipse", "missing": "octagon"}


def _label(n: str, d: dict) -> str:
    kind = d.get("kind", "")
    if kind == "section":
        return f"{d.get('title', '')} #{d.get('anchor', '')}" + (f" [{d['authority']}]" if d.get("authority") else "")
    if kind == "clause":
        return f"[^{d.get('id', n)}]"
    if kind in ("file", "challenge"):
        return d.get("path", n)
    return n.split(":", 1)[-1] + " (missing)"


def export(g: nx.MultiDiGraph, fmt: str) -> str:
    nodes = sorted(g.nodes)
    if fmt == "json":
        data = {
            "nodes": [{"id": n, **{k: v for k, v in g.nodes[n].items() if k != "owner"}} for n in nodes],
            "edges": sorted(
                ({"source": u, "target": v, "kind": d.get("kind", "")} for u, v, d in g.edges(data=True)),
                key=lambda e: (e["source"], e["target"], e["kind"]),
            ),
        }
        return json.dumps(data, indent=2, ensure_ascii=False)
    if fmt == "dot":
        lines = ["digraph spec {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
        for n in nodes:
            d = g.nodes[n]
            lab = _label(n, d).replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'  "{n}" [label="{lab}", shape={_KIND_SHAPE.get(d.get("kind", ""), "box")}];')
        for u, v, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1], e[2].get("kind", ""))):
            style = {"tests": "dashed", "references": "solid", "mentions": "dotted"}.get(d.get("kind", ""), "bold")
            lines.append(f'  "{u}" -> "{v}" [label="{d.get("kind", "")}", style={style}];')
        lines.append("}")
        return "\n".join(lines)
    if fmt == "mermaid":
        ids = {n: f"n{i}" for i, n in enumerate(nodes)}
        lines = ["flowchart LR"]
        for n in nodes:
            lab = re.sub(r'["\[\]{}()<>]', " ", _label(n, g.nodes[n])).strip() or n
            kind = g.nodes[n].get("kind", "")
            open_, close = {"clause": ("([", "])"), "challenge": ("[/", "/]"), "missing": ("{{", "}}")}.get(kind, ("[", "]"))
            lines.append(f'  {ids[n]}{open_}"{lab}"{close}')
        for u, v, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1], e[2].get("kind", ""))):
            arrow = {"tests": "-.->", "mentions": "-.->"}.get(d.get("kind", ""), "-->")
            lines.append(f"  {ids[u]} {arrow}|{d.get('kind', '')}| {ids[v]}")
        return "\n".join(lines)
    raise ValueError(f"unknown graph format {fmt!r}")
