"""Navigation without LSP: what is at a position, where a symbol occurs, how to rename it, hover text.

Symbols are clause IDs (`[^id]` tags, requirement IDs, challenge-file headers, mentions) and section
anchors (`{#anchor}` / slugs, link fragments, HTML anchors).  Everything here reads an index and
returns plain data; the LSP layer converts it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from .checks import resolve_link
from .config import challenge_id
from .document import ChallengeDocument, SpecDocument
from .model import Position, Range

TAG_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
ANCHOR = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*$")


@dataclass(frozen=True)
class Symbol:
    kind: str  # "clause" | "anchor" | "file"
    name: str  # clause id, anchor, or file path
    path: str  # anchor: the document that defines it; file: the file; clause: ""
    range: Range  # the occurrence under the cursor
    role: str  # definition | header | mention | link | heading
    scope: str | None = None  # clause: the scope it resolves in (a spec-kit feature…); None = everywhere


@dataclass(frozen=True)
class Occurrence:
    path: str
    range: Range
    role: str  # definition | header | mention | link | heading | implicit-heading


class RenameError(ValueError):
    pass


@dataclass
class RenamePlan:
    edits: dict[str, list[tuple[Range, str]]] = field(default_factory=dict)
    file_renames: list[tuple[str, str]] = field(default_factory=list)

    def add(self, path: str, rng: Range, text: str) -> None:
        lst = self.edits.setdefault(path, [])
        if (rng, text) not in lst:
            lst.append((rng, text))


def _in(rng: Range | None, pos: Position) -> bool:
    return rng is not None and rng.start <= pos <= rng.end


def symbol_at(ws, path: str, pos: Position) -> Symbol | None:
    if path in ws.code:
        return _citation_symbol(ws, path, pos)
    doc = ws.view.doc(path)
    if isinstance(doc, SpecDocument):
        scope = _scope(ws, path)
        for c in doc.clauses:
            if _in(c.tag_range, pos):
                return Symbol("clause", c.id, "", c.range, "definition", scope)
        for c in doc.footnote_refs:
            if _in(c.tag_range, pos):
                return None
        for m in doc.mentions:
            if _in(m.range, pos):
                return Symbol("clause", m.id, "", m.range, "mention", scope)
        for c in doc.clauses:  # anywhere on a heading that defines a clause by name (`### Requirement: <name>`)
            if c.kind == "requirement" and c.range.start.line == pos.line and any(s.line == pos.line for s in doc.sections):
                return Symbol("clause", c.id, "", c.range, "definition", scope)
        for lk in doc.links:
            if _in(lk.range, pos):
                target, anchor, ok = link_target(ws, path, lk)
                if not ok:
                    return None
                tpath = target or path
                if anchor is not None:
                    return Symbol("anchor", anchor, tpath, lk.anchor_range or lk.target_range, "link")
                return Symbol("file", tpath, tpath, lk.target_range, "link")
        for s in doc.sections:
            if s.line == pos.line:
                if _in(s.anchor_range, pos):
                    return Symbol("anchor", s.anchor, path, s.anchor_range, "heading")
                if _in(s.title_range, pos) or pos.line == s.line:
                    return Symbol("anchor", s.anchor, path, s.anchor_range or s.title_range, "heading")
        for a, r, si in doc.anchors:
            if si is None and _in(r, pos):
                return Symbol("anchor", a, path, r, "heading")
    elif isinstance(doc, ChallengeDocument):
        h = doc.header
        if h is not None and h.range.start.line == pos.line:
            return Symbol("clause", h.id, "", h.id_range, "header")
        for m in doc.mentions:
            if _in(m.range, pos):
                return Symbol("clause", m.id, "", m.range, "mention")
    return None


def _citation_symbol(ws, path: str, pos: Position) -> Symbol | None:
    """A citation in a code, test or other file: the clause it resolves to (spec_lsp/trace/resolve.py)."""
    from ..trace.resolve import OK, cit_range, resolve

    cf = ws.code[path]
    for c in cf.citations:
        rng = cit_range(c)
        if _in(rng, pos):
            status, defs = resolve(ws, path, c)
            if c.form == "keyword" and not defs:
                return None
            scope = _scope(ws, defs[0][0]) if status == OK and defs else None
            return Symbol("clause", c.id, "", rng, "citation", scope)
    return None


def code_occurrences(ws, cid: str, scope: str | None) -> list[Occurrence]:
    """Citations of a clause in code, tests and other files (those that resolve to it in `scope`)."""
    from ..trace.resolve import OK, cit_range, resolve

    out = []
    for cp, c in ws.citations_of(cid):
        status, defs = resolve(ws, cp, c)
        if status != OK or not defs:
            continue
        if scope is not None and not any(_scope(ws, p) == scope for p, _c in defs):
            continue
        out.append(Occurrence(cp, cit_range(c), "citation"))
    return out
def link_target(ws, path: str, lk) -> tuple[str | None, str | None, bool]:
    """A link's (target, anchor, checkable) as the document's format resolves it (MDX: site-absolute
    links through the site root, percent-decoded fragments), else the generic way."""
    fmt = ws.format_of(path) if hasattr(ws, "format_of") else None
    got = fmt.resolve_link(ws, path, lk) if fmt is not None else None
    return got if got is not None else resolve_link(path, lk)


def _scope(ws, path: str) -> str | None:
    """The scope a clause symbol in `path` resolves in: None for the fallback formats (one workspace-wide
    namespace, as before formats), else the format's scope (a spec-kit feature directory…)."""
    fmt = ws.format_of(path)
    return None if fmt.fallback else fmt.scope(path)


