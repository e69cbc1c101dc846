"""Kiro: requirements.md (numbered requirements and EARS acceptance criteria), design.md (correctness
properties that `Validates: Requirements …`) and tasks.md (checkbox tasks citing `_Requirements: …_`).

A feature folder `.kiro/specs/<feature>/` is the scope.  Criteria IDs are never written at their
definition: criterion ``N.M`` is item ``M`` of the acceptance-criteria list of ``### Requirement N``.
Free-form requirement files (no ``### Requirement N``) define IDs only where they are written:
``### 1.2 Title`` headings and ``- FR-1.2: …`` list items.

Pure: text in, frozen data out; never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.model import Range
from .plugdoc import (FClause, FEvidence, FormatDoc, FRef, FSymbol, Line, block_range, heading,
                      last_content_line, rng, scan_lines, strip_code_spans)

FORMAT = "kiro"
PATH = re.compile(r"^(?P<feature>(?:.*/)?\.kiro/specs/[^/]+)/(?P<file>requirements|design|tasks)\.md$")

REQ_TITLE = re.compile(r"^Requirement[ \t]+(?P<num>\d+)(?:[ \t]*[:：.\-–—][ \t]*(?P<title>.*?))?[ \t]*$", re.IGNORECASE)
AC_TITLE = re.compile(r"^\**Acceptance Criteria\**:?$", re.IGNORECASE)
FREE_NUM_TITLE = re.compile(r"^(?P<id>\d+\.\d+)\.?[ \t]+(?P<title>\S.*)$")
FREE_ID_TITLE = re.compile(r"^(?P<id>[A-Z][A-Z0-9]{0,5}-\d+(?:\.\d+)*)[ \t]*[:：.\-–—]?[ \t]*(?P<title>.*)$")
FREE_ID_ITEM = re.compile(r"^[ \t]*[-*+][ \t]+\**(?P<id>[A-Z][A-Z0-9]{0,5}-\d+(?:\.\d+)*)\**[ \t]*[:：]")
ORDERED = re.compile(r"^(?P<indent>[ \t]{0,3})(?P<num>\d{1,4})[.)](?:[ \t]+(?P<text>.*))?$")
TASK = re.compile(r"^(?P<indent>[ \t]*)[-*+][ \t]+\[(?P<state>[ xX\-~])\](?P<opt>\*)?[ \t]*(?:\*\*)?(?P<id>\d+(?:\.\d+)*)?\.?(?:\*\*)?[ \t]*(?P<text>.*)$")
REQ_REFS = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?_(?:Requirements?|要件)[ \t]*[:：][ \t]*(?P<list>.*?)_?[ \t]*$")
VALIDATES = re.compile(r"Validates:?(?:\*\*)?[ \t]*Requirements?[ \t]*:?[ \t]*(?P<list>[^*_\n]*)")
PROPERTY = re.compile(r"^Property[ \t]+(?P<num>\d+)(?:[ \t]*[:：.\-–—][ \t]*(?P<title>.*))?$", re.IGNORECASE)
_TOKEN = re.compile(r"[^,，、;；]+")
_ALL = {"all", "すべて", "全て", "全部"}
_ID = r"(?:(?P<p{n}>[A-Z][A-Z0-9]{{0,5}}-)|R)?(?P<a{n}>\d+)(?:\.(?P<b{n}>\d+))?"
_REF = re.compile(r"^(?:Requirements?[ \t]+)?" + _ID.format(n=1) + r"(?:[ \t]*[-–~〜][ \t]*" + _ID.format(n=2) + r")?$")

# EARS: keywords are written in capitals, also in Japanese criteria ("WHEN …時、THE X SHALL …")
_KW = lambda w: re.compile(r"(?<![A-Za-z])" + w + r"(?![A-Za-z])")  # noqa: E731
EARS_TRIGGER = re.compile(r"(?<![A-Za-z])(WHEN|IF|WHILE|WHERE)(?![A-Za-z])")
EARS_SHALL = _KW("SHALL")
EARS_THEN = _KW("THEN")
EARS_SHALL_ANY_CASE = re.compile(r"(?<![A-Za-z])shall(?![A-Za-z])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str  # "N.M": M is the number Markdown shows (the list's first number + the item's index)
    number: int
    marker_range: Range  # the "M." list marker
    text: str
    block: Range
    written: int = 0  # the number written in the marker, when it differs from `number`


@dataclass(frozen=True, slots=True)
class KRequirement:
    id: str  # "N" (numbered) or the written ID (free-form)
    number: int | None
    title: str
    id_range: Range
    line: int
    block: Range
    user_story: bool
    criteria: tuple[Criterion, ...]
    free_form: bool = False


@dataclass(frozen=True, slots=True)
class RefToken:
    text: str
    range: Range
    ids: tuple[str, ...]  # what it designates, after expansion ("*" = every criterion)
    kind: str  # id | range | all | requirement | prefixed | other


@dataclass(frozen=True, slots=True)
class Task:
    id: str  # "2.1" or "" when unnumbered
    line: int
    range: Range  # the whole task line
    id_range: Range
    optional: bool
    done: bool
    text: str


@dataclass(frozen=True, slots=True)
class RefLine:
    line: int
    owner: str  # task id, "Property N", or ""
    role: str  # task | validates
    tokens: tuple[RefToken, ...]


@dataclass(frozen=True)
class KiroData:
    feature: str  # folder, workspace-relative
    file: str  # requirements | design | tasks
    requirements: tuple[KRequirement, ...] = ()
    tasks: tuple[Task, ...] = ()
    ref_lines: tuple[RefLine, ...] = ()
    free_form: bool = False


def classify(path: str) -> tuple[str, str] | None:
    m = PATH.match(path)
    return (m.group("feature"), m.group("file")) if m else None


def scope_of(feature: str) -> str:
    return f"{FORMAT}:{feature}"


def parse(path: str, text: str) -> FormatDoc | None:
    cls = classify(path)
    if cls is None:
        return None
    feature, file = cls
    lines = scan_lines(text)
    if file == "requirements":
        data = _parse_requirements(feature, lines)
    else:
        data = _parse_refs_file(feature, file, lines)
    return _format_doc(path, scope_of(feature), data)


# ------------------------------------------------------------------------------------------
# requirements.md


def _parse_requirements(feature: str, lines: tuple[Line, ...]) -> KiroData:
    heads = [(ln.no, *h) for ln in lines if (h := heading(ln)) is not None]
    n = len(lines)
    reqs: list[KRequirement] = []
    for i, (ln, lv, title, col) in enumerate(heads):
        m = REQ_TITLE.match(title.strip("*"))
        if not m:
            continue
        end = next((l2 for l2, lv2, _t, _c in heads[i + 1:] if lv2 <= lv), n)
        num = int(m.group("num"))
        c0 = col + title.find(m.group("num"))
        criteria = _criteria(lines, heads, ln, end, num)
        story = any("User Story" in lines[k].text for k in range(ln + 1, end) if not lines[k].code)
        reqs.append(KRequirement(str(num), num, (m.group("title") or "").strip(), rng(ln, c0, c0 + len(m.group("num"))), ln,
                                 block_range(ln, last_content_line(lines, ln, end), lines), story, tuple(criteria)))
    if reqs:
        return KiroData(feature, "requirements", tuple(reqs))
    # free form: IDs only where they are written
    for i, (ln, lv, title, col) in enumerate(heads):
        t = title.strip().strip("*")
        m = FREE_NUM_TITLE.match(t) or FREE_ID_TITLE.match(t)
        if not m or not m.group("id"):
            continue
        end = next((l2 for l2, lv2, _t, _c in heads[i + 1:] if lv2 <= lv), n)
        c0 = col + title.find(m.group("id"))
        reqs.append(KRequirement(m.group("id"), None, (m.group("title") or "").strip(), rng(ln, c0, c0 + len(m.group("id"))), ln,
                                 block_range(ln, last_content_line(lines, ln, end), lines), False, (), True))
    for ln in lines:
        if ln.code:
            continue
        m = FREE_ID_ITEM.match(ln.text)
        if m:
            reqs.append(KRequirement(m.group("id"), None, ln.text[m.end():].strip(), rng(ln.no, m.start("id"), m.end("id")), ln.no,
                                     block_range(ln.no, ln.no, lines), False, (), True))
    reqs.sort(key=lambda r: r.line)
    return KiroData(feature, "requirements", tuple(reqs), free_form=True)


def _criteria(lines: tuple[Line, ...], heads, start: int, end: int, num: int) -> list[Criterion]:
    # after an "Acceptance Criteria" heading or bold line when there is one, else the whole block
    first = start + 1
    for k in range(start + 1, end):
        ln = lines[k]
        if ln.code:
            continue
        h = heading(ln)
        t = (h[1] if h else ln.text).strip()
        if AC_TITLE.match(t):
            first = k + 1
            break
    out: list[Criterion] = []
    cur: tuple[int, int, int, list[str]] | None = None  # (line, number, marker col, text parts)

    def close(last: int) -> None:
        if cur is None:
            return
        ln0, written, mcol, parts = cur
        # Markdown numbers an ordered list from its first item's number on, whatever the others say
        number = (out[0].written or out[0].number) + len(out) if out else written
        marker = f"{written}."
        out.append(Criterion(f"{num}.{number}", number, rng(ln0, mcol, mcol + len(marker)), " ".join(p.strip() for p in parts if p.strip()),
                             block_range(ln0, last_content_line(lines, ln0, last + 1), lines), written if written != number else 0))

    for k in range(first, end):
        ln = lines[k]
        if ln.code:
            continue
        if heading(ln) is not None:
            close(k - 1)
            cur = None
            continue
        m = ORDERED.match(ln.text)
        if m:
            close(k - 1)
            cur = (k, int(m.group("num")), m.start("num"), [m.group("text") or ""])
            continue
        if cur is not None:
            if ln.text.strip() and (ln.text[:1] in " \t"):
                cur[3].append(ln.text)
            elif ln.text.strip():
                close(k - 1)
                cur = None
    close(end - 1)
    return out


# ------------------------------------------------------------------------------------------
# tasks.md and design.md


def _parse_refs_file(feature: str, file: str, lines: tuple[Line, ...]) -> KiroData:
    tasks: list[Task] = []
    ref_lines: list[RefLine] = []
    owner = ""
    for ln in lines:
        if ln.code:
            continue
        h = heading(ln)
        if h is not None:
            pm = PROPERTY.match(h[1].strip().strip("*"))
            owner = f"Property {pm.group('num')}" if pm else ("" if file == "design" else owner)
            continue
        m = TASK.match(ln.text)
        if m:
            tid = m.group("id") or ""
            c0 = m.start("id") if tid else m.start("text")
            tasks.append(Task(tid, ln.no, rng(ln.no, len(m.group("indent")), len(ln.text.rstrip())), rng(ln.no, c0, c0 + len(tid)),
                              bool(m.group("opt")), m.group("state") in "xX", m.group("text").strip()))
            owner = f"task {tid}" if tid else f"task on line {ln.no + 1}"
        m2 = REQ_REFS.match(ln.text)
        if m2:
            ref_lines.append(RefLine(ln.no, owner, "task", _tokens(ln.text, m2.start("list"), m2.group("list"), ln.no)))
            continue
        pm2 = PROPERTY.match(ln.text.strip().strip("*").strip())
        if pm2 and file == "design":
            owner = f"Property {pm2.group('num')}"
        for m3 in VALIDATES.finditer(strip_code_spans(ln.text)):
            lst = m3.group("list").rstrip()
            if lst.strip():
                ref_lines.append(RefLine(ln.no, owner, "validates", _tokens(ln.text, m3.start("list"), lst, ln.no)))
    return KiroData(feature, file, (), tuple(tasks), tuple(ref_lines))


def _tokens(line: str, base: int, lst: str, no: int) -> tuple[RefToken, ...]:
    out: list[RefToken] = []
    for m in _TOKEN.finditer(lst):
        raw = m.group(0)
        t = raw.strip().strip("*").strip()
        if not t:
            continue
        c0 = base + m.start() + raw.find(t)
        r = rng(no, c0, c0 + len(t))
        if t.lower() in _ALL:
            out.append(RefToken(t, r, ("*",), "all"))
            continue
        mm = _REF.match(t)
        if not mm:
            out.append(RefToken(t, r, (), "other"))
            continue
        p1, a1, b1 = mm.group("p1"), mm.group("a1"), mm.group("b1")
        if p1:  # FR-1.1: the written ID
            ident = f"{p1}{a1}" + (f".{b1}" if b1 else "")
            if mm.group("a2"):
                out.append(RefToken(t, r, (ident, f"{mm.group('p2') or p1}{mm.group('a2')}" + (f".{mm.group('b2')}" if mm.group("b2") else "")), "prefixed-range"))
            else:
                out.append(RefToken(t, r, (ident,), "prefixed"))
            continue
        if b1 is None:
            out.append(RefToken(t, r, (a1,), "requirement"))
            continue
        if mm.group("a2") and mm.group("b2"):
            out.append(RefToken(t, r, (f"{a1}.{b1}", f"{mm.group('a2')}.{mm.group('b2')}"), "range"))
            continue
        out.append(RefToken(t, r, (f"{a1}.{b1}",), "id"))
    return tuple(out)


def expand(tok: RefToken, order: list[str]) -> tuple[str, ...] | None:
    """The clause IDs a reference designates, given the feature's clause IDs in document order;
    None when (part of) it does not resolve."""
    if tok.kind == "all":
        return tuple(order)
    if tok.kind in ("range", "prefixed-range"):
        a, b = tok.ids
        if a not in order or b not in order:
            return None
        i, j = order.index(a), order.index(b)
        if j < i:
            return None
        return tuple(order[i:j + 1])
    if tok.kind in ("id", "requirement", "prefixed"):
        return tok.ids if tok.ids[0] in order else None
    return None


# ------------------------------------------------------------------------------------------


def _format_doc(path: str, scope: str, data: KiroData) -> FormatDoc:
    clauses: list[FClause] = []
    evidence: list[FEvidence] = []
    refs: list[FRef] = []
    symbols: list[FSymbol] = []
    for r in data.requirements:
        disp = (f"Requirement {r.id}" if not r.free_form else r.id) + (f": {r.title}" if r.title else "")
        clauses.append(FClause(FORMAT, scope, r.id, "requirement", r.id_range, r.block, r.title, disp))
        kids = []
        for c in r.criteria:
            clauses.append(FClause(FORMAT, scope, c.id, "criterion", c.marker_range, c.block, c.text, f"Criterion {c.id}"))
            evidence.append(FEvidence(scope, r.id, "criterion", c.marker_range, f"Criterion {c.id}"))
            kids.append(FSymbol(f"{c.id} {c.text[:60]}", "criterion", c.block, c.marker_range))
        symbols.append(FSymbol(disp, "requirement", r.block, r.id_range,
                               f"{len(r.criteria)} criteria" if r.criteria else "", tuple(kids)))
    for t in data.tasks:
        symbols.append(FSymbol((f"{t.id} " if t.id else "") + t.text[:70], "task", t.range, t.id_range,
                               "optional" if t.optional else ""))
    for rl in data.ref_lines:
        for tok in rl.tokens:
            if tok.kind in ("id", "requirement", "prefixed"):
                refs.append(FRef(scope, tok.ids[0], tok.range, rl.role, rl.owner))
    return FormatDoc(FORMAT, path, data.file, scope, tuple(clauses), tuple(evidence), tuple(refs), tuple(symbols), data)


__all__ = ["parse", "classify", "scope_of", "expand", "KiroData", "KRequirement", "Criterion", "Task", "RefLine",
           "RefToken", "EARS_TRIGGER", "EARS_SHALL", "EARS_THEN", "FORMAT"]
