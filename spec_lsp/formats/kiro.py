"""The Kiro format: its rules (SPEC440–SPEC459), checks, quick-fix template, hover.

Noise control, decided on the three public Kiro corpora:

* a feature without requirements.md (tasks only), or whose requirements.md is free-form and defines
  no ID at all, has nothing to resolve references against: its references are not checked;
* "criterion cited by no task" runs only when the feature's tasks.md cites at least one requirement
  (a tasks.md that never cites is a different style, not 200 omissions), and `All` / `すべて` covers all;
* EARS checks run on numbered acceptance criteria only, never on free-form prose.
"""

from __future__ import annotations

import re
from typing import Iterable

from dataclasses import replace
from typing import Sequence

from ..core.model import Finding, Fix, Position, Range, Related, Rule, Severity
from ..core.text import closest
from .base import Evidence, Format, format_rule, rule_finding, MissingEvidenceFix, Reference, cached
from .kiro_parse import (EARS_SHALL, EARS_SHALL_ANY_CASE, EARS_THEN, EARS_TRIGGER, FORMAT, PATH, KiroData, KRequirement,
                         classify, expand, parse, scope_of)
from .plugdoc import FormatDoc, block_index_at, rng, statement, strip_code_spans

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFORMATION


_r = format_rule

RULES: tuple[Rule, ...] = (
    _r("SPEC440", "kiro-unknown-requirement-ref", E, "A `_Requirements:_` or `Validates: Requirements` reference names no requirement or criterion of the feature."),
    _r("SPEC441", "kiro-criterion-not-covered", I, "An acceptance criterion is cited by no task of the feature's tasks.md."),
    _r("SPEC442", "kiro-criterion-without-shall", W, "An acceptance criterion has no SHALL, so it states no requirement."),
    _r("SPEC443", "kiro-trigger-without-response", W, "An EARS criterion has a WHEN/IF/WHILE/WHERE condition but no SHALL response."),
    _r("SPEC444", "kiro-then-without-trigger", W, "An EARS criterion says THEN with no WHEN or IF before it."),
    _r("SPEC445", "kiro-requirement-without-criteria", W, "A numbered requirement has no acceptance criteria."),
    _r("SPEC446", "kiro-duplicate-requirement-number", E, "Two requirements of one feature have the same number."),
    _r("SPEC447", "kiro-criterion-misnumbered", W, "An acceptance criterion's written number is not the number Markdown shows (and its ID uses)."),
)

CRITERION_TEMPLATE = "WHEN <trigger>, THE <system> SHALL <response>"


def _make(code: str, path: str, rng: Range, message: str, subject: str = "", related: Iterable[Related] = (),
          fixes: Iterable[Fix] = (), severity: Severity | None = None) -> Finding:
    return rule_finding(RULES, code, path, rng, message, subject, related, fixes, severity)


def criterion_fix(req: KRequirement) -> Fix:
    """Append a numbered EARS criterion (and the Acceptance Criteria heading when there is none)."""
    end = req.block.end
    at = Position(end.line, end.character)
    if req.criteria:
        text = f"\n{len(req.criteria) + 1}. {CRITERION_TEMPLATE}"
    else:
        text = f"\n\n#### Acceptance Criteria\n\n1. {CRITERION_TEMPLATE}"
    return Fix("Add an acceptance criterion", "replace", text, Range(at, at))


def _docs(scope_docs: list[FormatDoc], kind: str) -> list[FormatDoc]:
    return [d for d in scope_docs if d.kind == kind]


def clause_order(scope_docs: list[FormatDoc]) -> list[str]:
    reqs = _docs(scope_docs, "requirements")
    return [c.id for c in reqs[0].clauses] if reqs else []


def check(doc: FormatDoc, scope_docs: list[FormatDoc]) -> list[Finding]:
    data: KiroData = doc.data
    if data.file == "requirements":
        return _check_requirements(doc, scope_docs)
    return _check_refs(doc, scope_docs)


def ears_problem(text: str, cid: str = "") -> tuple[str, str] | None:
    """(code, message) for a malformed EARS criterion, else None."""
    t = strip_code_spans(text).replace("**", "")
    who = f"Criterion {cid}" if cid else "This criterion"
    trig = EARS_TRIGGER.search(t)
    shall = EARS_SHALL.search(t)
    then = EARS_THEN.search(t)
    if not shall:
        if EARS_SHALL_ANY_CASE.search(t):
            hint = " (EARS keywords are written in capitals: SHALL)"
        else:
            hint = ""
        if trig:
            return ("SPEC443", f"{who} has a {trig.group(1)} condition but no SHALL response{hint}; "
                               f"complete it as `{trig.group(1)} <condition>, THE <system> SHALL <response>`.")
        return ("SPEC442", f"{who} states no requirement: it has no SHALL{hint}. Write it in EARS form, e.g. "
                           "`THE <system> SHALL <response>` or `WHEN <trigger>, THE <system> SHALL <response>`.")
    if then and not (trig and trig.start() < then.start()):
        return ("SPEC444", f"{who} says THEN without a WHEN or IF condition before it; add the condition "
                           "(`WHEN <trigger>, THEN …`) or drop THEN (`THE <system> SHALL …`).")
    return None


