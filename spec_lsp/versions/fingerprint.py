"""A finding's fingerprint: rule, path, subject and the text it is about — never a line number.

"The text it is about" is the text under the finding's range plus the sentence around its start (on
that line), normalised.  An edit above the finding moves its line but not its fingerprint; an edit to
the sentence itself makes it a new finding, which is what a reviewer wants to see.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Iterable

from ..core.model import Finding
from ..core.text import split_lines, split_sentences
from .identity import digest, normalize


def about_text(f: Finding, lines: list[str] | None) -> tuple[str, str]:
    """(text under the range, sentence around the start), normalised."""
    if not lines:
        return "", ""
    s, e = f.range.start, f.range.end
    if s.line >= len(lines):
        return "", ""
    if e.line == s.line:
        under = lines[s.line][s.character:e.character]
    else:
        parts = [lines[s.line][s.character:]] + lines[s.line + 1:e.line] + ([lines[e.line][:e.character]] if e.line < len(lines) else [])
        under = " ".join(parts)
    line = lines[s.line]
    sentence = line
    for a, b in split_sentences(line):
        if a <= s.character <= b:
            sentence = line[a:b]
            break
    return normalize(under), normalize(sentence)


def fingerprint(f: Finding, lines: list[str] | None) -> str:
    under, sentence = about_text(f, lines)
    # a language finding's subject is its context (the enclosing section's anchor, or clause): renaming
    # the heading's anchor is an edit elsewhere, so only its text identifies it
    subject = "" if f.category in ("language", "consistency") else f.subject
    return digest("\x00".join((f.rule, f.path, subject, under, sentence)))


def lines_getter(text_of: Callable[[str], str | None]) -> Callable[[str], list[str] | None]:
    cache: dict[str, list[str] | None] = {}

    def get(path: str) -> list[str] | None:
        if path not in cache:
            t = text_of(path)
            cache[path] = split_lines(t) if t is not None else None
        return cache[path]

    return get


def new_findings(findings: Iterable[tuple[Finding, str]], known: Counter) -> list[Finding]:
    """The findings (with fingerprints) not covered by `known` (fingerprint -> count): with duplicates,
    the first `count` of a fingerprint are known, the rest are new."""
    left = Counter(known)
    out = []
    for f, fp in findings:
        if left[fp] > 0:
            left[fp] -= 1
        else:
            out.append(f)
    return out
