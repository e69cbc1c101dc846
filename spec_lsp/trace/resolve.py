"""What a citation in a code, test or other file refers to; code evidence; the citation rules.

Resolution of a citation of `ID` from file `F` (documented in spec_lsp/docs/rules/ambiguous-citation.md):

1. the definitions of `ID` in documents whose clauses can be cited (`Format.citable`: not templates);
   none → unknown (SPEC500 for an explicit or distinctive citation; keyword forms never report);
2. all of them in one scope (always so for the Model Spec and id-patterns) → that clause;
3. a qualified citation `QUALIFIER/ID` (`001-photo-albums/FR-001`, or the scope's path
   `specs/001-photo-albums/FR-001`) → the scope whose path or last component is `QUALIFIER`;
4. `F` inside a scope's directory (`specs/001-photo-albums/contracts/test_api.py`) → that scope;
5. otherwise ambiguous (SPEC501): the author qualifies it.

Everything reads the index through recording lookups, so the incremental workspace knows that a code
file's findings depend on the clause IDs it cites and a clause document's evidence on who cites it.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ..core.model import Position, Range, Related
from ..formats.base import Evidence
from .citations import reportable_unknown
from .index import CodeCitation, CodeFile

if TYPE_CHECKING:  # pragma: no cover
    from ..core.document import Clause

OK, UNKNOWN, AMBIGUOUS = "ok", "unknown", "ambiguous"


def cit_range(c: CodeCitation) -> Range:
    return Range(Position(c.line, c.start), Position(c.line, c.end))


def _by_scope(ws, cid: str) -> tuple[list, dict[str, list]]:
    """The citable definitions of an ID and the same grouped by scope; memoised until a clause key changes
    (`ws.clause_generation`), and recorded as a read of the ID's key every time."""
    ws._read(("clause", cid))
    cache = ws._resolve_cache
    if cache.get(None) != ws.clause_generation:
        cache.clear()
        cache[None] = ws.clause_generation
    got = cache.get(cid)
    if got is None:
        defs = [(p, c) for p, c in ws.clause_defs(cid) if ws.format_of(p).citable(p)]
        by_scope: dict[str, list] = {}
        for p, c in defs:
            by_scope.setdefault(ws.scope_of(p), []).append((p, c))
        got = cache[cid] = (defs, by_scope)
    return got


def resolve(ws, from_path: str, cit: CodeCitation) -> tuple[str, list]:
    """(status, [(path, clause)]) of a citation in `from_path`."""
    defs, by_scope = _by_scope(ws, cit.id)
    if not defs:
        return UNKNOWN, []
    if len(by_scope) == 1:
        return OK, defs
    q = cit.qualifier
    if q:
        hits = [s for s in by_scope if s == q or posixpath.basename(s) == q]
        if len(hits) == 1:
            return OK, by_scope[hits[0]]
    inside = [s for s in by_scope if s and from_path.startswith(s.rstrip("/") + "/")]
    if inside:
        return OK, by_scope[max(inside, key=len)]
    return AMBIGUOUS, defs


def citations_of_clause(ws, path: str, clause: "Clause", kinds: tuple[str, ...] | None = None) -> list[tuple[CodeFile, CodeCitation]]:
    """The citations in code, tests and other files that resolve to `clause` of document `path`."""
    out = []
    for cp, cit in ws.citations_of(clause.id):
        cf = ws.code.get(cp)
        if cf is None or (kinds is not None and cf.kind not in kinds):
            continue
        status, defs = resolve(ws, cp, cit)
        if status == OK and any(p == path and c.id == clause.id for p, c in defs):
            out.append((cf, cit))
    return out


def code_evidence(ws, path: str, clause: "Clause") -> list[Evidence]:
    """Test files citing the clause: one Evidence per test (or per file line when no test name is found)."""
    seen: dict[str, Evidence] = {}
    for cf, cit in citations_of_clause(ws, path, clause, ("test",)):
        label = cf.label(cit)
        if label not in seen:
            seen[label] = Evidence("test", cf.path, cit_range(cit), label)
    return list(seen.values())


def full_evidence(ws, path: str, clause: "Clause") -> list[Evidence]:
    """Every kind of evidence of a clause: the format's own (challenge files, scenarios, criteria, tasks)
    and the tests that cite it."""
    return list(ws.format_of(path).evidence(ws, path, clause)) + code_evidence(ws, path, clause)


def check_code(cf: CodeFile, ws) -> list:
    """SPEC500 unknown-citation and SPEC501 ambiguous-citation for one scanned file."""
    from ..core.checks import make
    from ..core.text import closest

    out = []
    for cit in cf.citations:
        if cit.form == "keyword":
            continue  # plain-English forms cite only IDs that exist; they never report
        status, defs = resolve(ws, cf.path, cit)
        rng = cit_range(cit)
        if status == UNKNOWN:
            if not reportable_unknown(cit.id) and cit.form == "explicit":
                continue
            gone = ws.retired(cit.id)
            if gone is not None:
                out.append(make("SPEC500", cf.path, rng,
                                f"“{cit.id}” was retired (spec.lock); cite the clause that replaced it, or drop this citation.",
                                cit.id))
                continue
            sugg = closest(cit.id, ws.clause_ids(), cutoff=0.6)
            out.append(make("SPEC500", cf.path, rng,
                            f"“{cit.id}” is not a clause ID of this workspace; "
                            + (f"did you mean “{sugg[0]}”?" if sugg else "fix the ID or drop the citation."), cit.id))
        elif status == AMBIGUOUS:
            scopes = sorted({ws.scope_of(p) for p, _c in defs})
            example = f"{posixpath.basename(scopes[0])}/{cit.id}"
            related = [Related(p, c.range, f"“{cit.id}” in {ws.format_of(p).scope_label(ws.scope_of(p)) or p}") for p, c in defs]
            out.append(make("SPEC501", cf.path, rng,
                            f"“{cit.id}” is defined in {len(scopes)} scopes ({', '.join(scopes)}); qualify the citation "
                            f"with its scope, e.g. `{example}`.", cit.id, related))
    return out
