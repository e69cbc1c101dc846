"""The traceability matrix of a workspace: rows from the index (clauses, their evidence by kind, the
citations in code, tests and other files).  Renderers are in `matrix.py`."""

from __future__ import annotations

import posixpath

from ..core.document import ChallengeDocument, SpecDocument
from .matrix import CitationRef, EvidenceItem, Matrix, Row
from .resolve import citations_of_clause, full_evidence

KIND_COLUMN = {"challenge-file": "challenge prompts", "scenario": "scenarios", "criterion": "criteria", "task": "tasks",
               "test": "tests"}


def build_matrix(ws, only=None) -> Matrix:
    """`only(path) -> bool` restricts the rows to some documents."""
    rows: list[Row] = []
    for path in sorted(ws.docs):
        doc = ws.docs[path]
        if not isinstance(doc, SpecDocument) or not doc.clauses or (only is not None and not only(path)):
            continue
        fmt = ws.format_of(path)
        if not fmt.citable(path):
            continue
        scope = "" if fmt.fallback else fmt.scope(path)
        for c in doc.clauses:
            si = doc.section_at(c.range.start.line)
            section = " › ".join(s.title for s in doc.section_path(si)) if si is not None else doc.title
            row = Row(id=c.id, key=f"{posixpath.basename(scope)}/{c.id}" if scope else c.id, path=path, line=c.range.start.line + 1,
                      section=section or "", sentence=" ".join(c.sentence.split()))
            for e in full_evidence(ws, path, c):
                kind = KIND_COLUMN.get(e.kind, e.kind)
                count = 1
                if e.kind == "challenge-file":
                    d = ws.docs.get(e.path)
                    count = len(d.examples) if isinstance(d, ChallengeDocument) else 0
                row.evidence.append(EvidenceItem(kind, e.label if e.kind != "challenge-file" else f"{e.path}: {count} prompts",
                                                 e.path, e.range.start.line + 1, count))
            for cf, cit in citations_of_clause(ws, path, c):
                row.citations.append(CitationRef(cf.path, cit.line + 1, cf.kind, cit.test))
            rows.append(row)
    return Matrix(str(ws.root), rows)