def _in_scope(ws, path: str, scope: str | None) -> bool:
    return scope is None or _scope(ws, path) == scope


def clause_occurrences(ws, cid: str, scope: str | None = None) -> list[Occurrence]:
    out: list[Occurrence] = []
    for path in ws.view.paths():
        if not _in_scope(ws, path, scope):
            continue
        doc = ws.view.doc(path)
        if isinstance(doc, SpecDocument):
            for c in doc.clauses:
                if c.id == cid:
                    out.append(Occurrence(path, c.range, "definition"))
            for m in doc.mentions:
                if m.id == cid:
                    out.append(Occurrence(path, m.range, "mention"))
        elif isinstance(doc, ChallengeDocument):
            if doc.header is not None and doc.header.id == cid:
                out.append(Occurrence(path, doc.header.id_range, "header"))
            for m in doc.mentions:
                if m.id == cid:
                    out.append(Occurrence(path, m.range, "mention"))
    out.extend(code_occurrences(ws, cid, scope))
    return out


def anchor_occurrences(ws, target_path: str, anchor: str) -> list[Occurrence]:
    out: list[Occurrence] = []
    tdoc = ws.view.doc(target_path)
    if isinstance(tdoc, SpecDocument):
        for a, r, si in tdoc.anchors:
            if a == anchor:
                if si is not None and not tdoc.sections[si].explicit:
                    out.append(Occurrence(target_path, tdoc.sections[si].title_range, "implicit-heading"))
                else:
                    out.append(Occurrence(target_path, r, "heading"))
    for path in ws.view.paths():
        doc = ws.view.doc(path)
        if not isinstance(doc, SpecDocument):
            continue
        for lk in doc.links:
            if lk.anchor != anchor or lk.anchor_range is None:
                continue
            target, a, ok = link_target(ws, path, lk)
            if ok and (target or path) == target_path:
                out.append(Occurrence(path, lk.anchor_range, "link"))
    return out


def file_occurrences(ws, target: str) -> list[Occurrence]:
    out = []
    for path in ws.view.paths():
        doc = ws.view.doc(path)
        if isinstance(doc, SpecDocument):
            for lk in doc.links:
                t, _a, ok = link_target(ws, path, lk)
                if ok and t == target:
                    out.append(Occurrence(path, lk.target_range, "link"))
    return out


def occurrences(ws, sym: Symbol) -> list[Occurrence]:
    if sym.kind == "clause":
        return clause_occurrences(ws, sym.name, sym.scope)
    if sym.kind == "anchor":
        return anchor_occurrences(ws, sym.path, sym.name)
    return file_occurrences(ws, sym.name)


def scoped_entries(ws, cid: str, scope: str | None) -> list:
    """(path, clause, section title) of an ID's definitions in a scope (all of them for None)."""
    return [e for e in ws.view.clause_entries(cid) if _in_scope(ws, e[0], scope)]


