"""Markdown layer: split a document into chunks and extract spec structure from each chunk.

Parsing never fails: every function here returns what it found plus problems.

Incrementality: a document is split (by a cheap line scan) into *chunks*, each starting at a
top-level ATX heading (outside fences, HTML comments and admonitions).  Each chunk is parsed by
markdown-it-py on its own and the result, with line numbers relative to the chunk, is cached by the
chunk's text.  A one-character edit therefore re-parses one section, not the file.  Parsing chunks
separately gives the same structure as parsing the whole file because a column-0 ATX heading always
closes every open block in CommonMark (``tests/test_markdown.py`` checks this on real specs).
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Iterable

from markdown_it import MarkdownIt

from .model import Position, Range

# Block structure only: inline content is scanned by this module itself (with positions), so
# markdown-it's own inline parse (two thirds of its time) is switched off.
_MD = MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])
# MDX has no indented code blocks: indented text inside a JSX component is prose
_MD_NO_INDENTED_CODE = MarkdownIt("commonmark").enable("table").disable(["inline", "text_join", "code"])

# ---------------------------------------------------------------------------------------------
# Chunking

# a fence opener, also as the first thing in a list item ("9. ```"); group 1 is the prefix, whose width
# bounds the closer's indentation (CommonMark: the closer may be indented up to 3 more spaces)
_FENCE_OPEN = re.compile(r"^( {0,3}(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?)(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^#{1,6}(?:[ \t]|$)")
_HTML1 = re.compile(r"<(pre|script|style|textarea)(?:\s|>|$)", re.IGNORECASE)
_ADMONITION = re.compile(r"^(?:!!!|\?\?\?\+?)[ \t]+([\w-]+)")


@dataclass(frozen=True, slots=True)
class ChunkSpan:
    start: int  # first line
    end: int  # one past the last line
    kind: str  # "front-matter" | "markdown"


def split_chunks(lines: list[str], base: int = 0, allow_front_matter: bool = True) -> tuple[list[ChunkSpan], list[tuple[int, str]], tuple[bool, bool]]:
    """Split lines into chunks (line numbers offset by `base`).

    Returns the spans, structural problems found on the way (line, kind), and the end state
    (at top level -- not inside a fence, an HTML comment or block --, last line blank): a following
    line starts a new chunk only at top level and, unless it is a heading, after a blank line.  That
    is what lets an incremental re-split stop early.
    """
    spans: list[ChunkSpan] = []
    problems: list[tuple[int, str]] = []
    n = len(lines)
    i = 0
    if allow_front_matter and n and lines[0].rstrip() == "---":
        for j in range(1, n):
            if lines[j].rstrip() in ("---", "..."):
                spans.append(ChunkSpan(base, base + j + 1, "front-matter"))
                i = j + 1
                break
    start = i
    fence: tuple[str, int, int, int] | None = None  # (char, length, opening line, max closer indent)
    in_comment = False
    in_admonition = False
    html_end: str | None = None  # an HTML block of CommonMark type 1 (<pre>, <script>...) runs to its end tag
    prev_blank = False
    while i < n:
        line = lines[i]
        c0 = line[:1]
        blank = not line.strip()
        if fence is not None:
            if c0 in (" ", "`", "~"):
                stripped = line.lstrip(" ")
                if len(line) - len(stripped) <= fence[3] and stripped.startswith(fence[0] * fence[1]):
                    if not stripped.lstrip(fence[0]).strip():
                        fence = None
            i += 1
            prev_blank = False
            continue
        if in_comment:
            if "-->" in line:
                in_comment = False
            i += 1
            prev_blank = blank
            continue
        if html_end is not None:
            if html_end in line.lower():
                html_end = None
            i += 1
            prev_blank = blank
            continue
        if in_admonition:
            if line.strip() and not line.startswith("    ") and c0 != "\t":
                in_admonition = False
            else:
                m = _FENCE_OPEN.match(line[4:] if line.startswith("    ") else line)
                if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
                    fence = (m.group(2)[0], len(m.group(2)), i, 4 + len(m.group(1)) + 3)
                prev_blank = blank
                i += 1
                continue
        if i > start and ((c0 == "#" and _ATX.match(line)) or (prev_blank and not blank and c0 not in (" ", "\t"))):
            # a top-level heading, or a blank line then a column-0 line: every open block is closed here
            spans.append(ChunkSpan(base + start, base + i, "markdown"))
            start = i
        if c0 in (" ", "`", "~", "-", "+", "*") or c0.isdigit():
            m = _FENCE_OPEN.match(line)
            if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
                fence = (m.group(2)[0], len(m.group(2)), i, len(m.group(1)) + 3)
                prev_blank = False
                i += 1
                continue
        if c0 in ("!", "?") and _ADMONITION.match(line):
            in_admonition = True
            prev_blank = False
            i += 1
            continue
        if c0 == "<":
            hm = _HTML1.match(line)
            if hm and f"</{hm.group(1).lower()}>" not in line.lower():
                html_end = f"</{hm.group(1).lower()}>"
        if "<!--" in line:
            idx = line.find("<!--")
            if "-->" not in line[idx + 4 :]:
                in_comment = True
        prev_blank = blank
        i += 1
    if fence is not None:
        problems.append((base + fence[2], "unclosed-fence"))
    if start < n or not spans:
        spans.append(ChunkSpan(base + start, base + n, "markdown"))
    # may the next line start a chunk?  Only at top level, and (unless it is a heading) after a blank line
    return spans, problems, (fence is None and not in_comment and html_end is None, prev_blank)


# ---------------------------------------------------------------------------------------------
# Chunk results (line numbers relative to the chunk)


@dataclass(frozen=True, slots=True)
class RawHeading:
    level: int
    line: int
    raw: str  # inline content, attributes included
    title: str  # plain title, attributes removed
    title_range: Range
    attrs: tuple[tuple[str, str, Range], ...]  # (key, value, range of value); '#': id, '.': class
    attr_block: Range | None  # range of the `{...}` block


@dataclass(frozen=True, slots=True)
class RawTag:
    id: str
    range: Range  # of the id text inside [^...]
    tag_range: Range  # of the whole [^id]
    block: int  # index into blocks
    plain_offset: int  # offset in the block's plain text where the tag stood


@dataclass(frozen=True, slots=True)
class RawLink:
    text: str
    target: str
    range: Range  # the whole link
    target_range: Range  # the target inside (...)
    block: int


@dataclass(frozen=True, slots=True)
class RawIdDef:
    id: str
    range: Range
    block: int


@dataclass(frozen=True, slots=True)
class RawMention:
    id: str
    range: Range
    block: int


@dataclass(frozen=True, slots=True)
class RawWaiver:
    line: int  # last line of the comment
    first_line: int
    codes: tuple[str, ...]
    reason: str
    range: Range


class Offsets(array):
    """A block's plain-to-content offset map: a packed array of C ints (2 bytes a character when the block's
    content is shorter than 64 K, else 4, where a tuple of ints cost ≈ 36: a pointer and an int object past
    256 — 70 MB of the EIPs' structure), hashable and comparable like the tuple it replaces, so a `Block`
    stays a value."""

    __slots__ = ()

    def __new__(cls, items=(), typecode: str = "i"):
        return super().__new__(cls, typecode, items)

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self))  # as the tuple's (equal arrays of either width hash alike)

    def __reduce__(self):
        return (Offsets, (self.tolist(), self.typecode))


@dataclass(frozen=True, slots=True)
class Block:
    """A run of inline prose: a paragraph, a list item's paragraph, a heading or a table cell.

    ``plain`` is the text with markup removed (links -> their text, tags dropped).  Each plain
    character came from content offset ``src[i]``; content line ``k`` starts at content offset
    ``cstarts[k]`` and sits at source (relative line ``k``, character ``cols[k]``).
    """

    kind: str  # paragraph | heading | table-cell
    line: int  # first line (relative to the chunk)
    plain: str
    src: Offsets  # (a sequence of int)
    cstarts: tuple[int, ...]
    cols: tuple[int, ...]
    clen: int  # content length
    context: tuple[str, ...]  # enclosing containers: "list-item", "blockquote", "admonition:meta"
    code: tuple[tuple[int, int], ...] = ()  # plain-text ranges that came from code spans

    def content_position(self, c: int) -> Position:
        """Source position (line relative to the block's first line) of content offset `c`."""
        k = bisect.bisect_right(self.cstarts, c) - 1
        return Position(k, self.cols[k] + (c - self.cstarts[k]))

    def position(self, plain_offset: int) -> Position:
        """Relative source position of a plain-text offset; the end maps just past the last char."""
        if plain_offset < len(self.plain):
            return self.content_position(self.src[plain_offset])
        if not self.plain:
            return self.content_position(self.clen)
        return self.content_position(self.src[-1] + 1)


@dataclass(frozen=True, slots=True)
class ChunkResult:
    headings: tuple[RawHeading, ...] = ()
    tags: tuple[RawTag, ...] = ()
    footnote_defs: tuple[str, ...] = ()
    links: tuple[RawLink, ...] = ()
    id_defs: tuple[RawIdDef, ...] = ()
    mentions: tuple[RawMention, ...] = ()
    waivers: tuple[RawWaiver, ...] = ()
    html_anchors: tuple[tuple[str, Range], ...] = ()
    blocks: tuple[Block, ...] = ()
    rfc2119: bool = False
    front_matter: tuple[tuple[str, str, int], ...] = ()  # (key, value, line)
    problems: tuple[tuple[int, str], ...] = ()  # (line, kind), e.g. an unclosed fence


# ---------------------------------------------------------------------------------------------
# Inline scanning

_CODE_RUN = re.compile(r"``*")  # = `+, written to start with a literal: the regex engine then scans for it fast (7x)
_INLINE = re.compile(
    r"""
    (?P<esc>\\[!-/:-@\[-`{-~])
  | (?P<image>!\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\([^()\s]*(?:\s+"[^"]*")?\))
  | (?P<tag>\[\^(?P<tagid>[^\[\]\s]+)\])
  | (?P<link>\[(?P<ltext>(?:[^\[\]]|\[[^\[\]]*\])*)\]\((?=(?P<sp>\s*))(?P=sp)(?P<lt><[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\))
  | (?P<autolink><(?:https?|mailto|ftp):[^<>\s]*>)
  | (?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)
  | (?P<emph>\*+|(?<![\w])_+|(?<!_)_+(?![\w]))
  | (?P<nl>\n)
    """,
    re.VERBOSE | re.DOTALL,
)
# every alternative of _INLINE starts with one of these characters: the regex engine finds the next one
# with a fast set scan, where a search with _INLINE itself tries all its alternatives at every position
_INLINE_START = re.compile(r"[\\!\[<*_\n]")


def _inline_search(content: str, i: int, stop: int):
    """`_INLINE.search(content, i, stop)`, found faster: _INLINE matched only where it can start."""
    while True:
        c = _INLINE_START.search(content, i, stop)
        if c is None:
            return None
        m = _INLINE.match(content, c.start(), stop)
        if m is not None:
            return m
        i = c.start() + 1

# a waiver is an HTML comment (found by `_comments`, linear) whose text starts like this
_WAIVER_HEAD = re.compile(r"<!--\s*spec-lsp:\s*allow\s")
_WAIVER_CODES = re.compile(r"[A-Za-z0-9_,\s-]*")
_RFC2119 = re.compile(r"\bRFC\s*(?:2119|8174)\b")
_HTML_ANCHOR = re.compile(r"<a\s[^<>]*?\b(?:name|id)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_HEADING_ATTRS = re.compile(r"\{([^{}]*)\}\s*$")  # the white space before it is added by hand (linear)
_ATTR_ITEM = re.compile(r"""(#[^\s}]+)|(\.[^\s}]+)|(?<![\w:-])([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s}]+)""")


def _code_spans(s: str) -> list[tuple[int, int]]:
    """CommonMark code spans: a backtick run closed by the next run of the same length.

    Linear: the runs of each length are listed once, and a per-length cursor only moves forward
    (an opener whose length has no later run opens nothing, and neither does any later one)."""
    spans: list[tuple[int, int]] = []
    if "`" not in s:  # most prose has none: skip the scan
        return spans
    runs = [(m.start(), m.end()) for m in _CODE_RUN.finditer(s)]
    if len(runs) < 2:
        return spans
    by_len: dict[int, list[int]] = {}
    for k, (a, b) in enumerate(runs):
        by_len.setdefault(b - a, []).append(k)
    cursor: dict[int, int] = {}
    i = 0
    while i < len(runs):
        a0, a1 = runs[i]
        if a0 > 0 and s[a0 - 1] == "\\" and not (spans and spans[-1][0] <= a0 - 1 < spans[-1][1]):
            # an escaped backtick opens nothing (only the first one is escaped)
            if a1 - a0 == 1:
                i += 1
                continue
            a0 += 1
        length = a1 - a0
        lst = by_len.get(length, ())
        c = cursor.get(length, 0)
        while c < len(lst) and lst[c] <= i:
            c += 1
        cursor[length] = c
        if c < len(lst):
            j = lst[c]
            spans.append((a0, runs[j][1]))
            i = j
        i += 1
    return spans


def spans_cover(spans: list[tuple[int, int]], pos: int) -> bool:
    """Is `pos` inside one of `spans` (sorted, disjoint)?  A binary search."""
    k = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def _comments(s: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """HTML comments ``<!-- … -->`` in s[lo:hi], linear: once one never closes, no later one can."""
    hi = len(s) if hi is None else hi
    out: list[tuple[int, int]] = []
    i = lo
    while True:
        p = s.find("<!--", i, hi)
        if p < 0:
            break
        q = s.find("-->", p + 4, hi)
        if q < 0:
            break
        out.append((p, q + 3))
        i = q + 3
    return out


class _Plain:
    """Accumulates plain text with, for every character, its source offset in the content."""

    __slots__ = ("chars", "src", "code")

    def __init__(self, typecode: str = "i") -> None:
        self.chars: list[str] = []
        self.src = Offsets((), typecode)
        self.code: list[tuple[int, int]] = []

    def add(self, text: str, at: int) -> None:
        if text:
            self.chars.append(text)
            self.src.extend(range(at, at + len(text)))

    def add_char(self, ch: str, at: int) -> None:
        self.chars.append(ch)
        self.src.append(at)

    def __len__(self) -> int:
        return len(self.src)


@dataclass(frozen=True, slots=True)
class TagEvent:
    """The inline scanner met a clause tag `[^id]` (offsets into the inline content)."""

    id: str
    id_start: int
    id_end: int
    start: int  # of `[^`
    end: int  # after `]`
    plain_offset: int  # where the tag stood in the plain text


@dataclass(frozen=True, slots=True)
class LinkEvent:
    """The inline scanner met a link `[text](target)` (offsets into the inline content)."""

    text: str
    target: str
    start: int
    end: int
    target_start: int
    target_end: int


InlineEvent = TagEvent | LinkEvent


def _to_plain(content: str, lo: int, hi: int, code: list[tuple[int, int]], out: _Plain, events: list[InlineEvent]) -> None:
    """Strip inline markup from content[lo:hi] into `out`; record tags and links in `events`.

    Linear in hi - lo: HTML comments are found with two cached `str.find` cursors (the next ``<!--``
    and the next ``-->``), not by a regex that would rescan to the end for every unclosed ``<!--``."""
    i = lo
    ci = 0
    c_open = -1  # next "<!--" at or after i (hi: none)
    c_close = -1  # first "-->" at or after c_close_from (hi: none)
    c_close_from = -1
    m_next, m_from, m_stop = None, -1, -1
    while i < hi:
        # code span?
        while ci < len(code) and code[ci][1] <= i:
            ci += 1
        if ci < len(code) and code[ci][0] <= i < code[ci][1]:
            a, b = code[ci]
            m = _CODE_RUN.match(content, a)
            inner0, inner1 = m.end(), b - (m.end() - a)
            start = len(out)
            out.add(content[inner0:inner1], inner0)
            out.code.append((start, len(out)))
            i = b
            continue
        nxt_code = code[ci][0] if ci < len(code) else hi
        stop = min(hi, nxt_code)
        # the leftmost markup at or after i (cached across comments skipped before it: a comment must
        # not make the next search rescan the same markup-free stretch)
        if not (m_stop == stop and m_from <= i and (m_next is None or i <= m_next.start())):
            m_next, m_from, m_stop = _inline_search(content, i, stop), i, stop
        m = m_next
        # an HTML comment before the next markup (closed before the next code span)?
        if c_open < i:
            c_open = content.find("<!--", i, hi)
            if c_open < 0:
                c_open = hi
        if c_open < stop and (m is None or c_open <= m.start()):
            if c_close_from < 0 or c_open + 4 < c_close_from or (c_close < hi and c_open + 4 > c_close):
                c_close_from = c_open + 4
                c_close = content.find("-->", c_close_from, hi)
                if c_close < 0:
                    c_close = hi
            if c_close + 3 <= stop:
                out.add(content[i:c_open], i)
                i = c_close + 3
                continue
        if m is None:
            out.add(content[i:stop], i)
            i = stop
            continue
        out.add(content[i : m.start()], i)
        kind = m.lastgroup
        if kind == "esc":
            out.add_char(content[m.start() + 1], m.start() + 1)
        elif kind == "tag":
            events.append(TagEvent(m.group("tagid"), m.start("tagid"), m.end("tagid"), m.start(), m.end(), len(out)))
        elif kind == "link":
            t0, t1 = m.start("ltext"), m.end("ltext")
            target = m.group("lt")
            tt0 = m.start("lt")
            if target.startswith("<") and target.endswith(">"):
                target, tt0 = target[1:-1], tt0 + 1
            events.append(LinkEvent(content[t0:t1], target, m.start(), m.end(), tt0, tt0 + len(target)))
            if content[t0:t1] == "?" and target.startswith("#"):
                # the renderer fills in the section title: a neutral stand-in, all of it mapped to the "?"
                for ch in "that section":
                    out.add_char(ch, t0)
            else:
                k0 = bisect.bisect_left(code, (t0,))
                k1 = bisect.bisect_left(code, (t1,))
                _to_plain(content, t0, t1, code[k0:k1], out, events)
        elif kind == "nl":
            out.add_char(" ", m.start())
        # image, autolink, html, emph: dropped
        i = m.end()


@dataclass
class _ChunkBuilder:
    lines: list[str]
    id_patterns: tuple[re.Pattern, ...]
    bold_lead: bool = False
    headings: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    footnote_defs: list = field(default_factory=list)
    links: list = field(default_factory=list)
    id_defs: list = field(default_factory=list)
    mentions: list = field(default_factory=list)
    waivers: list = field(default_factory=list)
    html_anchors: list = field(default_factory=list)
    blocks: list = field(default_factory=list)
    rfc2119: bool = False
    problems: list = field(default_factory=list)  # (line, kind) found while scanning inline content

    def inline(self, content: str, line0: int, kind: str, context: tuple[str, ...]) -> None:
        """Process one inline token whose content starts on chunk line `line0`."""
        # map content offsets to (line, col): content line k starts at cstarts[k], source column cols[k]
        c_lines = content.split("\n")
        cstarts: list[int] = []
        cols: list[int] = []
        cursor: dict[int, int] = {}
        off = 0
        for k, cl in enumerate(c_lines):
            ln = line0 + k
            src = self.lines[ln] if ln < len(self.lines) else ""
            start_at = cursor.get(ln, 0)
            col = src.find(cl, start_at) if cl else start_at
            if col < 0:
                col = src.rfind(cl)
                if col < 0:
                    col = max(0, len(src) - len(cl))
            cursor[ln] = col + len(cl)
            cstarts.append(off)
            cols.append(col)
            off += len(cl) + 1

        def pos(c: int) -> Position:
            k = bisect.bisect_right(cstarts, c) - 1
            return Position(line0 + k, cols[k] + (c - cstarts[k]))

        def rng(a: int, b: int) -> Range:
            return Range(pos(a), pos(b))

        code = _code_spans(content)
        block_index = len(self.blocks)
        # footnote definition: "[^id]: text" at the start of a paragraph
        fm = re.match(r"\[\^([^\]\s]+)\]:", content)
        if fm and kind == "paragraph":
            self.footnote_defs.append(fm.group(1))
        out = _Plain("H" if len(content) < 65536 else "i")  # offsets into the content: 2 bytes each when they fit
        events: list[InlineEvent] = []
        _to_plain(content, fm.end() if fm and kind == "paragraph" else 0, len(content), code, out, events)
        for ev in events:
            if isinstance(ev, TagEvent):
                self.tags.append(RawTag(ev.id, rng(ev.id_start, ev.id_end), rng(ev.start, ev.end), block_index, ev.plain_offset))
            else:
                self.links.append(RawLink(ev.text, ev.target, rng(ev.start, ev.end), rng(ev.target_start, ev.target_end), block_index))
        for a, z in _comments(content):
            if not spans_cover(code, a):
                self._waiver_comment(content, a, z, pos)
        for am in _HTML_ANCHOR.finditer(content):
            if not spans_cover(code, am.start()):
                self.html_anchors.append((am.group(1), rng(am.start(1), am.end(1))))
        plain = "".join(out.chars)
        if kind != "heading" and not self.rfc2119 and _RFC2119.search(plain):
            self.rfc2119 = True
        # requirement IDs: a definition at the start of a paragraph; mentions elsewhere
        if self.id_patterns:
            stopped: set[str] = set()  # patterns stopped by their time budget in this paragraph
            defined_at = -1
            if kind == "paragraph":
                lead = re.match(r"\s*(?:\*\*|__|`|\[)?", content).end()
                for pat in self.id_patterns:
                    try:
                        dm = _budgeted_match(pat, content, lead)
                    except TimeoutError:
                        stopped.add(pat.pattern)
                        continue
                    if dm and (re.match(r"(?:\*\*|__|`|\])?\s*(?::|\s[-–—]\s|\.)|\*\*:|:\*\*", content[dm.end() : dm.end() + 4])
                               or (self.bold_lead and content.startswith("**", lead - 2) and content.startswith("**", dm.end()))):
                        gi = "id" if "id" in pat.groupindex else 0
                        if dm.group(gi) is None:  # an optional `id` group (rejected by the config; never crash)
                            continue
                        self.id_defs.append(RawIdDef(dm.group(gi), rng(dm.start(gi), dm.end(gi)), block_index))
                        defined_at = dm.start(gi)
                        break
            in_target = _LinkTargets(content)
            for pat in self.id_patterns:
                gi = "id" if "id" in pat.groupindex else 0
                try:
                    for mm in _budgeted_finditer(pat, content):
                        s = mm.start(gi)
                        if s < 0 or s == defined_at or spans_cover(code, s):
                            continue
                        if (s > 0 and (content[s - 1].isalnum() or content[s - 1] in "-_/#")) or (
                            mm.end(gi) < len(content) and (content[mm.end(gi)].isalnum() or content[mm.end(gi)] in "_")
                        ):
                            continue
                        if in_target(s):
                            continue
                        self.mentions.append(RawMention(mm.group(gi), rng(s, mm.end(gi)), block_index))
                except TimeoutError:
                    stopped.add(pat.pattern)
            for pt in sorted(stopped):  # one finding per paragraph and pattern
                self.problems.append((line0, "id-pattern-timeout:" + pt))
        self.blocks.append(
            Block(kind, line0, plain, out.src, tuple(cstarts), tuple(cols), len(content), context, tuple(out.code))
        )

    def _waiver_comment(self, content: str, a: int, z: int, pos) -> None:
        """Record the waiver an HTML comment content[a:z] holds, if it is one.

        `<!-- spec-lsp: allow CODES [-- reason] -->`: CODES are letters, digits, `_`, `,`, `-` and
        white space, up to the first `--`; the reason is the rest.  (A plain string split, not a
        regular expression with nested optional white space, so that it is linear in the comment.)"""
        a = content.rfind("<!--", a, z - 3)  # a comment opened inside another one starts at its last `<!--`
        hm = _WAIVER_HEAD.match(content, a, z)
        if hm is None:
            return
        body = content[hm.end() - 1 : z - 3]
        codes_txt, sep, reason = body.partition("--")
        if _WAIVER_CODES.fullmatch(codes_txt) is None:
            return
        codes = tuple(c for c in re.split(r"[\s,]+", codes_txt) if c)
        reason = reason.strip() if sep else ""
        r = Range(pos(a), pos(z))
        self.waivers.append(RawWaiver(r.end.line, r.start.line, codes, reason, r))

    def heading(self, content: str, line: int, level: int) -> None:
        src = self.lines[line] if line < len(self.lines) else ""
        col0 = src.find(content) if content else len(src)
        if col0 < 0:
            col0 = 0
        title_raw = content
        attrs: list[tuple[str, str, Range]] = []
        block_range = None
        am = _HEADING_ATTRS.search(content)
        if am:
            a0 = am.start()
            while a0 > 0 and content[a0 - 1].isspace():
                a0 -= 1
            title_raw = content[:a0]
            inner0 = col0 + am.start(1)
            block_range = Range(Position(line, col0 + a0), Position(line, col0 + am.end()))
            for item in _ATTR_ITEM.finditer(am.group(1)):
                if item.group(1):
                    attrs.append(("#", item.group(1)[1:], Range(Position(line, inner0 + item.start(1) + 1), Position(line, inner0 + item.end(1)))))
                elif item.group(2):
                    attrs.append((".", item.group(2)[1:], Range(Position(line, inner0 + item.start(2) + 1), Position(line, inner0 + item.end(2)))))
                else:
                    v = item.group(4)
                    v0 = inner0 + item.start(4)
                    if v[:1] in "\"'":
                        v, v0 = v[1:-1], v0 + 1
                    attrs.append((item.group(3), v, Range(Position(line, v0), Position(line, v0 + len(v)))))
        # plain title via the inline machinery (emphasis, code, links stripped)
        self.inline(title_raw, line, "heading", ())
        title = self.blocks[-1].plain.strip()
        tr = Range(Position(line, col0), Position(line, col0 + len(title_raw.rstrip())))
        self.headings.append(RawHeading(level, line, content, title, tr, tuple(attrs), block_range))

    def html_block(self, content: str, line0: int) -> None:
        starts = [0]
        for k, ch in enumerate(content):
            if ch == "\n":
                starts.append(k + 1)

        def pos(off: int) -> Position:
            import bisect

            li = bisect.bisect_right(starts, off) - 1
            src = self.lines[line0 + li] if line0 + li < len(self.lines) else ""
            seg = content[starts[li] : off]
            base = src.find(content[starts[li] : starts[li + 1] - 1 if li + 1 < len(starts) else len(content)])
            return Position(line0 + li, max(base, 0) + len(seg))

        for a, z in _comments(content):
            self._waiver_comment(content, a, z, pos)
        for am in _HTML_ANCHOR.finditer(content):
            self.html_anchors.append((am.group(1), Range(pos(am.start(1)), pos(am.end(1)))))


class _LinkTargets:
    """Is offset s inside a link target, i.e. after the last `](` before it with no `)` or line end
    between?  Both lists are built once per block, so each question is two binary searches."""

    __slots__ = ("_opens", "_closes", "_content")

    def __init__(self, content: str) -> None:
        self._content = content
        self._opens: list[int] | None = None
        self._closes: list[int] = []

    def __call__(self, s: int) -> bool:
        if self._opens is None:
            c = self._content
            self._opens = [m.start() for m in re.finditer(r"\]\(", c)]
            self._closes = [m.start() for m in re.finditer(r"[)\n]", c)] if self._opens else []
        k = bisect.bisect_left(self._opens, s - 1) - 1  # the last `](` that ends at or before s
        if k < 0:
            return False
        o = self._opens[k]
        j = bisect.bisect_left(self._closes, o)  # the first `)` or line end at or after it
        return j >= len(self._closes) or self._closes[j] >= s


def _inside_link_target(content: str, s: int) -> bool:
    return _LinkTargets(content)(s)


# User regular expressions (id-patterns) run with a time budget (the `regex` module's timeout):
# a pattern that backtracks catastrophically is stopped and reported at the paragraph (SPEC001); after
# a few such stops it is skipped for the rest of the process, so one bad pattern never freezes the
# server or `check` (nor floods every paragraph with findings).
ID_PATTERN_TIMEOUT = 0.05  # seconds per paragraph and pattern
_SLOW_LIMIT = 3
_slow_patterns: dict[str, int] = {}


def _budgeted_match(pat, content: str, pos: int):
    if _slow_patterns.get(pat.pattern, 0) >= _SLOW_LIMIT:
        return None  # given up on: the paragraphs where it was stopped carry the finding
    try:
        return pat.match(content, pos, timeout=ID_PATTERN_TIMEOUT) if _HAS_TIMEOUT(pat) else pat.match(content, pos)
    except TimeoutError:
        _slow_patterns[pat.pattern] = _slow_patterns.get(pat.pattern, 0) + 1
        raise


def _budgeted_finditer(pat, content: str):
    if _slow_patterns.get(pat.pattern, 0) >= _SLOW_LIMIT:
        return
    try:
        if _HAS_TIMEOUT(pat):
            yield from pat.finditer(content, timeout=ID_PATTERN_TIMEOUT)
        else:
            yield from pat.finditer(content)
    except TimeoutError:
        _slow_patterns[pat.pattern] = _slow_patterns.get(pat.pattern, 0) + 1
        raise


def _HAS_TIMEOUT(pat) -> bool:
    return not isinstance(pat, re.Pattern)  # a `regex` pattern (its class lives in `_regex`)


def _closes(line: str, markup: str) -> bool:
    st = line.strip()
    return bool(markup) and st.startswith(markup) and not st.lstrip(markup[0]).strip()


_FOOTNOTE_DEF = re.compile(r" {0,3}\[\^([^\]\s]+)\]:")
_FM_LINE = re.compile(r"^([A-Za-z0-9_-]+)\s*:\s*(.*)$")

_CACHE: "OrderedDict[tuple, ChunkResult]" = OrderedDict()
_CACHE_MAX = 50_000
# also bounded by the characters it holds (a result costs ~10-20 bytes per character of its chunk):
# every keystroke makes a new chunk text, so an edit session would otherwise fill it with old versions
# (measured: 8 M characters let an edit session grow by ~390 MB; parse results cost ~15 bytes per
# character with document._ABS_CACHE).  2 M characters: the Model Spec many times over; a larger
# workspace re-parses part of itself when rebuilt after a config change.
_CACHE_CHARS_MAX = 2_000_000
_cache_chars = [0]
cache_stats = {"hits": 0, "misses": 0}


def parse_chunk(text: str, kind: str, id_patterns: tuple[re.Pattern, ...] = (), bold_lead: bool = False,
                no_indented_code: bool = False) -> ChunkResult:
    """Parse one chunk; the result is cached by (text, kind, id patterns).  `bold_lead`: a bold ID
    (`**FR-001** The system …`) at the start of a paragraph defines a clause without a separator."""
    key = (text, kind, tuple(p.pattern for p in id_patterns), bold_lead, no_indented_code)
    hit = _CACHE.get(key)
    if hit is not None:
        cache_stats["hits"] += 1
        _CACHE.move_to_end(key)
        return hit
    cache_stats["misses"] += 1
    res = _parse_chunk(text, kind, id_patterns, bold_lead, no_indented_code)
    _CACHE[key] = res
    _cache_chars[0] += len(text)
    while len(_CACHE) > 1 and (len(_CACHE) > _CACHE_MAX or _cache_chars[0] > _CACHE_CHARS_MAX):
        (old_text, *_), _v = _CACHE.popitem(last=False)
        _cache_chars[0] -= len(old_text)
    return res


def _parse_chunk(text: str, kind: str, id_patterns: tuple[re.Pattern, ...], bold_lead: bool = False,
                 no_indented_code: bool = False) -> ChunkResult:
    lines = text.split("\n")
    if kind == "front-matter":
        fm = []
        for k, ln in enumerate(lines[1:-1], start=1):
            m = _FM_LINE.match(ln)
            if m:
                fm.append((m.group(1), m.group(2).strip().strip("\"'"), k))
        return ChunkResult(front_matter=tuple(fm))
    b = _ChunkBuilder(lines, id_patterns, bold_lead)
    # Admonitions (`!!! meta "Commentary"` + an indented body): parse the body de-indented so that
    # its paragraphs are prose, not indented code.
    adm_ranges: list[tuple[int, int, str]] = []
    src_lines = list(lines)
    k = 0
    while k < len(lines):
        m = _ADMONITION.match(lines[k])
        if m:
            j = k + 1
            while j < len(lines) and (not lines[j].strip() or lines[j].startswith(("    ", "\t"))):
                j += 1
            while j > k + 1 and not lines[j - 1].strip():
                j -= 1
            src_lines[k] = ""
            for t in range(k + 1, j):
                src_lines[t] = lines[t][4:] if lines[t].startswith("    ") else lines[t].lstrip("\t")
            adm_ranges.append((k + 1, j, m.group(1)))
            k = j
        else:
            k += 1
    parse_src = "\n".join(src_lines)
    try:
        tokens = (_MD_NO_INDENTED_CODE if no_indented_code else _MD).parse(parse_src)
    except Exception:  # markdown-it should never raise; if it does, we still return structure
        tokens = []

    def adm_context(line: int) -> tuple[str, ...]:
        for a, z, name in adm_ranges:
            if a <= line < z:
                return (f"admonition:{name}",)
        return ()

    code_lines: set[int] = set()
    problems: list[tuple[int, str]] = []
    stack: list[str] = []
    heading_level = 0
    in_heading = False
    in_table = 0
    for t in tokens:
        ty = t.type
        if ty.endswith("_open"):
            if ty == "list_item_open":
                stack.append("list-item")
            elif ty == "blockquote_open":
                stack.append("blockquote")
            elif ty == "heading_open":
                in_heading = True
                heading_level = int(t.tag[1:])
            elif ty == "table_open":
                in_table += 1
        elif ty.endswith("_close"):
            if ty == "table_close":
                in_table -= 1
            if ty in ("list_item_close", "blockquote_close") and stack:
                stack.pop()
            elif ty == "heading_close":
                in_heading = False
        elif ty == "inline" and t.map:
            line0 = t.map[0]
            ctx = tuple(stack) + adm_context(line0)
            if in_heading:
                if not stack and not ctx:
                    b.heading(t.content, line0, heading_level)
                else:
                    b.inline(t.content, line0, "paragraph", ctx)
            else:
                kind_ = "table-cell" if in_table else "paragraph"
                b.inline(t.content, line0, kind_, ctx)
        elif ty == "html_block" and t.map:
            b.html_block(t.content.rstrip("\n"), t.map[0])
        if ty in ("fence", "code_block", "html_block") and t.map:
            code_lines.update(range(t.map[0], t.map[1]))
        if ty == "fence" and t.map and not _closes(src_lines[t.map[1] - 1] if t.map[1] - 1 > t.map[0] else "", t.markup):
            # reaching the end of the chunk may mean the end of the document; else its container closed it
            n_eff = len(lines) - (1 if lines and lines[-1] == "" else 0)  # markdown-it does not count a last empty line
            problems.append((t.map[0], "unclosed-fence" if t.map[1] >= n_eff else "unclosed-fence-in-container"))
    # footnote definitions by line: `[^1]:` followed by an indented block is, to CommonMark, a link
    # reference definition (its destination may sit on the next line), so no paragraph shows it
    for k, ln in enumerate(lines):
        if "[^" in ln and k not in code_lines:
            fm = _FOOTNOTE_DEF.match(ln)
            if fm and fm.group(1) not in b.footnote_defs:
                b.footnote_defs.append(fm.group(1))
    return ChunkResult(
        headings=tuple(b.headings),
        tags=tuple(b.tags),
        footnote_defs=tuple(b.footnote_defs),
        links=tuple(b.links),
        id_defs=tuple(b.id_defs),
        mentions=tuple(b.mentions),
        waivers=tuple(b.waivers),
        html_anchors=tuple(b.html_anchors),
        blocks=tuple(b.blocks),
        rfc2119=b.rfc2119,
        problems=tuple(problems + b.problems),
    )


def iter_chunk_texts(lines: list[str], spans: Iterable[ChunkSpan]):
    for sp in spans:
        yield sp, "\n".join(lines[sp.start : sp.end])
