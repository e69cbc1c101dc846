"""Citations of clause IDs in any text file: code, tests, YAML/JSON/TOML, notebooks, other Markdown.

What counts as a citation is deliberately narrow, so that an ID is never "found" inside an unrelated
word, hash or identifier:

* **explicit forms** (any ID shape): a footnote-style tag ``[^sy73]``, a decorator or call
  ``@spec("sy73")`` / ``spec("sy73")``, a key ``spec: sy73`` / ``clause = "sy73"``.  An explicit
  citation of an ID that does not exist is a finding (``unknown-citation``);
* **distinctive IDs** (``FR-001``, ``REQ-12``: the format's or the configuration's ID patterns), as
  whole words: a distinctive ID cannot be part of an identifier, so matching it anywhere is safe;
* **keyword forms** (``covers sy73``, ``Verifies: sy73, kp02``, ``tests [^sy73]``): plain English,
  so they count only for IDs that exist (they never produce an unknown-citation finding).

``citation-patterns`` in the configuration adds explicit forms: regular expressions with a named
group ``id``.

Positions are 0-based lines and code-point columns, like every position in the core.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable

_ID = r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?"
_WORDISH = re.compile(r"[\w-]")
_Q = r"(?:(?P<q>[A-Za-z0-9][\w.-]*)/)?"  # a scope qualifier: `001-photo-albums/FR-001`
# Explicit forms.  Each regex starts with a literal, so that the regex engine's literal-prefix search
# skips through a file at memchr speed; word boundaries before the literal are checked afterwards.
# (regex, needs a boundary before it).  `spec:` / `spec=` must be followed by the ID on the same line
# (`spec:` ending a YAML line is a Kubernetes key, not a citation).
_EXPLICIT = [
    (re.compile(r"\[\^(?P<id>" + _ID + r")\]"), False),
    # quoted, so the ID may be a name with spaces (an OpenSpec requirement: `@spec("auth/Session expiry")`)
    (re.compile(r"spec\(\s*[\"']" + _Q + r"(?P<id>[A-Za-z0-9](?:[^\"'\n/\\]{0,118}[A-Za-z0-9])?)[\"']"), True),
    (re.compile(r"spec[ \t]*:[ \t]*[\"']?" + _Q + r"(?P<id>" + _ID + r")(?![\w/-])"), True),
    (re.compile(r"spec[ \t]*=[ \t]*[\"']" + _Q + r"(?P<id>" + _ID + r")[\"']"), True),
]
_QUAL_BEFORE = re.compile(r"([A-Za-z0-9][\w.-]*)/$")
_KEYWORDS = ("covers", "verifies", "validates", "implements", "tests")
_LIST = r"(?P<list>(?:\[\^)?" + _ID + r"\]?(?:[ \t]*(?:,|&|\band\b)[ \t]*(?:\[\^)?" + _ID + r"\]?)*)"
# keyword forms, one regex per spelling (covers / Covers / COVERS …) starting with its literal tail, so that
# the literal-prefix search applies; the first letter and the boundary before it are checked afterwards
_KEYWORD_RX = tuple(
    (tail, firsts, re.compile(re.escape(tail) + r"\b:?[ \t]+" + _LIST))
    for k in _KEYWORDS
    for tail, firsts in ((k[1:], k[0] + k[0].upper()), (k[1:].upper(), k[0].upper()))
)
_LIST_ITEM = re.compile(r"(?:\[\^)?(" + _ID + r")\]?")


@dataclass(frozen=True, slots=True)
class Citation:
    id: str
    line: int
    start: int  # code-point column of the ID's first character
    end: int  # exclusive
    form: str  # "explicit" | "distinctive" | "keyword"
    qualifier: str = ""  # `001-photo-albums` in `001-photo-albums/FR-001`


class LineIndex:
    """Line and column of offsets (lines end at \\n, \\r\\n or \\r, as in LSP).

    Citations are few per file, so positions are computed per offset with C-speed counting rather than
    by building a table of every line start."""

    __slots__ = ("text", "has_cr", "_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self.has_cr = "\r" in text
        self._starts: list[int] | None = None

    def position(self, offset: int) -> tuple[int, int]:
        t = self.text
        if not self.has_cr:
            ln = t.count("\n", 0, offset)
            return ln, offset - (t.rfind("\n", 0, offset) + 1)
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", t)]
        ln = bisect.bisect_right(self._starts, offset) - 1
        return ln, offset - self._starts[ln]


class CitationScanner:
    """Finds citations in a text.  Build one per (patterns, known IDs) and reuse it for every file."""

    def __init__(self, distinctive: Iterable[str] = (), extra_explicit: Iterable[str] = (),
                 known_ids: Iterable[str] | None = None) -> None:
        """`known_ids`: keyword forms (`covers x`) are reported only for these; None reports every keyword
        candidate (the workspace filters them by the IDs that exist, so that a scan depends on the file only)."""
        self.distinctive = tuple(distinctive)
        self.extra_explicit = tuple(extra_explicit)
        self.known = frozenset(known_ids) if known_ids is not None else None
        # (regex, form, check the character before the match)
        self._rx: list[tuple[re.Pattern, str, bool]] = [(rx, "explicit", b) for rx, b in _EXPLICIT]
        for p in self.extra_explicit:
            self._rx.append((re.compile(p), "explicit", False))
        for p in self.distinctive:
            self._rx.append((re.compile(r"(?P<id>" + _ungroup(p) + r")(?![\w-])"), "distinctive", True))

    def scan(self, text: str) -> list[Citation]:
        if not text:
            return []
        found: dict[tuple[int, int], Citation] = {}
        idx: LineIndex | None = None

        def at(a: int, b: int, cid: str, form: str, q: str = "") -> None:
            nonlocal idx
            if (a, b) in found:
                return
            if idx is None:
                idx = LineIndex(text)
            if not q and form == "distinctive" and a > 0 and text[a - 1] == "/":
                qm = _QUAL_BEFORE.search(text, max(0, a - 120), a)
                q = qm.group(1) if qm else ""
            ln, col = idx.position(a)
            found[(a, b)] = Citation(cid, ln, col, col + (b - a), form, q)

        for rx, form, boundary in self._rx:
            for m in rx.finditer(text):
                s0 = m.start()
                if boundary and s0 > 0 and _WORDISH.match(text, s0 - 1) and not (form == "explicit" and text[s0 - 1] == "@"):
                    continue
                a, b = m.span("id")
                if a < 0:
                    continue
                at(a, b, m.group("id"), form, (m.groupdict().get("q") or "") if form == "explicit" else "")
        if self.known is None or self.known:
            for tail, firsts, rx in _KEYWORD_RX:
                if tail not in text:
                    continue
                for m in rx.finditer(text):
                    s0 = m.start() - 1
                    if s0 < 0 or text[s0] not in firsts or (s0 > 0 and _WORDISH.match(text, s0 - 1)):
                        continue
                    base = m.start("list")
                    for im in _LIST_ITEM.finditer(m.group("list")):
                        cid = im.group(1)
                        if cid.lower() == "and":
                            continue
                        if self.known is None or cid in self.known:
                            at(base + im.start(1), base + im.end(1), cid, "keyword")
        return sorted(found.values(), key=lambda c: (c.line, c.start))

    def bare_occurrences(self, text: str, cid: str) -> list[tuple[int, int, int]]:
        """Every whole-word occurrence of `cid` (line, start, end), cited or not: a rename checks that each one
        is a citation it is about to edit, and refuses otherwise."""
        out = []
        idx = None
        for m in re.finditer(re.escape(cid) + r"(?![\w-])", text):
            if m.start() > 0 and _WORDISH.match(text, m.start() - 1):
                continue
            if idx is None:
                idx = LineIndex(text)
            ln, col = idx.position(m.start())
            out.append((ln, col, col + len(cid)))
        return out


def _ungroup(pattern: str) -> str:
    """A user's ID pattern as a non-capturing body (named groups would clash in the alternation)."""
    return re.sub(r"(?<!\\)\(\?P<\w+>", "(?:", re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern))


def charclass_like(cid: str) -> bool:
    """`a-z`, `0-9`, `a-zA-Z0-9`: the inside of a regex character class (`[^a-z]`), not a clause ID."""
    return "-" in cid and (len(cid.split("-")[0]) == 1 or len(cid.split("-")[-1]) == 1)


def reportable_unknown(cid: str) -> bool:
    """Whether an explicit citation of an ID nobody defines should be reported: clause IDs carry a digit
    (`sy73`, `FR-001`, `REQ-12`); `[^abc]`, `[^a-z]` and `spec: Widget` are a regex class or a type."""
    return any(ch.isdigit() for ch in cid) and not charclass_like(cid)
