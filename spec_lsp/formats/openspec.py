"""The OpenSpec format: its rules (SPEC420–SPEC439), checks, quick-fix template and rename.

Archived changes (``openspec/changes/archive/…``) have already been applied to the main specs:
their ADDED requirements exist by construction, their MODIFIED/REMOVED targets may have been renamed
or removed since, and OpenSpec never reads them again.  So the checks that compare a delta with
the main spec (SPEC424, SPEC425, SPEC427) run on active changes only; the checks of one file's own
structure (SPEC420–SPEC423, SPEC426, SPEC428) run everywhere, since a malformed archive is still
worth knowing about.  Rename never edits archived changes: they record history.
"""

from __future__ import annotations

from typing import Iterable

import re
from dataclasses import replace
from typing import Sequence

from ..core.model import Finding, Fix, Position, Range, Related, Rule, Severity
from ..core.text import closest
from .base import Evidence, Format, format_rule, rule_finding, Reference, cached
from .openspec_parse import (DELTA_PATH, FORMAT, MAIN_PATH, OpenSpecData, Requirement, classify, normalize_name, parse,
                             requirement_slug, scope_of)
from .plugdoc import FormatDoc, block_index_at, statement

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFORMATION


_r = format_rule

RULES: tuple[Rule, ...] = (
    _r("SPEC420", "openspec-requirement-without-scenario", W, "An OpenSpec requirement has no `#### Scenario:` block."),
    _r("SPEC421", "openspec-scenario-without-steps", W, "An OpenSpec scenario has no `**WHEN**` trigger or no `**THEN**` outcome."),
    _r("SPEC422", "openspec-requirement-without-shall", W, "An OpenSpec requirement's statement has no SHALL or MUST."),
    _r("SPEC423", "openspec-duplicate-requirement", E, "Two requirements of one spec (or one delta section) have the same name."),
    _r("SPEC424", "openspec-unknown-delta-target", E, "A MODIFIED, REMOVED or RENAMED delta names a requirement the main spec does not have."),
    _r("SPEC425", "openspec-added-requirement-exists", E, "An ADDED delta names a requirement the main spec already has."),
    _r("SPEC426", "openspec-malformed-rename", E, "A RENAMED section has no well-formed `FROM:` / `TO:` pair."),
    _r("SPEC427", "openspec-modified-drops-scenario", W, "A MODIFIED requirement leaves out scenarios the current requirement has."),
    _r("SPEC428", "openspec-ignored-header", I, "A level-3 heading in a Requirements section is not `### Requirement: <name>`, so OpenSpec ignores it."),
)

SCENARIO_TEMPLATE = "#### Scenario: <name of the situation>\n- **WHEN** <the trigger>\n- **THEN** <the observable outcome>\n"


def _make(code: str, path: str, rng: Range, message: str, subject: str = "", related: Iterable[Related] = (),
          fixes: Iterable[Fix] = (), severity: Severity | None = None) -> Finding:
    return rule_finding(RULES, code, path, rng, message, subject, related, fixes, severity)


def scenario_fix(req: Requirement) -> Fix:
    """Insert a `#### Scenario:` skeleton after the requirement's block."""
    end = req.block.end
    at = Position(end.line, end.character)
    return Fix("Add a scenario skeleton", "replace", "\n\n" + SCENARIO_TEMPLATE.rstrip("\n"), Range(at, at))


def main_doc(scope_docs: Iterable[FormatDoc]) -> FormatDoc | None:
    for d in scope_docs:
        if d.kind == "main":
            return d
    return None


