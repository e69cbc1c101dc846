"""`spec-lsp check --explain-scope FILE`: which lines of a spec the language rules read, and why.

Each prose sentence is printed as `path:line: READ|skip  [reason]  sentence`.  The language rules (and the
contradiction checker) read the READ sentences only; see `spec_lsp/language/prose.py` for the model.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import prose


def explain_scope(files: list[str], open_workspace) -> int:
    out = sys.stdout
    for f in files:
        p = Path(f)
        if not p.is_file():
            sys.stderr.write(f"spec-lsp: --explain-scope: no such file: {f}\n")
            return 2
        ws, _problems, _only = open_workspace([f])
        ws.load()
        rel = ws.rel(p.resolve())
        doc = ws.docs.get(rel)
        if doc is None or not hasattr(doc, "blocks"):
            sys.stderr.write(f"spec-lsp: --explain-scope: {f} is not a spec document of its workspace\n")
            return 2
        declared = [d for d in sorted(ws.docs) if hasattr(ws.docs[d], "blocks") and prose.declares_bcp14(ws.docs[d].text)]
        uses = prose.uses_bcp14(doc.text)
        if declared:
            where = declared[0] + (f" and {len(declared) - 1} more" if len(declared) > 1 else "")
            note = "checked here" if uses else "not checked here: this document writes no upper-case keyword"
            out.write(f"# BCP 14 declared in {where}; lower-case keywords: {note}\n")
        else:
            out.write("# BCP 14 is not declared in this workspace (a mere mention of RFC 2119 is not a declaration)\n")
        lines = prose.explain(doc, commentary=ws.config.language.commentary, bcp14=bool(declared) and (uses or rel in declared))
        n = sum(1 for x in lines if ": READ " in x)
        out.write("\n".join(lines) + ("\n" if lines else ""))
        out.write(f"# {n} of {len(lines)} sentences are read by the language rules\n")
    return 0
