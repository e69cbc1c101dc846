"""Small text utilities: line splitting, slugs, sentence splitting, similarity."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split like LSP does: on \\n, \\r\\n and \\r; a trailing newline yields a last empty line."""
    return _LINE_BREAK.split(text)


def github_slug(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    s = unicodedata.normalize("NFC", title).strip().lower()
    out = []
    for ch in s:
        if ch.isalnum() or ch in "-_":
            out.append(ch)
        elif ch == " ":
            out.append("-")
        else:
            cat = unicodedata.category(ch)
            if cat.startswith("M"):  # combining marks stay, as on GitHub
                out.append(ch)
    return "".join(out)


_ABBREVIATIONS = {
    "e.g", "i.e", "eg", "ie", "vs", "cf", "mr", "mrs", "ms", "dr", "prof", "st", "no", "fig",
    "al", "approx", "sec", "ch", "vol", "resp", "incl", "esp", "viz", "jr", "sr", "inc", "ltd", "co",
}
# A candidate sentence end: terminal punctuation, optional closing quotes/brackets, then white space.
# (Only at the start of a run of terminal punctuation: trying every position inside a long run of
# `?!?!…` would make the scan quadratic.)
# (Written to start with the character set, the look-behind after it: the regex engine then skips to the
# next `.!?` with a fast scan instead of trying the look-behind at every position; same matches.)
_SENT_END = re.compile(r"[.!?](?<![.!?].)[.!?]*[\"'”’)\]]*(?=\s|$)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split plain prose into sentences; returns (start, end) offsets without surrounding white space.

    A deliberately simple, deterministic splitter (no NLP on the structural path): a sentence ends at
    ``.``, ``!`` or ``?`` (plus closing quotes/brackets) followed by white space and an upper-case
    letter, digit, quote or bracket, except after common abbreviations (e.g., i.e., vs.).
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _SENT_END.finditer(text):
        end = m.end()
        # what follows?
        j = end
        while j < n and text[j].isspace():
            j += 1
        if j < n:
            nxt = text[j]
            if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘([*_`#"):
                continue
        # abbreviation before the period?
        if text[m.start()] == ".":
            k = m.start()
            w = k
            while w > start and (text[w - 1].isalpha() or text[w - 1] == "."):
                w -= 1
            word = text[w:k].lower()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        s, e = _strip_span(text, start, end)
        if e > s:
            spans.append((s, e))
        start = end
    s, e = _strip_span(text, start, n)
    if e > s:
        spans.append((s, e))
    return spans


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def normalize_title(title: str) -> str:
    """Compare section titles loosely: case, white space, quotes and trailing punctuation."""
    t = title.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    t = re.sub(r"\s+", " ", t).strip().rstrip(":.").lower()
    return t


def closest(word: str, candidates, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """"Did you mean" suggestions. Memoised: a broken link is re-checked on every keystroke of its
    document, and difflib over a few hundred anchors costs milliseconds."""
    return list(_closest(word, tuple(sorted(candidates)), n, cutoff))


@functools.lru_cache(maxsize=4096)
def _closest(word: str, candidates: tuple[str, ...], n: int, cutoff: float) -> tuple[str, ...]:
    return tuple(difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff))
