"""OpenSpec: parsing main specs and delta specs into requirements, scenarios and delta operations.

Layout (github.com/Fission-AI/OpenSpec):

* main specs: ``openspec/specs/<capability>/spec.md`` with ``### Requirement: <name>`` blocks, a
  SHALL/MUST statement, and ``#### Scenario: <name>`` blocks of ``- **WHEN** … - **THEN** …`` steps;
* delta specs: ``openspec/changes/<change>/specs/<capability>/spec.md`` with
  ``## ADDED|MODIFIED|REMOVED|RENAMED Requirements`` sections; archived (applied) changes move to
  ``openspec/changes/archive/<date>-<change>/``.

A requirement is keyed by its name within its capability: the capability is the scope.
Pure: text in, frozen data out; never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.model import Range
from ..core.text import github_slug
from .plugdoc import (FClause, FEvidence, FormatDoc, FRef, FSymbol, Line, block_range, heading,
                      last_content_line, rng, scan_lines, strip_code_spans)

FORMAT = "openspec"
MAIN_PATH = re.compile(r"^(?P<base>(?:.*/)?openspec/)specs/(?P<cap>[^/]+)/spec\.md$")
DELTA_PATH = re.compile(r"^(?P<base>(?:.*/)?openspec/)changes/(?:(?P<arch>archive)/)?(?P<change>[^/]+)/specs/(?P<cap>[^/]+)/spec\.md$")

REQ_TITLE = re.compile(r"^Requirement:[ \t]*(?P<name>.*?)[ \t]*$")
SCN_TITLE = re.compile(r"^Scenario:[ \t]*(?P<name>.*?)[ \t]*$")
DELTA_TITLE = re.compile(r"^(?P<op>ADDED|MODIFIED|REMOVED|RENAMED)(?:[ \t]+Requirements)?[ \t]*$", re.IGNORECASE)
REQS_TITLE = re.compile(r"^Requirements[ \t]*$", re.IGNORECASE)
RENAME_LINE = re.compile(r"^(?P<lead>[ \t]*(?:[-*+][ \t]+)?)(?P<kw>FROM|TO)[ \t]*:[ \t]*(?P<rest>.*?)[ \t]*$")
REMOVED_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+`?###[ \t]*Requirement:[ \t]*(?P<name>.*?)`?[ \t]*$")
_WRAPPED_NAME = re.compile(r"^`?(?:###[ \t]*)?(?:Requirement:[ \t]*)?(?P<name>.*?)`?$")
_KEYWORD = re.compile(r"(?<![A-Za-z])(SHALL|MUST)(?![A-Za-z])")
_TRIGGER = re.compile(r"(?<![A-Za-z])(WHEN|GIVEN)(?![A-Za-z])|\*\*(?:When|Given)\*\*")
_OUTCOME = re.compile(r"(?<![A-Za-z])THEN(?![A-Za-z])|\*\*Then\*\*")


def normalize_name(name: str) -> str:
    """OpenSpec matches requirement names after trimming; we also collapse inner white space."""
    return " ".join(name.split())


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    name_range: Range
    line: int
    block: Range
    has_trigger: bool
    has_outcome: bool
    has_text: bool


@dataclass(frozen=True, slots=True)
class Requirement:
    name: str  # normalized
    name_range: Range
    line: int  # heading line (or the bullet line of a REMOVED bullet)
    op: str  # "" (main spec or outside a delta section) | ADDED | MODIFIED | REMOVED
    body: str
    has_keyword: bool
    scenarios: tuple[Scenario, ...]
    block: Range
    bullet: bool = False  # a REMOVED entry written as a bullet


@dataclass(frozen=True, slots=True)
class Rename:
    from_name: str | None
    from_range: Range | None
    to_name: str | None
    to_range: Range | None
    problem: str  # "" when well formed


@dataclass(frozen=True, slots=True)
class DeltaSection:
    op: str
    line: int
    title_range: Range
    empty: bool  # no requirement / rename entry at all


@dataclass(frozen=True, slots=True)
class OddHeader:
    line: int
    title: str
    range: Range
    section: str  # the op or "Requirements"


@dataclass(frozen=True)
class OpenSpecData:
    capability: str
    base: str  # the openspec/ directory, workspace-relative with trailing slash
    change: str  # "" for a main spec
    archived: bool
    requirements: tuple[Requirement, ...]
    renames: tuple[Rename, ...]
    sections: tuple[DeltaSection, ...]
    odd_headers: tuple[OddHeader, ...]


def classify(path: str) -> tuple[str, str, str, str, bool] | None:
    """(kind, base, capability, change, archived) for an OpenSpec spec path, else None."""
    m = MAIN_PATH.match(path)
    if m:
        return "main", m.group("base"), m.group("cap"), "", False
    m = DELTA_PATH.match(path)
    if m:
        arch = m.group("arch") is not None
        return ("archived-delta" if arch else "delta"), m.group("base"), m.group("cap"), m.group("change"), arch
    return None


def scope_of(base: str, capability: str) -> str:
    return f"{FORMAT}:{base}{capability}"


def requirement_slug(name: str) -> str:
    """The GitHub anchor of `### Requirement: <name>`."""
    return github_slug(f"Requirement: {name}")


def parse(path: str, text: str) -> FormatDoc | None:
    cls = classify(path)
    if cls is None:
        return None
    kind, base, cap, change, archived = cls
    lines = scan_lines(text)
    scope = scope_of(base, cap)
    heads: list[tuple[int, int, str, int]] = []  # (line, level, title, col)
    for ln in lines:
        h = heading(ln)
        if h is not None:
            heads.append((ln.no, h[0], h[1], h[2]))
    n = len(lines)

    def block_end(i: int, level: int) -> int:
        """Line index (exclusive) where the heading heads[i] of `level` ends."""
        for ln2, lv2, _t, _c in heads[i + 1:]:
            if lv2 <= level:
                return ln2
        return n

    requirements: list[Requirement] = []
    renames: list[Rename] = []
    sections: list[DeltaSection] = []
    odd: list[OddHeader] = []
    section_op: str | None = None  # current ## section: op, "Requirements", or None (other)
    sec_start: int | None = None
    for i, (ln, lv, title, col) in enumerate(heads):
        if lv <= 2:
            if section_op in ("RENAMED",) and sec_start is not None:
                _renames_in(lines, sec_start, ln, renames)
            if section_op == "REMOVED" and sec_start is not None:
                _removed_bullets(lines, sec_start, ln, requirements)
            section_op, sec_start = None, None
            if lv == 2:
                m = DELTA_TITLE.match(title)
                if m:
                    section_op, sec_start = m.group("op").upper(), ln + 1
                    sections.append(DeltaSection(section_op, ln, rng(ln, col, col + len(title)), False))
                elif REQS_TITLE.match(title):
                    section_op = "Requirements"
            continue
        if lv == 3:
            m = REQ_TITLE.match(title)
            if section_op == "RENAMED":
                continue
            if m and m.group("name").strip():
                name_raw = m.group("name")
                c0 = col + title.index(name_raw, len("Requirement:"))
                end = block_end(i, 3)
                op = section_op if section_op in ("ADDED", "MODIFIED", "REMOVED") else ""
                requirements.append(_requirement(lines, heads, i, ln, normalize_name(name_raw), rng(ln, c0, c0 + len(name_raw)), op, end))
            elif section_op is not None:
                odd.append(OddHeader(ln, title, rng(ln, col, col + len(title)), section_op))
    if section_op == "RENAMED" and sec_start is not None:
        _renames_in(lines, sec_start, n, renames)
    if section_op == "REMOVED" and sec_start is not None:
        _removed_bullets(lines, sec_start, n, requirements)
    requirements.sort(key=lambda r: r.line)
    # which delta sections hold nothing at all
    fixed_sections = []
    for k, s in enumerate(sections):
        stop = sections[k + 1].line if k + 1 < len(sections) else n
        has = any(s.line < r.line < stop for r in requirements) or (
            s.op == "RENAMED" and any(r.from_range is not None and s.line < r.from_range.start.line < stop
                                      or r.to_range is not None and s.line < r.to_range.start.line < stop for r in renames))
        fixed_sections.append(DeltaSection(s.op, s.line, s.title_range, not has))
    data = OpenSpecData(cap, base, change, archived, tuple(requirements), tuple(renames), tuple(fixed_sections), tuple(odd))
    return _format_doc(path, kind, scope, data, lines)


def _requirement(lines: tuple[Line, ...], heads, i: int, ln: int, name: str, name_range: Range, op: str, end: int) -> Requirement:
    body_parts: list[str] = []
    scenarios: list[Scenario] = []
    j = ln + 1
    # the body: lines before the first level-4+ heading
    first_sub = end
    for ln2, lv2, _t, _c in heads[i + 1:]:
        if ln2 >= end:
            break
        if lv2 >= 4:
            first_sub = ln2
            break
    for k in range(j, first_sub):
        if not lines[k].code:
            body_parts.append(lines[k].text)
    body = "\n".join(p for p in body_parts).strip()
    for k2, (ln2, lv2, t2, c2) in enumerate(heads):
        if ln2 <= ln or ln2 >= end or lv2 != 4:
            continue
        m = SCN_TITLE.match(t2)
        if not m:
            continue
        s_end = end
        for ln3, lv3, _t3, _c3 in heads[k2 + 1:]:
            if lv3 <= 4:
                s_end = min(ln3, end)
                break
        steps = [lines[k].text for k in range(ln2 + 1, s_end) if not lines[k].code]
        joined = strip_code_spans("\n".join(steps))
        nm = m.group("name")
        c0 = c2 + (t2.index(nm, len("Scenario:")) if nm else len(t2))
        scenarios.append(Scenario(normalize_name(nm), rng(ln2, c0, c0 + len(nm)), ln2,
                                  block_range(ln2, last_content_line(lines, ln2, s_end), lines),
                                  bool(_TRIGGER.search(joined)), bool(_OUTCOME.search(joined)), bool(joined.strip())))
    has_kw = bool(_KEYWORD.search(strip_code_spans(body)))
    return Requirement(name, name_range, ln, op, body, has_kw, tuple(scenarios),
                       block_range(ln, last_content_line(lines, ln, end), lines))


def _clean_name(rest: str) -> str:
    m = _WRAPPED_NAME.match(rest.strip())
    return normalize_name(m.group("name") if m else rest)


def _renames_in(lines: tuple[Line, ...], start: int, stop: int, out: list[Rename]) -> None:
    pending: tuple[str, Range] | None = None
    for k in range(start, stop):
        ln = lines[k]
        if ln.code:
            continue
        m = RENAME_LINE.match(ln.text)
        if not m:
            continue
        rest = m.group("rest")
        name = _clean_name(rest)
        c0 = m.start("rest")
        if rest:
            inner = rest.find(name) if name else -1
            if inner >= 0:
                c0 += inner
        r = rng(k, c0, c0 + len(name))
        if m.group("kw") == "FROM":
            if pending is not None:
                out.append(Rename(pending[0] or None, pending[1], None, None, "FROM without a TO line"))
            pending = (name, r)
        else:
            if pending is None:
                out.append(Rename(None, None, name or None, r, "TO without a FROM line before it"))
                continue
            problem = ""
            if not pending[0]:
                problem = "FROM names no requirement"
            elif not name:
                problem = "TO names no requirement"
            elif pending[0] == name:
                problem = "FROM and TO name the same requirement"
            out.append(Rename(pending[0] or None, pending[1], name or None, r, problem))
            pending = None
    if pending is not None:
        out.append(Rename(pending[0] or None, pending[1], None, None, "FROM without a TO line"))


def _removed_bullets(lines: tuple[Line, ...], start: int, stop: int, out: list[Requirement]) -> None:
    for k in range(start, stop):
        ln = lines[k]
        if ln.code:
            continue
        m = REMOVED_BULLET.match(ln.text)
        if m and m.group("name").strip():
            nm = m.group("name")
            c0 = m.start("name")
            out.append(Requirement(normalize_name(nm), rng(k, c0, c0 + len(nm)), k, "REMOVED", "", False, (),
                                   block_range(k, k, lines), True))


def _format_doc(path: str, kind: str, scope: str, data: OpenSpecData, lines: tuple[Line, ...]) -> FormatDoc:
    clauses: list[FClause] = []
    evidence: list[FEvidence] = []
    refs: list[FRef] = []
    symbols: list[FSymbol] = []
    for r in data.requirements:
        kids = tuple(FSymbol(f"Scenario: {s.name}", "scenario", s.block, s.name_range) for s in r.scenarios)
        label = f"Requirement: {r.name}"
        detail = {"": "", "ADDED": "added", "MODIFIED": "modified", "REMOVED": "removed"}[r.op]
        symbols.append(FSymbol(label, "requirement", r.block, r.name_range,
                               (detail + " · " if detail else "") + f"{len(r.scenarios)} scenario" + ("" if len(r.scenarios) == 1 else "s"), kids))
        if kind == "main":
            clauses.append(FClause(FORMAT, scope, r.name, "requirement", r.name_range, r.block, r.body, label))
            for s in r.scenarios:
                evidence.append(FEvidence(scope, r.name, "scenario", s.name_range, f"Scenario: {s.name}"))
        else:
            refs.append(FRef(scope, r.name, r.name_range, r.op.lower() or "delta", data.change))
    for rn in data.renames:
        if rn.from_name and rn.from_range:
            refs.append(FRef(scope, rn.from_name, rn.from_range, "rename-from", data.change))
        if rn.to_name and rn.to_range:
            refs.append(FRef(scope, rn.to_name, rn.to_range, "rename-to", data.change))
    return FormatDoc(FORMAT, path, kind, scope, tuple(clauses), tuple(evidence), tuple(refs), tuple(symbols), data)


__all__ = ["parse", "classify", "scope_of", "normalize_name", "requirement_slug", "OpenSpecData", "Requirement",
           "Scenario", "Rename", "DeltaSection", "OddHeader", "FORMAT"]