def check(doc: FormatDoc, scope_docs: list[FormatDoc]) -> list[Finding]:
    data: OpenSpecData = doc.data
    path = doc.path
    out: list[Finding] = []
    # -- the file's own structure ------------------------------------------------------------
    seen: dict[tuple[str, str], Requirement] = {}
    for r in data.requirements:
        key = (r.op, r.name)
        if key in seen:
            first = seen[key]
            where = "this spec" if not r.op else f"the {r.op} section"
            out.append(_make("SPEC423", path, r.name_range,
                             f"“{r.name}” is already a requirement of {where} (line {first.line + 1}); OpenSpec keys requirements "
                             "by name, so one of them is lost. Rename or merge one of them.", r.name,
                             [Related(path, first.name_range, f"“{r.name}” is first defined here")]))
        else:
            seen[key] = r
        if r.op == "REMOVED":
            continue
        if not r.scenarios:
            out.append(_make("SPEC420", path, r.name_range,
                             f"Requirement “{r.name}” has no scenario; add a `#### Scenario:` with `- **WHEN** …` and "
                             "`- **THEN** …` steps that shows it holds.", r.name, (), [scenario_fix(r)]))
        if not r.has_keyword:
            out.append(_make("SPEC422", path, r.name_range,
                             f"Requirement “{r.name}” states nothing normative: its statement has no SHALL or MUST. "
                             "Write what the system SHALL do (OpenSpec rejects a requirement without one).", r.name))
        for s in r.scenarios:
            if s.has_trigger and s.has_outcome:
                continue
            if not s.has_text:
                what = "has no steps"
            elif not s.has_outcome:
                what = "has no `**THEN**` outcome"
            else:
                what = "has no `**WHEN**` (or `**GIVEN**`) trigger"
            out.append(_make("SPEC421", path, s.name_range,
                             f"Scenario “{s.name}” {what}; write it as `- **WHEN** <trigger>` then `- **THEN** <outcome>`.", r.name))
    for rn in data.renames:
        if rn.problem:
            at = rn.from_range or rn.to_range
            assert at is not None
            out.append(_make("SPEC426", path, at,
                             f"Malformed rename: {rn.problem}. Write each rename as two lines, "
                             "`- FROM: `### Requirement: Old name`` and `- TO: `### Requirement: New name``.",
                             rn.from_name or rn.to_name or ""))
    for s in data.sections:
        if s.op == "RENAMED" and s.empty:
            out.append(_make("SPEC426", path, s.title_range,
                             "This RENAMED section has no `FROM:` / `TO:` pair, so it renames nothing. Add "
                             "`- FROM: `### Requirement: Old name`` and `- TO: `### Requirement: New name``, or delete the section."))
    for o in data.odd_headers:
        if o.title.strip().rstrip(":") == "Requirement" or o.title.strip().startswith("Requirement:"):
            msg = "This requirement heading has no name; OpenSpec skips it. Write `### Requirement: <name>`."
        else:
            msg = (f"OpenSpec only reads `### Requirement: <name>` headings here, so “{o.title}” and its scenarios are ignored. "
                   f"Write it as `### Requirement: {o.title}`, or move it out of the {o.section} section.")
        out.append(_make("SPEC428", path, o.range, msg, o.title))
    # -- against the main spec (active changes only) -----------------------------------------
    if doc.kind != "delta":
        return out
    main = main_doc(scope_docs)
    main_reqs: dict[str, Requirement] = {r.name: r for r in main.data.requirements} if main is not None else {}
    names = set(main_reqs)
    renamed_to: dict[str, str] = {}
    for rn in data.renames:  # OpenSpec applies RENAMED first
        if rn.from_name and rn.to_name and not rn.problem:
            if rn.from_name in names:
                names.discard(rn.from_name)
                names.add(rn.to_name)
                renamed_to[rn.to_name] = rn.from_name
    cap = data.capability

    def missing(name: str, rng: Range, what: str) -> None:
        if main is None:
            out.append(_make("SPEC424", path, rng,
                             f"{what} “{name}”, but capability “{cap}” has no main spec (`{data.base}specs/{cap}/spec.md`); "
                             "a new capability can only ADD requirements.", name))
            return
        sugg = closest(name, names, cutoff=0.5)
        fixes = [Fix(f"Change to “{sugg[0]}”", "replace", sugg[0], rng)] if sugg else []
        out.append(_make("SPEC424", path, rng,
                         f"{what} “{name}”, but `{main.path}` has no requirement by that name"
                         + (f"; did you mean “{sugg[0]}”?" if sugg else "; check the name against the main spec."),
                         name, [Related(main.path, main_reqs[sugg[0]].name_range, f"“{sugg[0]}” is defined here")] if sugg and sugg[0] in main_reqs else [],
                         fixes))

    for rn in data.renames:
        if rn.from_name and rn.from_range and not rn.problem and rn.from_name not in main_reqs:
            missing(rn.from_name, rn.from_range, "RENAMED FROM names")
        if rn.to_name and rn.to_range and not rn.problem and rn.to_name in main_reqs:
            out.append(_make("SPEC425", path, rn.to_range,
                             f"RENAMED TO names “{rn.to_name}”, which `{main.path if main else ''}` already has; pick a new name.", rn.to_name,
                             [Related(main.path, main_reqs[rn.to_name].name_range, f"“{rn.to_name}” is defined here")] if main else []))
    for r in data.requirements:
        if r.op in ("MODIFIED", "REMOVED"):
            if r.name not in names:
                missing(r.name, r.name_range, f"{r.op} names")
                continue
            if r.op == "MODIFIED" and main is not None:
                cur = main_reqs.get(renamed_to.get(r.name, r.name))
                if cur is None:
                    continue
                have = {s.name for s in r.scenarios}
                dropped = [s for s in cur.scenarios if s.name not in have]
                if dropped:
                    names_txt = ", ".join(f"“{s.name}”" for s in dropped[:5]) + (" …" if len(dropped) > 5 else "")
                    new = [s for s in r.scenarios if s.name not in {c.name for c in cur.scenarios}]
                    one = len(dropped) == 1
                    msg = (f"MODIFIED replaces the whole requirement, and this block leaves out {len(dropped)} of its "
                           f"current scenarios ({names_txt}); archiving it would delete {'it' if one else 'them'}. ")
                    if new:
                        # the block brings new scenarios too: perhaps rewordings of the dropped ones
                        msg += (f"If the block's new scenario{'s' if len(new) > 1 else ''} ({', '.join(f'“{s.name}”' for s in new[:3])}) "
                                f"replace{'' if len(new) > 1 else 's'} {'it' if one else 'them'}, nothing is lost; otherwise copy "
                                f"{'it' if one else 'them'} into this block.")
                    else:
                        msg += (f"Copy {'it' if one else 'them'} into this block (changed or not), or REMOVE the "
                                "requirement deliberately.")
                    out.append(_make("SPEC427", path, r.name_range, msg,
                                     r.name, [Related(main.path, s.name_range, f"scenario “{s.name}” of the current requirement") for s in dropped[:10]],
                                     severity=I if new else None))
        elif r.op == "ADDED" and r.name in names and main is not None:
            where = main_reqs.get(r.name)
            out.append(_make("SPEC425", path, r.name_range,
                             f"ADDED names “{r.name}”, which `{main.path}` already has; use MODIFIED to change it, or give the new "
                             "requirement another name.", r.name,
                             [Related(main.path, where.name_range, f"“{r.name}” is defined here")] if where else []))
    return out