def _check_requirements(doc: FormatDoc, scope_docs: list[FormatDoc]) -> list[Finding]:
    data: KiroData = doc.data
    path = doc.path
    out: list[Finding] = []
    seen: dict[str, KRequirement] = {}
    for r in data.requirements:
        if r.free_form:
            continue
        if r.id in seen:
            out.append(_make("SPEC446", path, r.id_range,
                             f"Requirement {r.id} is numbered twice in this feature (first on line {seen[r.id].line + 1}); "
                             f"references like {r.id}.1 cannot tell them apart. Renumber one of them.", r.id,
                             [Related(path, seen[r.id].id_range, f"Requirement {r.id} is first defined here")]))
        else:
            seen[r.id] = r
        if not r.criteria:
            out.append(_make("SPEC445", path, r.id_range,
                             f"Requirement {r.id} has no acceptance criteria; add a `#### Acceptance Criteria` list of numbered "
                             "EARS statements (`1. WHEN …, THE <system> SHALL …`).", r.id, (), [criterion_fix(r)]))
        for c in r.criteria:
            if c.written:
                out.append(_make("SPEC447", path, c.marker_range,
                                 f"This criterion is written “{c.written}.” but it is item {c.number} of the list: Markdown shows "
                                 f"it as {c.number}, and its ID is {c.id}, while references to {r.id}.{c.written} mean another "
                                 f"criterion. Renumber the list.", c.id, (),
                                 [Fix(f"Renumber to {c.number}.", "replace", f"{c.number}.", c.marker_range)]))
            p = ears_problem(c.text, c.id)
            if p is not None:
                out.append(_make(p[0], path, c.marker_range, p[1], c.id))
    # coverage by tasks
    tasks = _docs(scope_docs, "tasks")
    if tasks:
        cited: set[str] = set()
        cites_any = False
        order = [c.id for c in doc.clauses]
        for t in tasks:
            for rl in t.data.ref_lines:  # `_Requirements:` lines and a test task's `Validates:` line
                for tok in rl.tokens:
                    got = expand(tok, order)
                    if got is not None:
                        cites_any = True
                        cited.update(got)
        if cites_any:
            for r in data.requirements:
                if r.id in cited:
                    continue  # a citation of the whole requirement covers its criteria
                for c in r.criteria:
                    if c.id not in cited:
                        out.append(_make("SPEC441", path, c.marker_range,
                                         f"Criterion {c.id} is cited by no task in `{tasks[0].path}`; add it to the "
                                         f"`_Requirements: …_` line of the task that implements it, or add a task.", c.id))
    return out


def _check_refs(doc: FormatDoc, scope_docs: list[FormatDoc]) -> list[Finding]:
    data: KiroData = doc.data
    reqs = _docs(scope_docs, "requirements")
    if not reqs or not reqs[0].clauses:
        return []
    order = [c.id for c in reqs[0].clauses]
    out: list[Finding] = []
    for rl in data.ref_lines:
        for tok in rl.tokens:
            if tok.kind == "other":
                if not re.search(r"\d", tok.text):
                    continue  # prose, not an ID
            if expand(tok, order) is not None:
                continue
            if tok.kind in ("range", "prefixed-range"):
                bad = [x for x in tok.ids if x not in order]
                why = (f"{', '.join(bad)} is not a criterion of this feature" if bad else "the range runs backwards")
            else:
                why = "no requirement or criterion of this feature has that ID"
            sugg = closest(tok.ids[0] if tok.ids else tok.text, order, cutoff=0.5)
            fixes = [Fix(f"Change to {sugg[0]}", "replace", sugg[0], tok.range)] if sugg and tok.kind in ("id", "prefixed", "requirement", "other") else []
            out.append(_make("SPEC440", doc.path, tok.range,
                             f"“{tok.text}”: {why} (`{reqs[0].path}`)"
                             + (f"; did you mean {sugg[0]}?" if sugg else "; cite an existing criterion such as 1.1."),
                             tok.text, (), fixes))
    return out


