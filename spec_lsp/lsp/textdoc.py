"""The server's document model: lines end only at \\n, \\r\\n and \\r, as LSP says.

pygls's `TextDocument` splits with `str.splitlines`, which also breaks at U+2028, U+2029, U+0085, U+000B,
U+000C and U+001C–U+001E, re-splits the whole buffer for every position conversion, and applies a change
whose character lies past the end of a last line without a newline one character early. `LineIndex` is
computed once per text version (a table of line starts) and does every conversion:

* client positions (UTF-16 code units unless UTF-8/UTF-32 was negotiated) ↔ offsets into the text;
* core positions (the same lines, columns in code points) ↔ offsets.

A position past the end of a line means the end of that line; a line past the end of the text means the
end of the text (LSP 3.17, “Position”). `SpecTextDocument` is pygls's document with this model, and
`SpecWorkspace` makes pygls create it for every opened document.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Sequence

from lsprotocol import types as T
from pygls.workspace import TextDocument, Workspace
from pygls.workspace.position_codec import ServerTextPosition

from ..core.model import Position, Range

_EOL = re.compile(r"\r\n|\r|\n")


def _units_fn(encoding) -> str:
    e = str(getattr(encoding, "value", encoding) or "utf-16").lower()
    return e if e in ("utf-8", "utf-16", "utf-32") else "utf-16"


class LineIndex:
    """Line-start tables of one immutable text; all conversions are O(log lines + column)."""

    __slots__ = ("text", "starts", "units", "_lines")

    def __init__(self, text: str, encoding="utf-16") -> None:
        self.text = text
        starts = [0]
        starts.extend(m.end() for m in _EOL.finditer(text))
        self.starts = starts
        self.units = _units_fn(encoding)
        self._lines: tuple[str, ...] | None = None

    # -- lines ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.starts)

    def line_count(self) -> int:
        return len(self.starts)

    def line_end(self, line: int) -> int:
        """Offset of the end of the line's content (before its terminator)."""
        if line + 1 < len(self.starts):
            end = self.starts[line + 1]
            if self.text[end - 1] == "\n":
                end -= 1
                if end > self.starts[line] and self.text[end - 1] == "\r":
                    end -= 1
            else:  # "\r"
                end -= 1
            return end
        return len(self.text)

    def line_text(self, line: int) -> str:
        """A line's content without its terminator; "" past the end."""
        if line < 0 or line >= len(self.starts):
            return ""
        return self.text[self.starts[line]:self.line_end(line)]

    @property
    def lines(self) -> tuple[str, ...]:
        """Lines with their terminators, split as LSP splits (a trailing newline gives a last "" line)."""
        if self._lines is None:
            s = self.starts
            t = self.text
            self._lines = tuple(t[s[i]:s[i + 1]] for i in range(len(s) - 1)) + (t[s[-1]:],)
        return self._lines

    # -- units -----------------------------------------------------------------------------
    def _count(self, s: str) -> int:
        if self.units == "utf-32" or s.isascii():
            return len(s)
        if self.units == "utf-16":
            return len(s.encode("utf-16-le", "surrogatepass")) // 2
        return len(s.encode("utf-8", "surrogatepass"))

    def _chars_for_units(self, s: str, units: int) -> int:
        """How many code points of `s` the first `units` client units cover (a split character counts whole)."""
        if units <= 0:
            return 0
        if self.units == "utf-32" or s.isascii():
            return min(units, len(s))
        u = 0
        for i, ch in enumerate(s):
            if u >= units:
                return i
            o = ord(ch)
            if self.units == "utf-16":
                u += 2 if o > 0xFFFF else 1
            else:
                u += 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
        return len(s)

    # -- client positions ↔ offsets --------------------------------------------------------------
    def offset_at(self, p: T.Position) -> int:
        line = p.line
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[line]
        end = self.line_end(line)
        if p.character <= 0:
            return start
        return start + self._chars_for_units(self.text[start:end], p.character)

    def client_position(self, offset: int) -> T.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        offset = min(offset, self.line_end(line))
        return T.Position(line=line, character=self._count(self.text[start:offset]))

    # -- core positions ↔ offsets ---------------------------------------------------------------
    # the core counts lines as LSP does (core/text.py split_lines); its columns are code points
    def core_offset(self, p: Position) -> int:
        if p.line >= len(self.starts):
            return len(self.text)
        start = self.starts[p.line]
        return min(start + max(p.character, 0), self.line_end(p.line))

    def core_position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        return Position(line, min(offset, self.line_end(line)) - self.starts[line])

    def to_client(self, p: Position) -> T.Position:
        line = p.line
        if line >= len(self.starts):
            return self.client_position(len(self.text))
        start = self.starts[line]
        col = min(max(p.character, 0), self.line_end(line) - start)
        if self.units == "utf-32":
            return T.Position(line=line, character=col)
        return T.Position(line=line, character=self._count(self.text[start:start + col]))

    def to_client_range(self, r: Range) -> T.Range:
        return T.Range(start=self.to_client(r.start), end=self.to_client(r.end))

    def from_client(self, p: T.Position) -> Position:
        return self.core_position(self.offset_at(p))


def apply_change(text: str, index: LineIndex, change) -> str:
    """The text after one LSP content change (incremental with a range, or the whole text)."""
    rng = getattr(change, "range", None)
    if rng is None:
        return change.text
    a = index.offset_at(rng.start)
    b = index.offset_at(rng.end)
    if b < a:
        a, b = b, a
    return text[:a] + change.text + text[b:]


class SpecTextDocument(TextDocument):
    """pygls's document with LSP line splitting, a line index per version and LSP's end-of-line rule."""

    @property
    def _source(self) -> str | None:  # type: ignore[override]
        return self.__dict__.get("_src")

    @_source.setter
    def _source(self, value: str | None) -> None:
        self.__dict__["_src"] = value
        self.__dict__["_index"] = None

    @property
    def index(self) -> LineIndex:
        ix = self.__dict__.get("_index")
        if ix is None:
            ix = LineIndex(self.source, self.position_codec.encoding)
            self.__dict__["_index"] = ix
        return ix

    def _apply_incremental_change(self, change: T.TextDocumentContentChangePartial) -> None:
        self._source = apply_change(self.source, self.index, change)

    @property
    def lines(self) -> Sequence[str]:  # type: ignore[override]
        return self.index.lines

    def offset_at_position(self, client_position: T.Position) -> int:
        return self.index.offset_at(client_position)

    def offset_at_server_position(self, server_position: ServerTextPosition) -> int:
        ix = self.index
        line = server_position.line
        if line >= len(ix.starts):
            return len(ix.text)
        return min(ix.starts[line] + server_position.character, ix.line_end(line))

    def server_position_at_offset(self, offset: int) -> ServerTextPosition:
        ix = self.index
        offset = max(0, min(offset, len(ix.text)))
        line = bisect_right(ix.starts, offset) - 1
        return ServerTextPosition(line, offset - ix.starts[line])

    def client_position_at_offset(self, offset: int) -> T.Position:
        return self.index.client_position(offset)


class SpecWorkspace(Workspace):
    """pygls's workspace, creating `SpecTextDocument`s."""

    def _create_text_document(self, doc_uri, source=None, version=None, language_id=None) -> TextDocument:
        return SpecTextDocument(doc_uri, source=source, version=version, language_id=language_id,
                                sync_kind=self._sync_kind, position_codec=self._position_codec)