def evidence_of(ws, cid: str, scope: str | None) -> list:
    """The evidence of a clause (challenge files, citing tasks, scenarios…, tests that cite it)."""
    from ..trace.resolve import full_evidence

    out = []
    for p, c, _t in scoped_entries(ws, cid, scope):
        out.extend(full_evidence(ws, p, c))
    return out


def evidence_summary(ws, evidence: list) -> str:
    """`tested by 3 challenge prompts, 2 scenarios, tests/test_privacy.py::test_pv01` ('' when none)."""
    parts: list[str] = []
    prompts = sum(len(d.examples) for e in evidence if e.kind == "challenge-file" for d in [ws.view.doc(e.path)] if d is not None
                  and hasattr(d, "examples"))
    if prompts:
        parts.append(f"{prompts} challenge prompt{'s' if prompts != 1 else ''}")
    plural = {"scenario": "scenarios", "criterion": "criteria", "task": "tasks"}
    kinds: dict[str, list[str]] = {}
    for e in evidence:
        if e.kind not in ("challenge-file", "test"):
            kinds.setdefault(e.kind, []).append(e.label)
    for kind, labels in kinds.items():
        if kind == "task":
            parts.append("tasks " + ", ".join(labels[:6]) + ("…" if len(labels) > 6 else ""))
        else:
            parts.append(f"{len(labels)} {plural.get(kind, kind + 's') if len(labels) != 1 else kind}")
    tests = [e.label for e in evidence if e.kind == "test"]
    parts += tests[:5]
    if len(tests) > 5:
        parts.append(f"{len(tests) - 5} more tests")
    return ("tested by " + ", ".join(parts)) if parts else ""


def definitions(ws, sym: Symbol) -> list[tuple[str, Range]]:
    """Where "go to definition" lands: a clause tag jumps to its challenge file (the prompts), a challenge
    header or a mention to the clause, a link to its heading or file."""
    if sym.kind == "clause":
        if sym.scope is not None:  # a format with scopes: definition -> its evidence; mention -> the definition
            if sym.role == "definition":
                return [(e.path, e.range) for e in evidence_of(ws, sym.name, sym.scope)]
            return [(p, c.range) for p, c, _t in scoped_entries(ws, sym.name, sym.scope)]
        if sym.role == "definition":
            chs = ws.view.challenges(sym.name)
            if chs:
                return [(d.path, d.header.range if d.header else Range(Position(0, 0), Position(0, 0))) for d in chs]
        return [(p, c.range) for p, c, _t in ws.view.clause_entries(sym.name)]
    if sym.kind == "anchor":
        tdoc = ws.view.doc(sym.path)
        if isinstance(tdoc, SpecDocument):
            hits = []
            for a, r, si in tdoc.anchors:
                if a == sym.name:
                    hits.append((sym.path, tdoc.sections[si].title_range if si is not None else r))
            return hits
        return []
    if ws.view.has(sym.name):
        return [(sym.name, Range(Position(0, 0), Position(0, 0)))]
    return []


# ------------------------------------------------------------------------------------------------
# Rename


def prepare_rename(ws, path: str, pos: Position) -> Symbol:
    sym = symbol_at(ws, path, pos)
    if sym is None or sym.kind == "file":
        raise RenameError("Only a clause ID or a section anchor can be renamed here.")
    if sym.kind == "anchor" and not ws.view.has(sym.path):
        raise RenameError(f"“{sym.path}” is not in the workspace; its anchor cannot be renamed.")
    if sym.kind == "anchor":
        # OpenSpec and MDX headings take no `{#id}` (OpenSpec's archive refuses it; in MDX it is a JSX expression)
        fmt = ws.format_of(sym.path)
        tdoc = ws.view.doc(sym.path)
        explicit = isinstance(tdoc, SpecDocument) and any(s.anchor == sym.name and s.explicit for s in tdoc.sections)
        if getattr(fmt, "inject_anchors", True) is False and not explicit:
            raise RenameError(f"{fmt.title.split(':')[0]} headings carry no anchors of their own; rename the text of the "
                              "heading instead (a requirement by its name).")
    if sym.kind == "clause" and sym.scope is not None:
        entries = scoped_entries(ws, sym.name, sym.scope)
        fmt = ws.format_of(entries[0][0]) if entries else None
        if fmt is not None and getattr(fmt, "derived_ids", False):
            raise RenameError(f"“{sym.name}” is not written anywhere: {fmt.title.split(':')[0]} derives it from the "
                              "requirement number and the list position; renumber the list instead.")
    return sym