def hover_text(clause_id: str, scope_docs: list[FormatDoc]) -> str:
    reqs = _docs(scope_docs, "requirements")
    feature = scope_docs[0].data.feature.rsplit("/", 1)[-1] if scope_docs else ""
    clause = next((c for c in reqs[0].clauses if c.id == clause_id), None) if reqs else None
    if clause is None:
        return f"**{clause_id}** · feature {feature} · not defined"
    order = [c.id for c in reqs[0].clauses]
    citing: list[str] = []
    for d in scope_docs:
        if d.kind == "requirements":
            continue
        for rl in d.data.ref_lines:
            for tok in rl.tokens:
                got = expand(tok, order) or ()
                if clause_id in got or (clause.kind == "criterion" and clause_id.split(".")[0] in got):
                    citing.append(rl.owner or f"line {rl.line + 1}")
                    break
    head = f"**{clause.display}** · feature {feature}"
    if clause.kind == "requirement":
        n = sum(1 for c in reqs[0].clauses if c.kind == "criterion" and c.id.split(".")[0] == clause_id)
        head += f" · {n} criteria"
    if citing:
        uniq = list(dict.fromkeys(citing))
        head += " · cited by " + ", ".join(uniq[:8]) + (" …" if len(uniq) > 8 else "")
    return head + (f"\n\n{clause.text[:400]}" if clause.text else "")


# ------------------------------------------------------------------------------------------
# The format on the seam


def fdoc_of(doc) -> FormatDoc | None:
    return cached(doc, "kiro-fdoc", lambda: parse(doc.path, doc.text))


def _token_mentions(tok) -> list[tuple[str, Range]]:
    """(clause id, source range) for each ID written in a reference token (both ends of a range)."""
    r = tok.range
    line, c0, text = r.start.line, r.start.character, tok.text
    if tok.kind in ("id", "requirement", "prefixed"):
        return [(tok.ids[0], r)]
    if tok.kind in ("range", "prefixed-range"):
        out = []
        a, b = tok.ids
        ia = text.find(a.split("-")[-1])
        ib = text.rfind(b.split("-")[-1])
        if ia >= 0:
            out.append((a, rng(line, c0 + ia, c0 + ia + len(a.split("-")[-1]))))
        if ib >= 0 and ib != ia:
            out.append((b, rng(line, c0 + ib, c0 + ib + len(b.split("-")[-1]))))
        return out
    return []


def _expand_local(tok) -> list[str]:
    """What a token cites, without the requirements file: ranges within one requirement expand
    numerically (7.1-7.10), `All` is "*", a range across requirements is its two ends."""
    if tok.kind == "all":
        return ["*"]
    if tok.kind == "range":
        a, b = tok.ids
        ra, ma = a.split(".")
        rb, mb = b.split(".")
        if ra == rb and int(ma) <= int(mb) and int(mb) - int(ma) <= 500:
            return [f"{ra}.{k}" for k in range(int(ma), int(mb) + 1)]
        return [a, b]
    if tok.kind == "prefixed-range":
        return list(tok.ids)
    if tok.kind in ("id", "requirement", "prefixed"):
        return [tok.ids[0]]
    return []


