"""What a plug-in format's parser returns, and the line scanner the line-structured formats share.

OpenSpec and Kiro are line-structured Markdown: headings, list items and bold leads decide
everything, so their parsers work on lines.  `scan_lines` masks what is never prose: fenced code
(at any indentation, since fences sit inside list items), HTML comments and front matter.

Everything here is pure and immutable; positions are 0-based (line, code point) like the core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..core.model import Position, Range
from ..core.text import split_lines

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


@dataclass(frozen=True, slots=True)
class FClause:
    """A clause of a plug-in format: an OpenSpec requirement, a Kiro requirement or criterion."""

    format: str
    scope: str  # clauses with equal ids in different scopes are different clauses
    id: str  # OpenSpec: the requirement name; Kiro: "3" (requirement) or "3.2" (criterion)
    kind: str  # requirement | criterion
    range: Range  # the name / number as written (or the list marker of a criterion)
    block: Range  # the whole clause (heading to the end of its block)
    text: str  # the normative statement
    display: str  # how the clause is shown to people ("Requirement: Login", "Criterion 1.2")


@dataclass(frozen=True, slots=True)
class FEvidence:
    scope: str
    clause: str  # id of the clause it is evidence for
    kind: str  # scenario | criterion | task | property
    range: Range
    label: str


@dataclass(frozen=True, slots=True)
class FRef:
    scope: str
    id: str
    range: Range
    role: str  # modified | removed | added | rename-from | rename-to | task | validates | link
    owner: str = ""  # the task / property / change that makes the reference


@dataclass(frozen=True, slots=True)
class FSymbol:
    name: str
    kind: str  # section | requirement | scenario | criterion | task | property
    range: Range
    selection: Range
    detail: str = ""
    children: tuple["FSymbol", ...] = ()


@dataclass(frozen=True)
class FormatDoc:
    format: str
    path: str
    kind: str  # openspec: main | delta | archived-delta; kiro: requirements | design | tasks
    scope: str
    clauses: tuple[FClause, ...] = ()
    evidence: tuple[FEvidence, ...] = ()
    refs: tuple[FRef, ...] = ()
    symbols: tuple[FSymbol, ...] = ()
    data: Any = field(default=None, compare=True)  # the format's own parse (frozen)

    def summary(self) -> tuple:
        """What other documents of the scope read from this one (its fingerprint for dependents)."""
        return (self.kind, self.clauses, self.evidence, self.refs, self.data)


@dataclass(frozen=True, slots=True)
class Line:
    no: int
    text: str  # the line as written (no line break)
    code: bool  # inside fenced code, an HTML comment or front matter


def scan_lines(text: str) -> tuple[Line, ...]:
    lines = split_lines(text)
    out: list[Line] = []
    fence: tuple[str, int] | None = None
    comment = False
    front = bool(lines) and lines[0].strip() == "---"
    for i, s in enumerate(lines):
        if front:
            out.append(Line(i, s, True))
            if i > 0 and s.strip() in ("---", "..."):
                front = False
            continue
        if fence is not None:
            out.append(Line(i, s, True))
            m = _FENCE.match(s)
            if m and m.group(2)[0] == fence[0] and len(m.group(2)) >= fence[1] and not m.group(3).strip():
                fence = None
            continue
        if comment:
            out.append(Line(i, s, True))
            if "-->" in s:
                comment = False
            continue
        m = _FENCE.match(s)
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            fence = (m.group(2)[0], len(m.group(2)))
            out.append(Line(i, s, True))
            continue
        st = s.lstrip()
        if st.startswith("<!--") and "-->" not in st[4:]:
            comment = True
            out.append(Line(i, s, True))
            continue
        out.append(Line(i, s, False))
    return tuple(out)


def heading(line: Line) -> tuple[int, str, int] | None:
    """(level, title, column of the title) of an ATX heading line outside code."""
    if line.code:
        return None
    m = HEADING.match(line.text)
    if not m:
        return None
    title = m.group(2) or ""
    title = re.sub(r"[ \t]+#+$", "", title)
    col = m.start(2) if m.group(2) is not None else len(line.text)
    return len(m.group(1)), title, col


def strip_code_spans(s: str) -> str:
    return _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), s)


def rng(line: int, c0: int, c1: int) -> Range:
    return Range(Position(line, c0), Position(line, c1))


def block_range(l0: int, l1: int, lines: tuple[Line, ...]) -> Range:
    """Lines l0..l1 inclusive, to the end of the last one."""
    l1 = max(l0, min(l1, len(lines) - 1))
    return Range(Position(l0, 0), Position(l1, len(lines[l1].text)))


def last_content_line(lines: tuple[Line, ...], l0: int, l1: int) -> int:
    """The last non-blank line in [l0, l1) (l0 when all are blank)."""
    for i in range(min(l1, len(lines)) - 1, l0, -1):
        if lines[i].text.strip():
            return i
    return l0


# ------------------------------------------------------------------------------------------
# Building the core's clauses and mentions from a line-structured parse


def block_index_at(doc, line: int) -> int:
    """Index of the prose block of `doc` (a SpecDocument) that covers `line`, else the nearest one before."""
    import bisect

    starts = [b.line for b in doc.blocks]
    i = bisect.bisect_right(starts, line) - 1
    return max(i, 0)


def statement(doc, first_line: int, stop_line: int, keyword=None) -> tuple[str, Range, int] | None:
    """The clause sentence of a block of lines [first_line, stop_line): the first sentence of its
    first paragraph that matches `keyword` (else the first sentence), with its source range and
    block index.  None when there is no paragraph there."""
    from ..core.text import split_sentences

    for i, b in enumerate(doc.blocks):
        if b.line < first_line or b.kind == "heading":
            continue
        if b.line >= stop_line:
            break
        plain = b.plain
        spans = split_sentences(plain) or [(0, len(plain))]
        pick = spans[0]
        if keyword is not None:
            for s, e in spans:
                if keyword.search(plain[s:e]):
                    pick = (s, e)
                    break
        s, e = pick
        return plain[s:e], b.range(s, e), i
    return None