# ------------------------------------------------------------------------------------------
# Rename by name


def rename_edits(scope_docs: list[FormatDoc], old: str, new: str) -> dict[str, list[tuple[Range, str]]]:
    """Every place that names requirement `old` in its capability: the main heading and the headers,
    bullets and FROM/TO lines of active changes.  Never an injected `{#id}`; archived changes untouched."""
    new_n = normalize_name(new)
    edits: dict[str, list[tuple[Range, str]]] = {}
    for d in scope_docs:
        if d.kind == "archived-delta":
            continue
        data: OpenSpecData = d.data
        for r in data.requirements:
            if r.name == old:
                edits.setdefault(d.path, []).append((r.name_range, new_n))
        for rn in data.renames:
            if rn.from_name == old and rn.from_range:
                edits.setdefault(d.path, []).append((rn.from_range, new_n))
            if rn.to_name == old and rn.to_range:
                edits.setdefault(d.path, []).append((rn.to_range, new_n))
    return edits


def slug_change(old: str, new: str) -> tuple[str, str]:
    return requirement_slug(old), requirement_slug(normalize_name(new))


def hover_text(clause_id: str, main: FormatDoc | None, scope_docs: list[FormatDoc]) -> str:
    req = None
    if main is not None:
        req = next((r for r in main.data.requirements if r.name == clause_id), None)
    cap = (main.data.capability if main is not None else (scope_docs[0].data.capability if scope_docs else ""))
    parts = [f"**Requirement: {clause_id}** · capability {cap}"]
    if req is not None:
        parts[0] += f" · {len(req.scenarios)} scenario" + ("" if len(req.scenarios) == 1 else "s")
    changes = sorted({f"{d.data.change} ({r.op})" for d in scope_docs if d.kind == "delta" for r in d.data.requirements if r.name == clause_id})
    if changes:
        parts[0] += " · changed by " + ", ".join(changes)
    if req is not None and req.body:
        parts.append(req.body[:400])
    if req is not None and req.scenarios:
        parts.append("\n".join(f"- Scenario: {s.name}" for s in req.scenarios[:12]))
    return "\n\n".join(parts)