def valid_clause_id(ws, new: str, kind: str) -> bool:
    if kind == "id":
        return any(p.fullmatch(new) for p in ws.config.compiled_id_patterns())
    return bool(TAG_ID.match(new))


def rename_plan(ws, sym: Symbol, new: str) -> RenamePlan:
    new = new.strip()
    if not new or new == sym.name:
        raise RenameError("The new name is empty or unchanged.")
    plan = RenamePlan()
    if sym.kind == "clause" and sym.scope is not None:
        return _scoped_rename(ws, sym, new, plan)
    if sym.kind == "clause":
        entries = ws.view.clause_entries(sym.name)
        kinds = {c.kind for _p, c, _t in entries} or {"tag"}
        for k in kinds:
            if not valid_clause_id(ws, new, k):
                if k == "id":
                    pats = ", ".join(ws.config.id_patterns)
                    raise RenameError(f"“{new}” is not a valid requirement ID (expected a match of: {pats}).")
                raise RenameError(f"“{new}” is not a valid clause ID: use letters, digits, '_', '-' or '.', starting with a letter or digit.")
        if ws.view.clause_entries(new) or ws.view.challenges(new):
            raise RenameError(f"The clause ID “{new}” is already taken.")
        _check_code_citations(ws, sym.name, None)
        for oc in clause_occurrences(ws, sym.name):
            plan.add(oc.path, oc.range, new)
        for ch in ws.view.challenges(sym.name):
            new_path = _renamed_challenge_path(ws, ch.path, sym.name, new)
            if new_path is None:
                raise RenameError(f"Cannot derive the new name of {ch.path} from the configured templates.")
            if ws.view.has(new_path) or (ws.root / new_path).exists():
                raise RenameError(f"{new_path} already exists; the challenge file cannot be moved there.")
            plan.file_renames.append((ch.path, new_path))
        if not plan.edits:
            raise RenameError(f"No occurrence of “{sym.name}” was found.")
        return plan
    if sym.kind == "anchor":
        if not ANCHOR.match(new):
            raise RenameError(f"“{new}” is not a valid anchor: use letters, digits, '_', '-', '.' or ':'.")
        tdoc = ws.view.doc(sym.path)
        if isinstance(tdoc, SpecDocument) and new in tdoc.anchor_map:
            raise RenameError(f"The anchor “{new}” already exists in {sym.path}.")
        for oc in anchor_occurrences(ws, sym.path, sym.name):
            if oc.role == "implicit-heading":
                # a slug anchor: give the heading an explicit one; links then follow the new name
                end = oc.range.end
                plan.add(oc.path, Range(end, end), f" {{#{new}}}")
            else:
                plan.add(oc.path, oc.range, new)
        if not plan.edits:
            raise RenameError(f"No occurrence of “#{sym.name}” was found.")
        return plan
    raise RenameError("Files are renamed by the editor, not here.")


