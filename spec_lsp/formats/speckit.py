"""GitHub spec-kit: `specs/NNN-feature/spec.md` with `- **FR-001**: System MUST …` requirements and
`- **SC-001**: …` success criteria, user stories with Given/When/Then scenarios, `plan.md`,
`tasks.md` (`- [ ] T012 [P] [US1] … (FR-004)`), `checklists/*.md`; `.specify/` holds the templates
and the constitution.

* Clauses: `**FR-NNN**` / `**SC-NNN**` (letter suffixes `FR-004a`) at the start of a list item or
  paragraph of a feature's `spec.md`; with or without a colon after the bold ID.
* Scope: the feature directory (`specs/001-photo-albums`).  spec-kit restarts FR-001 in every
  feature, so equal IDs in two features are two clauses; a file outside a feature (a template, the
  constitution) is its own scope.
* References: ID mentions, ranges (`FR-001 through FR-004`, `FR-009–FR-011`), a task's `(FR-004)`.
* Evidence: the tasks of the feature's `tasks.md` that cite the requirement.
* Rules (SPEC400–SPEC419): unknown ID in the feature, requirement cited by no task,
  `[NEEDS CLARIFICATION]` left in the spec.  Duplicate IDs are the generic SPEC110, per feature.
* No quick fix writes a Model Spec challenge file here (there is nothing XML in spec-kit).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from typing import Sequence

from ..core.model import Range, Severity
from .base import Evidence, Format, Reference, cached, format_rule

# FR-001 / SC-001 / NFR-001 (spec-kit's template; letter suffixes FR-004a), and R001 (the second,
# off-template `# Spec:` layout some projects use: `- **R001** (MUST): …`, `- **NFR001** (MUST): …`)
ID_RE = r"(?P<id>(?:FR|SC|NFR)-\d{3}[a-z]?|N?FR\d{3}[a-z]?|R\d{3}[a-z]?)"
_FEATURE = re.compile(r"^(?:\d{3,}|_\d+_)[-_]")
_RANGE = re.compile(r"\b(?P<a>(?P<pfx>FR|SC|NFR)-(?P<n1>\d{3}))\s*(?:through|to|thru|–|—|-|\.\.)\s*(?P<b>(?P=pfx)-(?P<n2>\d{3}))\b")
_RANGE_TOKEN = re.compile(r"^(?P<pfx>[A-Z]+)-(?P<n1>\d{3})\.\.(?P=pfx)-(?P<n2>\d{3})$")
_ID_PARTS = re.compile(r"^(?P<pfx>[A-Z]+)-(?P<n>\d{3})(?P<sfx>[a-z]?)$")


def cites(cited: frozenset[str], cid: str) -> bool:
    """Whether a set of references (IDs and range tokens `FR-006..FR-011`) cites `cid`: listed, or inside
    a range (FR-012a is inside FR-012..FR-015; FR-011a is not inside FR-006..FR-011)."""
    if cid in cited:
        return True
    m = _ID_PARTS.match(cid)
    if not m:
        return False
    n, sfx = int(m.group("n")), m.group("sfx")
    for tok in cited:
        r = _RANGE_TOKEN.match(tok)
        if r and r.group("pfx") == m.group("pfx"):
            n1, n2 = int(r.group("n1")), int(r.group("n2"))
            if n1 < n < n2 or (sfx and n == n1 and n1 < n2):
                return True
    return False
_TASK = re.compile(r"^\[[ xX]\]\s*(?P<id>T\d{3,})\b")
_CLARIFY = re.compile(r"\[NEEDS CLARIFICATION(?P<body>[^\]]*)\]")
_MARKER_WORD = re.compile(r"\s*\**\s*(?:markers?|tags?|placeholders?|items?)\b", re.IGNORECASE)


_rule = format_rule


RULES = (
    _rule("SPEC400", "unknown-requirement-reference", Severity.WARNING,
          "A spec-kit feature's spec, plan, tasks or checklist mentions a requirement ID its spec.md does not define."),
    _rule("SPEC401", "requirement-without-task", Severity.WARNING,
          "A spec-kit functional requirement is cited by no task of its feature's tasks.md."),
    _rule("SPEC402", "needs-clarification", Severity.WARNING,
          "A `[NEEDS CLARIFICATION: …]` placeholder is still in a spec-kit document."),
)


def feature_dir(rel_path: str) -> str | None:
    """`specs/001-photo-albums` for any file under it, else None."""
    parts = rel_path.split("/")
    for i in range(len(parts) - 2):
        if parts[i] == "specs" and not parts[i + 1].startswith("."):
            return "/".join(parts[: i + 2])
    return None


def _is_template(rel_path: str) -> bool:
    return rel_path.startswith(".specify/") or posixpath.basename(rel_path).endswith("-template.md")


class SpecKitFormat(Format):
    name = "spec-kit"
    title = "GitHub spec-kit: specs/NNN-feature/{spec,plan,tasks}.md, **FR-001** requirements scoped per feature"
    dot_dirs = (".specify",)
    rules = RULES
    generic_mentions = False
    bold_lead_definitions = True
    completion_prefix = r"(?<![\w-])((?:FR|SC|NFR)-[0-9]*[a-z]?)$"

    # -- detection and files ------------------------------------------------------------
    def detect(self, files: Sequence[str]) -> bool:
        for f in files:
            if f.startswith(".specify/"):
                return True
            parts = f.split("/")
            if len(parts) >= 3 and parts[-1] == "spec.md" and parts[-3] == "specs" and _FEATURE.match(parts[-2]):
                return True
            if f in ("templates/spec-template.md", "templates/tasks-template.md"):
                return True
        return False

    def claims(self, rel_path: str) -> bool:
        if not rel_path.endswith(self.extensions):
            return False
        return feature_dir(rel_path) is not None or _is_template(rel_path)

    # -- clauses and scope ----------------------------------------------------------------
    def definition_patterns(self, rel_path, config):
        return (ID_RE,)

    def defines_clauses(self, rel_path: str) -> bool:
        base = posixpath.basename(rel_path)
        return base == "spec.md" or base == "spec-template.md"

    def finish(self, doc):
        """Only a bold ID (`- **FR-001**: …`) in a feature's spec.md (or the spec template) defines a
        clause; elsewhere, and unbolded (`- SC-001: achieved` in a recap), it is a mention."""
        if not doc.clauses:
            return doc
        from ..core.document import Mention

        if self.defines_clauses(doc.path):
            lines = None
            keep, demote = [], []
            for c in doc.clauses:
                if lines is None:
                    lines = doc.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
                ln = lines[c.range.start.line] if c.range.start.line < len(lines) else ""
                ch = c.range.start.character
                (keep if ln[max(0, ch - 2):ch] in ("**", "__") else demote).append(c)
            if not demote:
                return doc
        else:
            keep, demote = [], list(doc.clauses)
        extra = tuple(Mention(c.id, c.range, c.block) for c in demote)
        mentions = tuple(sorted(doc.mentions + extra, key=lambda m: (m.range.start.line, m.range.start.character)))
        return replace(doc, clauses=tuple(keep), mentions=mentions)

    def scope(self, rel_path: str) -> str:
        return feature_dir(rel_path) or rel_path

    def scope_label(self, scope: str) -> str:
        if scope.startswith("specs/") or "/specs/" in scope:
            return f"feature {posixpath.basename(scope)}"
        return f"document {scope}"

    # -- references and evidence -----------------------------------------------------------
    def references(self, doc) -> tuple[Reference, ...]:
        return cached(doc, "speckit-references", lambda: tuple(_references(doc)))

    def tasks_path(self, rel_path: str) -> str | None:
        fd = feature_dir(rel_path)
        return f"{fd}/tasks.md" if fd else None

    def evidence(self, ws, path, clause):
        tp = self.tasks_path(path)
        if tp is None or not cites(ws.references_from(tp), clause.id):
            return []
        tdoc = ws.doc(tp)
        if tdoc is None:
            return []
        seen: dict[str, Evidence] = {}
        for r in self.references(tdoc):
            if r.id == clause.id or (r.kind == "range" and cites(frozenset((r.id,)), clause.id)):
                key = r.by or f"{r.range.start.line}"
                if key not in seen:
                    seen[key] = Evidence("task", tp, r.range, r.by or f"{tp}:{r.range.start.line + 1}")
        return list(seen.values())

    def citation_patterns(self, config):
        # FR-001 / SC-001 / NFR-001 are distinctive; R001-style IDs are not (a register, a row) and cite
        # only in explicit forms
        return (r"(?:FR|SC|NFR)-\d{3}[a-z]?",)

    def citable(self, rel_path: str) -> bool:
        return not _is_template(rel_path)

    def keep_language_hit(self, rule_name: str, text: str) -> bool:
        # SPEC402 knows a marker used from a marker named ("No [NEEDS CLARIFICATION] markers remain")
        return not (rule_name == "placeholder" and "NEEDS CLARIFICATION" in text.upper())

    def symbol_name(self, clause) -> str:
        return clause.id

    # -- checks --------------------------------------------------------------------------
    def check_mentions(self, doc, ws):
        out = []
        fd = feature_dir(doc.path)
        if fd is None:
            return out  # templates and the constitution: examples, not references
        base = posixpath.basename(doc.path)
        if not (base in ("spec.md", "plan.md", "tasks.md") or "/checklists/" in doc.path):
            return out  # research, data-model, contracts… may discuss other features' IDs
        from ..core.checks import make
        from ..core.text import closest

        label = self.scope_label(fd)
        for m in doc.mentions:
            if ws.clause_defs_in_scope(m.id, fd):
                continue
            sugg = closest(m.id, ws.clause_ids_in_scope(fd), cutoff=0.7)
            out.append(make("SPEC400", doc.path, m.range,
                            f"“{m.id}” is not defined in {fd}/spec.md ({label}); "
                            + (f"did you mean “{sugg[0]}”?" if sugg else "define it there or fix the ID."), m.id))
        return out

    def check(self, doc, ws):
        from ..core.checks import make
        from ..trace.resolve import code_evidence

        out = []
        path = doc.path
        fd = feature_dir(path)
        # [NEEDS CLARIFICATION: …] left in a feature document (templates show the marker on purpose)
        if fd is not None:
            for b in doc.blocks:
                for m in _CLARIFY.finditer(b.plain):
                    if _is_mention_of_marker(b.plain, m):
                        continue
                    if any(a <= m.start() < z for a, z in b.raw.code):
                        continue
                    question = m.group("body").lstrip(":").strip()
                    out.append(make("SPEC402", path, b.range(m.start(), m.end()),
                                    "Open question left in the spec"
                                    + (f" (“{question}”)" if question else "")
                                    + "; answer it (`/speckit.clarify`) and replace the marker with the decision.",
                                    question or "NEEDS CLARIFICATION"))
        # functional requirements cited by no task, once the feature has tasks that cite requirements
        if fd is not None and self.defines_clauses(path):
            tp = f"{fd}/tasks.md"
            if ws.file_exists(tp):
                cited = ws.references_from(tp)
                if any(_is_requirement(x) for x in cited):
                    for c in doc.clauses:
                        if _is_requirement(c.id) and not cites(cited, c.id) and not code_evidence(ws, path, c):
                            out.append(make("SPEC401", path, c.range,
                                            f"{c.id} is cited by no task in {tp}; add a task that implements it "
                                            f"(cite it as `({c.id})`) or drop the requirement.", c.id))
        return out

    def counts(self, ws, paths):
        got = super().counts(ws, paths)
        return got


def _is_requirement(cid: str) -> bool:
    """A functional requirement (FR-012, R004), not a success criterion or a non-functional one."""
    return cid.startswith("FR-") or (cid[:1] == "R" and cid[1:4].isdigit())


def _is_mention_of_marker(plain: str, m: re.Match) -> bool:
    """`No [NEEDS CLARIFICATION] markers remain`: the marker named, not used."""
    if m.group("body").strip(" :"):
        return False
    return bool(_MARKER_WORD.match(plain, m.end()))


def _references(doc) -> list[Reference]:
    out: list[Reference] = []
    # task attribution: the task a block belongs to (its own line, or a sub-item below it)
    task_of_block: dict[int, str] = {}
    if posixpath.basename(doc.path) == "tasks.md":
        cur = ""
        for bi, b in enumerate(doc.blocks):
            if b.kind == "heading":
                cur = ""
                continue
            tm = _TASK.match(b.plain)
            if tm:
                cur = tm.group("id")
            elif "list-item" not in b.context:
                cur = ""
            if cur:
                task_of_block[bi] = cur
    for m in doc.mentions:
        by = task_of_block.get(m.block, "")
        out.append(Reference(m.id, doc.path, m.range, "task" if by else "mention", by))
    # ranges: `FR-001 through FR-004` also cites what lies between (FR-002, FR-003, FR-001a…): one
    # reference whose id is the range token `FR-001..FR-004` (see `cites`)
    for bi, b in enumerate(doc.blocks):
        if "-" not in b.plain:
            continue
        for rm in _RANGE.finditer(b.plain):
            n1, n2 = int(rm.group("n1")), int(rm.group("n2"))
            if not 0 < n2 - n1 <= 500:
                continue
            tok = f"{rm.group('pfx')}-{n1:03d}..{rm.group('pfx')}-{n2:03d}"
            out.append(Reference(tok, doc.path, b.range(rm.start(), rm.end()), "range", task_of_block.get(bi, "")))
    return out


__all__ = ["SpecKitFormat", "feature_dir", "RULES"]
_ = Range