# ------------------------------------------------------------------------------------------
# The format on the seam

_KEYWORD = re.compile(r"(?<![A-Za-z])(SHALL|MUST)(?![A-Za-z])")


def fdoc_of(doc) -> FormatDoc | None:
    """This format's parse of a SpecDocument (memoised on the immutable document)."""
    return cached(doc, "openspec-fdoc", lambda: parse(doc.path, doc.text))


class OpenSpecFormat(Format):
    name = FORMAT
    title = "OpenSpec: openspec/specs/<capability>/spec.md requirements with scenarios; openspec/changes/<id>/specs/ deltas"
    rules = RULES
    generic_mentions = False  # a delta naming an unknown requirement is SPEC424, on active changes only

    def detect(self, files: Sequence[str]) -> bool:
        return any(MAIN_PATH.match(f) or DELTA_PATH.match(f) for f in files)

    def claims(self, rel_path: str) -> bool:
        return classify(rel_path) is not None

    def scope(self, rel_path: str) -> str:
        cls = classify(rel_path)
        return f"{cls[1]}specs/{cls[2]}" if cls else ""

    def scope_label(self, scope: str) -> str:
        return f"capability {scope.rsplit('/', 1)[-1]}" if scope else ""

    def finish(self, doc):
        """Main-spec requirements become clauses keyed by name; every other place that names a
        requirement (delta headers, REMOVED bullets, RENAMED FROM/TO, a duplicate heading) is a mention."""
        from ..core.document import Clause, Mention

        fd = fdoc_of(doc)
        if fd is None:
            return doc
        data: OpenSpecData = fd.data
        clauses = []
        mentions = []
        seen: set[str] = set()
        for r in data.requirements:
            bi = block_index_at(doc, r.line)
            if fd.kind == "main" and not r.op and r.name not in seen:
                seen.add(r.name)
                stop = r.scenarios[0].line if r.scenarios else r.block.end.line + 1
                st = statement(doc, r.line + 1, stop, _KEYWORD)
                sent, srange, sbi = st if st is not None else (r.name, r.name_range, bi)
                clauses.append(Clause(r.name, "requirement", r.name_range, r.name_range, sent, srange, sbi, ()))
            else:
                mentions.append(Mention(r.name, r.name_range, bi))
        for rn in data.renames:
            for nm, rg in ((rn.from_name, rn.from_range), (rn.to_name, rn.to_range)):
                if nm and rg is not None:
                    mentions.append(Mention(nm, rg, block_index_at(doc, rg.start.line)))
        mentions.sort(key=lambda m: (m.range.start.line, m.range.start.character))
        return replace(doc, clauses=tuple(clauses), mentions=tuple(mentions))

    def data(self, doc):
        return fdoc_of(doc)

    def references(self, doc):
        def build():
            fd = fdoc_of(doc)
            if fd is None:
                return ()
            return tuple(Reference(r.id, doc.path, r.range, "delta" if r.role != "rename-to" else "rename", r.owner) for r in fd.refs)
        return cached(doc, "openspec-references", build)

    def evidence(self, ws, path, clause):
        d = ws.doc(path)
        fd = fdoc_of(d) if d is not None else None
        if fd is None:
            return []
        for r in fd.data.requirements:
            if r.name == clause.id and not r.op:
                return [Evidence("scenario", path, s.name_range, f"Scenario: {s.name}") for s in r.scenarios]
        return []

    def symbol_name(self, clause) -> str:
        return f"Requirement: {clause.id}"

    def display_id(self, clause_id: str) -> str:
        return f"Requirement: {clause_id}"

    def missing_evidence(self, ws, path, clause, section_title):
        from .base import MissingEvidenceFix

        d = ws.doc(path)
        fd = fdoc_of(d) if d is not None else None
        if fd is None:
            return None
        for r in fd.data.requirements:
            if r.name == clause.id:
                fx = scenario_fix(r)
                return MissingEvidenceFix(fx.title, path, fx.new_text, fx.range)
        return None

    def valid_id(self, new_id: str) -> bool | None:
        return bool(new_id.strip()) and "\n" not in new_id and "`" not in new_id

    def rename_edits(self, ws, path, clause_id, new_id):
        scope = self.scope(path)
        mates = [fdoc_of(ws.docs[p]) for p in ws.scope_docs(scope) if p in ws.docs]
        edits = rename_edits([m for m in mates if m is not None], clause_id, new_id)
        # links whose fragment is the requirement heading's GitHub anchor follow the new name
        old_slug, new_slug = slug_change(clause_id, new_id)
        from ..core.checks import resolve_link
        from ..core.document import SpecDocument

        mains = {m.path for m in mates if m is not None and m.kind == "main"}
        for p, d in ws.docs.items():
            if not isinstance(d, SpecDocument):
                continue
            for lk in d.links:
                if lk.anchor != old_slug or lk.anchor_range is None:
                    continue
                target, _a, ok = resolve_link(p, lk)
                if ok and (target or p) in mains:
                    edits.setdefault(p, []).append((lk.anchor_range, new_slug))
        return edits

    def check(self, doc, ws):
        fd = fdoc_of(doc)
        if fd is None:
            return []
        mates = [x for p in ws.scope_docs(self.scope(doc.path)) if (x := ws.format_data(p)) is not None]
        if fd not in mates:
            mates.append(fd)
        return check(fd, mates)

    def check_mentions(self, doc, ws):
        return []

    #: OpenSpec headings are names: never write `{#id}` into them (OpenSpec's archive step refuses it)
    inject_anchors = False

    #: completion of requirement names in `### Requirement: ` headers and RENAMED `FROM:` / `TO:` lines
    completion_prefix = (r"^(?:[ ]{0,3}###[ \t]+Requirement:[ \t]*|[ \t]*(?:[-*+][ \t]+)?(?:FROM|TO)[ \t]*:[ \t]*`?"
                         r"(?:###[ \t]*Requirement:[ \t]*)?)([^`]*)$")


__all__ = ["OpenSpecFormat", "RULES", "FORMAT", "check", "parse", "classify", "scope_of", "rename_edits", "slug_change", "hover_text",
           "SCENARIO_TEMPLATE", "main_doc"]