def _scoped_rename(ws, sym: Symbol, new: str, plan: RenamePlan) -> RenamePlan:
    """Rename a clause of a format with scopes: inside its scope only (a spec-kit feature's FR-004
    is not the other feature's FR-004)."""
    entries = scoped_entries(ws, sym.name, sym.scope)
    owner = entries[0][0] if entries else None
    fmt = ws.format_of(owner) if owner else None
    if fmt is not None:
        if scoped_entries(ws, new, sym.scope):
            raise RenameError(f"“{new}” is already taken in {fmt.scope_label(sym.scope) or 'this workspace'}.")
        if fmt.valid_id(new) is False:
            raise RenameError(f"“{new}” is not a valid {fmt.name} name.")
        custom = fmt.rename_edits(ws, owner, sym.name, new)
        if custom is not None:
            for p, lst in custom.items():
                for rng, text in lst:
                    plan.add(p, rng, text)
            _check_code_citations(ws, sym.name, sym.scope)
            for oc in code_occurrences(ws, sym.name, sym.scope):
                plan.add(oc.path, oc.range, new)
            if not plan.edits:
                raise RenameError(f"No occurrence of “{sym.name}” was found.")
            return plan
        ok = fmt.valid_id(new)
        if ok is None:
            pats = [re.compile(x) for x in fmt.definition_patterns(owner, ws.config)]
            ok = any(p.fullmatch(new) for p in pats) if pats else bool(TAG_ID.match(new))
        if not ok:
            raise RenameError(f"“{new}” is not a valid {fmt.name} ID.")
    if not entries:
        raise RenameError(f"“{sym.name}” is not defined in this scope, so it cannot be renamed here.")
    if scoped_entries(ws, new, sym.scope):
        label = fmt.scope_label(sym.scope) if fmt else sym.scope
        raise RenameError(f"The ID “{new}” is already taken in {label}.")
    _check_code_citations(ws, sym.name, sym.scope)
    for oc in clause_occurrences(ws, sym.name, sym.scope):
        plan.add(oc.path, oc.range, new)
    return plan


def _check_code_citations(ws, cid: str, scope: str | None) -> None:
    """Before a rename: re-read files changed on disk since they were scanned, then refuse when the ID
    occurs in a code, test or other file in a form the citation patterns do not classify (`"pv01" in ids`),
    or in a citation that resolves to no single clause — a rename would leave those behind."""
    from ..trace.citations import CitationScanner
    from ..trace.repo_files import read_text
    from ..trace.resolve import AMBIGUOUS, resolve

    if not getattr(ws, "citations_loaded", False):
        return
    ws.refresh_code()
    needle = cid.encode("utf-8")
    places: list[str] = []
    finder = CitationScanner()
    for path in sorted(ws.code):
        try:
            with open(ws.root / path, "rb") as fh:
                if needle not in fh.read():
                    continue
        except OSError:
            continue
        text = read_text(ws.root, path)
        if text is None:
            continue
        cf = ws.code[path]
        cited = {(c.line, c.start) for c in cf.citations if c.id == cid}
        for ln, a, _b in finder.bare_occurrences(text, cid):
            if (ln, a) not in cited:
                places.append(f"{path}:{ln + 1}:{a + 1}")
        for c in cf.citations:
            if c.id == cid and c.form != "keyword" and resolve(ws, path, c)[0] == AMBIGUOUS:
                places.append(f"{path}:{c.line + 1}:{c.start + 1} (ambiguous: qualify it)")
    if places:
        shown = "; ".join(places[:12]) + (f"; and {len(places) - 12} more" if len(places) > 12 else "")
        raise RenameError(f"“{cid}” also occurs where it is not a recognised citation, so a rename would leave it behind: "
                          f"{shown}. Make each one a citation (`[^{cid}]`, `# covers {cid}`, `@spec(\"{cid}\")`) or "
                          "reword it, then rename again. Nothing was changed.")


def _renamed_challenge_path(ws, old_path: str, old_id: str, new_id: str) -> str | None:
    for tpl in ws.config.challenge_files:
        if tpl.replace("{id}", old_id) == old_path:
            return tpl.replace("{id}", new_id)
    if challenge_id(old_path, ws.config) == old_id:
        d, base = posixpath.split(old_path)
        return posixpath.join(d, base.replace(old_id, new_id, 1))
    return None


# ------------------------------------------------------------------------------------------------
# Hover


def _section_label(doc: SpecDocument, line: int) -> tuple[str, str | None]:
    si = doc.section_at(line)
    if si is None:
        return doc.title, None
    path = doc.section_path(si)
    return " › ".join(s.title for s in path), doc.sections[si].authority


