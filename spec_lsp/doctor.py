"""`spec-lsp doctor [PATH]`: what a newcomer needs when the tool is silent — the workspace root and
why, the config file, the formats detected and, per format, the documents, clauses, evidence items
and references it found."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_parser(sub) -> None:
    d = sub.add_parser("doctor", help="show the root, config, detected formats and what each format found")
    d.add_argument("paths", nargs="*", metavar="PATH", help="a directory or file inside the workspace (default: .)")
    d.add_argument("--format", choices=("text", "json"), default="text")
    d.add_argument("--config", metavar="FILE")


def root_reason(root: Path) -> str:
    from .core.config import find_config_file

    if find_config_file(root) is not None:
        return "holds the config file"
    if (root / ".git").exists():
        return "the enclosing git repository (no config file)"
    return "no config file or .git above: the directory itself"


def report(ws) -> dict:
    from .core.document import SpecDocument

    per: dict[str, list[str]] = {}
    for p in sorted(ws.docs):
        per.setdefault(ws.format_of(p).name, []).append(p)
    from .formats import all_formats

    rows = []
    for f in ws.formats:
        paths = per.get(f.name, [])
        if f.fallback and not paths:
            continue  # a fallback no document fell back to (a spec-kit-only repository)
        c = f.counts(ws, paths)
        how = "forced by `format`" if ws.config.formats else ("fallback (files no other format claims)" if f.fallback else "detected")
        rows.append({"format": f.name, "how": how, "title": f.title, "documents": len(paths), **c})
    inactive = [f.name for f in all_formats() if f not in ws.formats and not f.fallback]
    return {
        "root": str(ws.root),
        "rootReason": root_reason(ws.root),
        "config": ws.config.source,
        "configProblems": [str(p) for p in ws.config_problems],
        "documents": len(ws.docs),
        "specDocuments": sum(isinstance(d, SpecDocument) for d in ws.docs.values()),
        "otherFiles": len(ws.other_files),
        "formats": rows,
        "notDetected": inactive,
        "findings": len(ws.all_findings()),
    }


def run(a) -> int:
    from .cli import EXIT_OK, EXIT_USAGE, _open_workspace

    ws, problems, _only = _open_workspace(a.paths, a.config)
    ws.load()
    rep = report(ws)
    if a.format == "json":
        sys.stdout.write(json.dumps(rep, indent=2, ensure_ascii=False) + "\n")
    else:
        out = [f"root:     {rep['root']}  ({rep['rootReason']})",
               f"config:   {rep['config'] or 'none (defaults)'}"]
        for p in rep["configProblems"]:
            out.append(f"          problem: {p}")
        out.append(f"files:    {rep['specDocuments']} spec documents, {rep['documents'] - rep['specDocuments']} challenge files, "
                   f"{rep['otherFiles']} other files")
        out.append("formats:")
        w = max((len(r["format"]) for r in rep["formats"]), default=8)
        for r in rep["formats"]:
            out.append(f"  {r['format']:<{w}}  {r['how']:<40} documents {r['documents']:>5}  clauses {r['clauses']:>5}  "
                       f"evidence {r['evidence']:>5}  references {r['references']:>5}")
        if rep["notDetected"]:
            out.append(f"not detected: {', '.join(rep['notDetected'])}  (force with `format = [...]` in .spec-lsp.toml)")
        out.append(f"findings: {rep['findings']} structural (`spec-lsp check` for the list; language rules not run here)")
        sys.stdout.write("\n".join(out) + "\n")
    return EXIT_USAGE if problems else EXIT_OK