class KiroFormat(Format):
    name = FORMAT
    title = "Kiro: .kiro/specs/<feature>/requirements.md (EARS criteria N.M), design.md, tasks.md (_Requirements: …_)"
    dot_dirs = (".kiro",)
    rules = RULES
    generic_mentions = False  # unknown `_Requirements:` references are SPEC440
    ears_fixes = True  # acceptance criteria are EARS (CRITERION_TEMPLATE): SPEC217 may rewrite WHEN -> WHILE

    def detect(self, files: Sequence[str]) -> bool:
        return any(PATH.match(f) for f in files)

    def claims(self, rel_path: str) -> bool:
        return classify(rel_path) is not None

    def scope(self, rel_path: str) -> str:
        cls = classify(rel_path)
        return cls[0] if cls else ""

    def scope_label(self, scope: str) -> str:
        return f"feature {scope.rsplit('/', 1)[-1]}" if scope else ""

    def finish(self, doc):
        from ..core.document import Clause, Mention

        fd = fdoc_of(doc)
        if fd is None:
            return doc
        data: KiroData = fd.data
        clauses = []
        mentions = []
        if data.file == "requirements":
            seen: set[str] = set()
            for r in data.requirements:
                if r.id in seen:
                    continue  # a duplicate number (SPEC446): its criteria would collide too
                seen.add(r.id)
                bi = block_index_at(doc, r.line)
                stop = r.criteria[0].block.start.line if r.criteria else r.block.end.line + 1
                st = statement(doc, r.line + 1, stop) if not r.free_form else None
                if r.free_form and r.block.start.line == r.block.end.line:  # `- FR-1.1: …`
                    st = statement(doc, r.line, r.line + 1)
                sent, srange, sbi = st if st is not None else (r.title or r.id, r.id_range, bi)
                clauses.append(Clause(r.id, "requirement", r.id_range, r.id_range, sent, srange, sbi, ()))
                for c in r.criteria:
                    st2 = statement(doc, c.block.start.line, c.block.start.line + 1)
                    sent2, srange2, sbi2 = st2 if st2 is not None else (c.text, c.block, block_index_at(doc, c.block.start.line))
                    if st2 is not None:  # the whole criterion, not only its first sentence
                        b = doc.blocks[sbi2]
                        sent2, srange2 = b.plain, b.range(0, len(b.plain))
                    clauses.append(Clause(c.id, "criterion", c.marker_range, c.marker_range, sent2, srange2, sbi2, ("list-item",)))
        else:
            for rl in data.ref_lines:
                for tok in rl.tokens:
                    for cid, rg in _token_mentions(tok):
                        mentions.append(Mention(cid, rg, block_index_at(doc, rg.start.line)))
        return replace(doc, clauses=tuple(clauses), mentions=tuple(mentions))

    def definition_patterns(self, rel_path, config):
        return ()

    def data(self, doc):
        return fdoc_of(doc)

    def references(self, doc):
        def build():
            fd = fdoc_of(doc)
            if fd is None or fd.data.file == "requirements":
                return ()
            out = []
            for rl in fd.data.ref_lines:
                for tok in rl.tokens:
                    kind = {"all": "all", "range": "range", "prefixed-range": "range"}.get(tok.kind, "task" if rl.role == "task" else "citation")
                    for cid in _expand_local(tok):
                        out.append(Reference(cid, doc.path, tok.range, kind, rl.owner))
            return tuple(out)
        return cached(doc, "kiro-references", build)

    def evidence(self, ws, path, clause):
        scope = self.scope(path)
        out: list[Evidence] = []
        own = ws.format_data(path)
        if own is not None and clause.kind == "requirement":
            for r in own.data.requirements:
                if r.id == clause.id:
                    out.extend(Evidence("criterion", path, c.marker_range, f"Criterion {c.id}") for c in r.criteria)
                    break
        order = [c.id for c in own.clauses] if own is not None else []
        for p in ws.scope_docs(scope):
            if p == path:
                continue
            fd = ws.format_data(p)
            if fd is None or fd.data.file == "requirements":
                continue
            for rl in fd.data.ref_lines:
                for tok in rl.tokens:
                    got = expand(tok, order) or ()
                    if clause.id in got or (clause.kind == "criterion" and clause.id.split(".")[0] in got and tok.kind == "requirement"):
                        kind = "task" if fd.data.file == "tasks" else "property"
                        out.append(Evidence(kind, p, tok.range, rl.owner or f"{p}:{rl.line + 1}"))
                        break
        return out

    def symbol_name(self, clause) -> str:
        return f"Requirement {clause.id}" if clause.kind == "requirement" and clause.id.isdigit() else (
            f"Criterion {clause.id}" if clause.kind == "criterion" else clause.id)

    def display_id(self, clause_id: str) -> str:
        if clause_id.isdigit():
            return f"Requirement {clause_id}"
        if re.fullmatch(r"\d+\.\d+", clause_id):
            return f"Criterion {clause_id}"
        return clause_id

    def missing_evidence(self, ws, path, clause, section_title):
        own = ws.format_data(path)
        if own is None or clause.kind != "requirement":
            return None
        for r in own.data.requirements:
            if r.id == clause.id:
                fx = criterion_fix(r)
                return MissingEvidenceFix(fx.title, path, fx.new_text, fx.range)
        return None

    def valid_id(self, new_id: str) -> bool | None:
        return False  # criterion IDs are derived from numbering, never written: renumber instead

    def rename_edits(self, ws, path, clause_id, new_id):
        return {}

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

    #: completion in `_Requirements: 1.1, 2.` and `Validates: Requirements 3.` lists
    completion_prefix = (r"(?:_Requirements?[ \t]*[:：]|Validates:?(?:\*\*)?[ \t]*Requirements?)[^_*]*?"
                         r"(?:[ \t,，、]|:)([A-Za-z0-9.\-]*)$")
    #: criterion IDs are derived from numbering, never written: no rename
    derived_ids = True


__all__ = ["KiroFormat", "RULES", "FORMAT", "check", "parse", "classify", "scope_of", "ears_problem", "hover_text", "CRITERION_TEMPLATE",
           "clause_order"]