def clause_hover(ws, cid: str, base: tuple[str, dict[str, str]] | None = None, evals: dict | None = None) -> str:
    entries = ws.view.clause_entries(cid)
    lines: list[str] = []
    if not entries:
        lines.append(f"**[^{cid}]** — no clause carries this ID.")
    for p, c, _title in entries[:3]:
        doc = ws.view.doc(p)
        label, auth = _section_label(doc, c.range.start.line) if isinstance(doc, SpecDocument) else (p, None)
        head = f"**[^{cid}]** · {label}" + (f" · authority: `{auth}`" if auth else "")
        lines.append(head)
        lines.append("")
        lines.append("> " + c.sentence.replace("\n", " "))
        lines.append("")
        lines.append(f"`{p}:{c.range.start.line + 1}`")
        lines.append("")
    if len(entries) > 1:
        lines.append(f"⚠ defined {len(entries)} times")
        lines.append("")
    chs = ws.view.challenges(cid)
    if chs:
        n = sum(len(d.examples) for d in chs)
        titles = [e.title for d in chs for e in d.examples][:3]
        more = "…" if n > len(titles) else ""
        lines.append(f"**{n} challenge prompt{'s' if n != 1 else ''}** in `{chs[0].path}`" + (": " + "; ".join(titles) + more if titles else ""))
    else:
        lines.append(f"**No challenge prompts** (expected `{ws.challenge_path_for(cid)}`)")
    if evals and cid in evals:  # pass rate from the last `spec-lsp evals run` report
        passed, total, when = evals[cid]
        lines.append("")
        lines.append(f"**evals: {passed}/{total} passed**, run {when[:10] if when else 'date unknown'}")
    if entries:
        summary = evidence_summary(ws, evidence_of(ws, cid, None))
        if summary:
            lines += ["", summary[0].upper() + summary[1:] + "."]
    occ = clause_occurrences(ws, cid)
    cites = [o for o in occ if o.role in ("mention", "header")]
    code = [o for o in occ if o.role == "citation"]
    lines.append("")
    lines.append(f"Cited in {len(cites)} place{'s' if len(cites) != 1 else ''}"
                 + (f" and {len(code)} in code, tests and other files" if code else "") + ".")
    if entries:  # versions: spec.lock status, and the clause against `diff.base` when the editor set one
        from ..versions.lock import base_status, lock_status

        lines += ["", lock_status(ws, entries[0][0], entries[0][1])]
        if base is not None:
            lines += ["", base_status(ws, base[0], base[1], entries[0][0], entries[0][1])]
    return "\n".join(lines).strip()


def anchor_hover(ws, target_path: str, anchor: str) -> str | None:
    tdoc = ws.view.doc(target_path)
    if not isinstance(tdoc, SpecDocument):
        return None
    for a, r, si in tdoc.anchors:
        if a != anchor:
            continue
        if si is None:
            return f"HTML anchor `#{anchor}` in `{target_path}:{r.start.line + 1}`"
        s = tdoc.sections[si]
        label = " › ".join(x.title for x in tdoc.section_path(si))
        body = _first_lines(tdoc, s.line + 1, min(s.end_line, s.line + 40), 3)
        out = [f"**{s.title}** `#{anchor}`" + (f" · authority: `{s.authority}`" if s.authority else ""), "", f"{label} · `{target_path}:{s.line + 1}`"]
        if body:
            out += ["", body]
        return "\n".join(out)
    return None


def _first_lines(doc: SpecDocument, start: int, end: int, n: int) -> str:
    text_lines = doc.text.split("\n")
    got: list[str] = []
    fence = False
    for ln in text_lines[start:end]:
        st = ln.strip()
        if st.startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence or not st or st.startswith(("#", "!!!", "<!--")):
            if got and not st:
                break
            continue
        got.append(st)
        if len(got) >= n:
            break
    return "\n".join(got)


_PLURAL = {"criterion": "criteria", "property": "properties"}


