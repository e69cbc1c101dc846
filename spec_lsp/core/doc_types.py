"""Document types: what the parser produces for a spec document (sections, clauses, links, mentions,
waivers, prose blocks) and the document itself.  Immutable; all positions absolute (line, code point).

The incremental parser that builds them is `document.py`; challenge-prompt files are `challenge.py`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property

from .markdown import Block
from .model import Position, Range


@dataclass(frozen=True, slots=True)
class Section:
    anchor: str
    title: str
    level: int
    line: int
    title_range: Range
    anchor_range: Range | None  # the explicit `#id` text, when there is one
    attrs: tuple[tuple[str, str, Range], ...]  # (key, value, range of value), '#' and '.' excluded
    attr_block: Range | None
    explicit: bool
    end_line: int  # exclusive: the next heading of the same or a higher level (or end of file)
    parent: int | None  # index of the enclosing section
    authority: str | None  # own `authority=` or inherited from the nearest ancestor
    own_authority: str | None


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    kind: str  # "tag" ([^id]) | "id" (requirement ID at the start of a paragraph)
    range: Range  # the ID text
    tag_range: Range  # [^id] or the ID itself
    sentence: str  # plain text of the clause sentence
    sentence_range: Range
    block: int  # index into SpecDocument.blocks
    context: tuple[str, ...]  # enclosing containers (list-item, blockquote, admonition:meta)


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    target: str  # as written
    path: str  # the file part ('' for a same-document link)
    anchor: str | None  # the fragment, without '#'
    range: Range
    target_range: Range
    anchor_range: Range | None  # the fragment text inside the target
    block: int


@dataclass(frozen=True, slots=True)
class Mention:
    id: str
    range: Range
    block: int


@dataclass(frozen=True, slots=True)
class Waiver:
    first_line: int
    line: int
    codes: tuple[str, ...]
    reason: str
    range: Range


@dataclass(frozen=True, slots=True)
class AbsBlock:
    """A prose block with absolute line numbers (see markdown.Block)."""

    raw: Block
    line: int

    @property
    def plain(self) -> str:
        return self.raw.plain

    @property
    def kind(self) -> str:
        return self.raw.kind

    @property
    def context(self) -> tuple[str, ...]:
        return self.raw.context

    def position(self, plain_offset: int) -> Position:
        p = self.raw.position(plain_offset)
        return Position(p.line + self.line, p.character)

    def content_position(self, c: int) -> Position:
        p = self.raw.content_position(c)
        return Position(p.line + self.line, p.character)

    def range(self, a: int, b: int) -> Range:
        """The source range of plain text [a, b): from the first character to just after the last one
        (not to the next plain character, which may sit after a removed tag or link target)."""
        if b <= a:
            p = self.position(a)
            return Range(p, p)
        end = self.position(b - 1)
        return Range(self.position(a), Position(end.line, end.character + 1))


@dataclass(frozen=True)
class Problem:
    """A structural problem the parser itself noticed (e.g. an unclosed fence)."""

    kind: str
    range: Range
    detail: str = ""


@dataclass(frozen=True, eq=False)
class SpecDocument:
    path: str
    text: str
    chunks: tuple["Chunk", ...]  # for incremental re-parsing
    parts: tuple[ChunkAbs, ...]
    offsets: tuple[int, ...]  # character offset of each chunk in the (LF-normalised) text
    pat_key: tuple[str, ...]
    sections: tuple[Section, ...]
    clauses: tuple[Clause, ...]
    footnote_refs: tuple[Clause, ...]  # [^x] with a footnote definition: not clauses
    links: tuple[Link, ...]
    mentions: tuple[Mention, ...]
    waivers: tuple[Waiver, ...]
    blocks: tuple[AbsBlock, ...]
    anchors: tuple[tuple[str, Range, int | None], ...]  # (anchor, range, section index or None for HTML anchors)
    problems: tuple[Problem, ...]
    front_matter: tuple[tuple[str, str, int], ...]
    rfc2119: bool
    line_count: int
    heading_entries: tuple = ()
    html_anchor_entries: tuple = ()
    kind: str = "spec"
    groups: tuple = ()  # per-group concatenations of `parts` fields, reused by the next parse
    format: str = ""  # the name of the format that owns it (set by the workspace)

    # ---- queries -------------------------------------------------------------------------
    @cached_property
    def _section_lines(self) -> list[int]:
        return [s.line for s in self.sections]

    def section_at(self, line: int) -> int | None:
        """Index of the innermost section whose heading is at or above `line`."""
        i = bisect.bisect_right(self._section_lines, line) - 1
        return i if i >= 0 else None

    @cached_property
    def anchor_map(self) -> dict[str, list[tuple[Range, int | None]]]:
        m: dict[str, list[tuple[Range, int | None]]] = {}
        for a, r, si in self.anchors:
            m.setdefault(a, []).append((r, si))
        return m

    def section_path(self, index: int | None) -> list[Section]:
        out = []
        while index is not None:
            s = self.sections[index]
            out.append(s)
            index = s.parent
        return out[::-1]

    @cached_property
    def title(self) -> str:
        for k, v, _ in self.front_matter:
            if k == "title":
                return v
        return self.sections[0].title if self.sections else self.path

    def semantic_key(self) -> tuple:
        """Everything analysis depends on, as comparable data (for the incremental-vs-fresh check)."""
        return (
            self.path, self.sections, self.clauses, self.footnote_refs, self.links, self.mentions,
            self.waivers, self.anchors, self.problems, self.front_matter, self.rfc2119, self.line_count,
            tuple((b.line, b.raw) for b in self.blocks),
        )