def scoped_clause_hover(ws, cid: str, scope: str, base: tuple[str, dict[str, str]] | None = None) -> str:
    """Hover of a clause of a format with scopes: `**FR-004** · feature 001-photo-albums · cited by T012, T015`."""
    entries = scoped_entries(ws, cid, scope)
    if not entries:
        return f"**{cid}** — not defined in this scope."
    p, c, title = entries[0]
    fmt = ws.format_of(p)
    ev = evidence_of(ws, cid, scope)
    parts = [f"**{fmt.display_id(cid)}**"]
    label = fmt.scope_label(scope)
    if label:
        parts.append(label)
    kinds: dict[str, list[str]] = {}
    for e in ev:
        kinds.setdefault(e.kind, []).append(e.label)
    for kind, labels in kinds.items():
        if kind == "task":
            parts.append("cited by " + ", ".join(labels[:8]) + ("…" if len(labels) > 8 else ""))
        elif kind == "test":
            parts.append("tested by " + ", ".join(labels[:5]) + ("…" if len(labels) > 5 else ""))
        else:
            parts.append(f"{len(labels)} {kind if len(labels) == 1 else _PLURAL.get(kind, kind + 's')}")
    if not ev:
        parts.append("no evidence (no task or scenario cites it)")
    lines = [" · ".join(parts), "", "> " + c.sentence.replace("\n", " "), "", f"`{p}:{c.range.start.line + 1}` · {title}"]
    if len(entries) > 1:
        lines += ["", f"⚠ defined {len(entries)} times in this scope"]
    from ..versions.lock import base_status, lock_status  # versions: spec.lock status, and against `diff.base`

    lines += ["", lock_status(ws, p, c)]
    if base is not None:
        lines += ["", base_status(ws, base[0], base[1], p, c)]
    return "\n".join(lines)


def hover(ws, path: str, pos: Position, base: tuple[str, dict[str, str]] | None = None,
          evals: dict | None = None) -> tuple[str, Range] | None:
    """`base`: (label, clause key -> sentence hash) of a base revision (`diff.base`), when the edge has one;
    `evals`: clause ID -> (passed, graded, run date) of the last evals report (read by the edge: no I/O here)."""
    sym = symbol_at(ws, path, pos)
    if sym is None:
        return None
    if sym.kind == "clause" and sym.scope is not None:
        return scoped_clause_hover(ws, sym.name, sym.scope, base), sym.range
    if sym.kind == "clause":
        text = clause_hover(ws, sym.name, base, evals)
        if sym.role == "header":
            text = "Challenge prompts for this clause:\n\n" + text
        return text, sym.range
    if sym.kind == "anchor":
        t = anchor_hover(ws, sym.path, sym.name)
        return (t, sym.range) if t else None
    doc = ws.view.doc(sym.name)
    if doc is not None:
        title = doc.title if isinstance(doc, SpecDocument) else f"challenge prompts for [^{doc.file_id}]"
        return f"**{title}** · `{sym.name}`", sym.range
    return None


# ------------------------------------------------------------------------------------------------
# Completion contexts

_TAG_PREFIX = re.compile(r"\[\^([A-Za-z0-9_.-]*)$")
_ANCHOR_PREFIX = re.compile(r"\]\(([^()\s#]*)#([A-Za-z0-9_.:-]*)$")


def completion_context(line_text: str, character: int, id_prefix: "re.Pattern | None" = None) -> tuple[str, str, str] | None:
    """("clause", typed prefix, "") after `[^`; ("anchor", prefix, file part) after `](#` or `](file.md#`;
    ("id", prefix, "") after the start of an ID of the document's format (`id_prefix`: `FR-0`)."""
    before = line_text[:character]
    m = _TAG_PREFIX.search(before)
    if m:
        return "clause", m.group(1), ""
    if id_prefix is not None:
        m = id_prefix.search(before)
        if m:
            return "id", m.group(1), ""
    m = _ANCHOR_PREFIX.search(before)
    if m:
        return "anchor", m.group(2), m.group(1)
    return None


def anchor_candidates(ws, from_path: str, file_part: str) -> list[tuple[str, str, str]]:
    """(anchor, section title, target path) for completion."""
    if file_part:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), file_part))
    else:
        target = from_path
    doc = ws.view.doc(target)
    if not isinstance(doc, SpecDocument):
        return []
    out = []
    for a, r, si in doc.anchors:
        out.append((a, doc.sections[si].title if si is not None else a, target))
    return out


def id_candidates(ws, from_path: str) -> list[tuple[str, str]]:
    """(ID, sentence) of the clauses in the scope of `from_path`, for completion."""
    scope = _scope(ws, from_path)
    out = []
    for cid in ws.view.clause_ids():
        entries = scoped_entries(ws, cid, scope)
        if entries:
            out.append((cid, entries[0][1].sentence))
    return out
