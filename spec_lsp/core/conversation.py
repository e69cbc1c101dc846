"""Conversations inside `~~~xml` blocks: messages with roles, and labelled reference answers.

The Model Spec writes an example as a fenced ``xml`` block of ``<system>``/``<developer>``/``<user>``/
``<assistant>``/``<tool>`` messages; a ``<comparison>`` element holds alternative assistant answers,
each labelled by a comment after its opening tag: ``<assistant> <!-- GOOD: why -->`` (also ``BAD``,
``OK``).  Tags nested inside a message (``<settings>``, ``<untrusted>``…) are part of its content.

* ``parse_messages(lines, first_line)`` reads the lines between a block's fences;
* ``challenge_conversations(doc)`` gives each example of a challenge file with its messages (the
  block positions come from ``parse_challenge``);
* ``spec_examples(doc)`` finds the ``**Example**: title`` + ``~~~xml`` examples written in a spec
  document, cached per chunk text like the rest of the parse, so an edit rescans one chunk.

Pure functions of the text: no I/O, never raise.
"""

from __future__ import annotations

import itertools
import weakref

import re
from collections import OrderedDict
from dataclasses import dataclass

from .document import ChallengeDocument, SpecDocument
from .model import Position, Range

_OPEN = re.compile(r"^\s*<(?P<name>[A-Za-z_][\w.-]*)(?P<attrs>(?:\s[^<>]*?)?)\s*(?P<self>/?)>")
_LABEL = re.compile(r"^\s*<!--\s*(?P<label>GOOD|BAD|OK)\b\s*:?\s*(?P<note>.*?)\s*-->", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
_EXAMPLE = re.compile(r"^\s{0,3}\*\*Example\*\*\s*:?\s*(?P<title>.*?)\s*$")
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<mark>`{3,}|~{3,})\s*(?P<info>[^\s`]*)")

LABELS = ("good", "bad", "ok")


@dataclass(frozen=True, slots=True)
class Message:
    role: str
    content: str
    range: Range  # from the opening tag to the end of the closing tag
    label: str | None = None  # "good" | "bad" | "ok" from <!-- GOOD: note -->
    note: str = ""
    comparison: int | None = None  # index of the enclosing <comparison> in its block
    attrs: tuple[tuple[str, str], ...] = ()  # e.g. (("recipient", "browser"),)


@dataclass(frozen=True, slots=True)
class Conversation:
    title: str
    title_range: Range | None  # the `**Example**:` line
    block_range: Range  # the fenced block, fences included
    messages: tuple[Message, ...]
    comparisons: tuple[Range, ...]  # each <comparison> element (opening tag to closing tag)

    @property
    def prompt(self) -> tuple[Message, ...]:
        """The conversation a model is asked to continue: every message outside a comparison up to
        the last non-assistant one (a trailing assistant turn outside a comparison is an answer)."""
        outside = [m for m in self.messages if m.comparison is None]
        k = len(outside)
        while k and outside[k - 1].role == "assistant":
            k -= 1
        return tuple(outside[:k])

    @property
    def answers(self) -> tuple[Message, ...]:
        """Candidate answers: assistant messages in comparisons, and labelled trailing ones."""
        outside = [m for m in self.messages if m.comparison is None]
        k = len(outside)
        while k and outside[k - 1].role == "assistant":
            k -= 1
        trailing = [m for m in outside[k:] if m.label]
        return tuple([m for m in self.messages if m.comparison is not None and m.role == "assistant"] + trailing)


def parse_messages(lines: list[str], first_line: int, roles: tuple[str, ...] | frozenset[str] | set[str]) -> tuple[tuple[Message, ...], tuple[Range, ...]]:
    """Messages between a block's fences. `lines` are the inner lines; `first_line` the absolute
    line of lines[0].  An opening tag of a known role at the top level (or directly inside a
    <comparison>) starts a message, which runs to its closing tag."""
    roles = set(roles)
    messages: list[Message] = []
    comparisons: list[Range] = []
    comp_start: int | None = None
    comp_index = -1
    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        m = _OPEN.match(ln)
        stripped = ln.strip()
        if stripped.startswith("</comparison") and comp_start is not None:
            comparisons.append(Range(Position(first_line + comp_start, 0), Position(first_line + i, len(ln))))
            comp_start = None
            i += 1
            continue
        if m is None:
            i += 1
            continue
        name = m.group("name")
        if name == "comparison" and comp_start is None and not m.group("self"):
            comp_start = i
            comp_index += 1
            i += 1
            continue
        if name not in roles:
            i += 1
            continue
        attrs = tuple((k, v.strip("\"'")) for k, v in _ATTR.findall(m.group("attrs") or ""))
        rest = ln[m.end():]
        label, note = None, ""
        lm = _LABEL.match(rest)
        if lm:
            label, note = lm.group("label").lower(), lm.group("note")
            rest = rest[lm.end():]
        close = f"</{name}>"
        start = i
        body: list[str] = []
        if m.group("self"):
            end_line, end_col = i, len(ln)
        elif close in rest:
            body.append(rest[: rest.index(close)])
            end_line, end_col = i, ln.index(close, m.end()) + len(close)
        else:
            if rest.strip():
                body.append(rest)
            j = i + 1
            depth = 0
            end_line, end_col = None, 0
            while j < n:
                lj = lines[j]
                if re.match(rf"^\s*<{re.escape(name)}[\s>]", lj):
                    depth += 1
                if close in lj:
                    if depth == 0:
                        k = lj.index(close)
                        if lj[:k].strip():
                            body.append(lj[:k])
                        end_line, end_col = j, k + len(close)
                        break
                    depth -= 1
                body.append(lj)
                j += 1
            if end_line is None:  # never closed: runs to the end of the block (the parser reports it)
                end_line, end_col = n - 1, len(lines[-1]) if lines else 0
        content = "\n".join(body).strip("\n")
        messages.append(Message(name, _dedent(content), Range(Position(first_line + start, 0), Position(first_line + end_line, end_col)),
                                label, note, comp_index if comp_start is not None else None, attrs))
        i = end_line + 1
    if comp_start is not None:
        comparisons.append(Range(Position(first_line + comp_start, 0), Position(first_line + n - 1, len(lines[-1]) if lines else 0)))
    return tuple(messages), tuple(comparisons)


def _dedent(s: str) -> str:
    import textwrap

    return textwrap.dedent(s).strip()


def challenge_conversations(doc: ChallengeDocument, roles) -> tuple[Conversation, ...]:
    """Each example of a challenge file, with the messages of its block."""
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in doc.text.split("\n")]
    out = []
    for ex in doc.examples:
        if ex.block_range is None:
            msgs, comps = (), ()
            br = ex.range
        else:
            a, b = ex.block_range.start.line, ex.block_range.end.line
            closed = b > a and _FENCE.match(lines[b]) is not None and not lines[b].strip().strip("`~")
            inner = lines[a + 1 : b if closed else b + 1]
            msgs, comps = parse_messages(inner, a + 1, roles)
            br = ex.block_range
        out.append(Conversation(ex.title, ex.range, br, msgs, comps))
    return tuple(out)


# ---- examples written in a spec document -----------------------------------------------------------------

# per chunk text: (title lines, fenced xml blocks) with chunk-relative lines
_CHUNK_CACHE: "OrderedDict[tuple[str, tuple], tuple]" = OrderedDict()
_CHUNK_MAX = 20_000


def _scan_chunk(text: str, roles: tuple[str, ...]) -> tuple:
    key = (text, roles)
    got = _CHUNK_CACHE.get(key)
    if got is not None:
        _CHUNK_CACHE.move_to_end(key)
        return got
    lines = text.split("\n")
    items: list[tuple] = []  # ("title", line, title, len) | ("block", start, end, closed, messages, comparisons)
    fence: tuple[str, int, int, bool] | None = None  # (char, length, start line, is xml)
    for i, ln in enumerate(lines):
        if fence is not None:
            fm = _FENCE.match(ln)
            if fm and fm.group("mark")[0] == fence[0] and len(fm.group("mark")) >= fence[1] and not ln.strip().strip(fence[0]):
                if fence[3]:
                    msgs, comps = parse_messages(lines[fence[2] + 1 : i], fence[2] + 1, roles)
                    items.append(("block", fence[2], i, len(ln), msgs, comps))
                fence = None
            continue
        fm = _FENCE.match(ln)
        if fm and not (fm.group("mark")[0] == "`" and "`" in ln[fm.end("mark"):]):
            fence = (fm.group("mark")[0], len(fm.group("mark")), i, fm.group("info").lower() == "xml")
            continue
        em = _EXAMPLE.match(ln)
        if em:
            items.append(("title", i, em.group("title"), len(ln)))
    if fence is not None and fence[3]:  # unclosed: to the end of the chunk (SPEC140 reports it)
        msgs, comps = parse_messages(lines[fence[2] + 1 :], fence[2] + 1, roles)
        items.append(("block", fence[2], len(lines) - 1, len(lines[-1]), msgs, comps))
    got = tuple(items)
    _CHUNK_CACHE[key] = got
    if len(_CHUNK_CACHE) > _CHUNK_MAX:
        _CHUNK_CACHE.popitem(last=False)
    return got


def _shift(r: Range, d: int) -> Range:
    return Range(Position(r.start.line + d, r.start.character), Position(r.end.line + d, r.end.character))


_DOC_CACHE: "OrderedDict[int, tuple]" = OrderedDict()


_ABS_CACHE: "OrderedDict[tuple, tuple]" = OrderedDict()


def _abs_chunk(text: str, roles: tuple[str, ...], start: int) -> tuple:
    """A chunk's titles and conversations at absolute line `start` (memoised, like the parse's own
    absolute chunks: an edit that moves no lines reuses every other chunk's objects)."""
    key = (text, roles, start)
    got = _ABS_CACHE.get(key)
    if got is not None:
        _ABS_CACHE.move_to_end(key)
        return got
    out = []
    for it in _scan_chunk(text, roles):
        if it[0] == "title":
            out.append(("title", it[2], Range(Position(it[1] + start, 0), Position(it[1] + start, it[3]))))
            continue
        _, a, b, blen, msgs, comps = it
        out.append(("block", Conversation("", None, Range(Position(a + start, 0), Position(b + start, blen)),
                                          tuple(Message(m.role, m.content, _shift(m.range, start), m.label, m.note, m.comparison, m.attrs) for m in msgs),
                                          tuple(_shift(c, start) for c in comps))))
    got = tuple(out)
    _ABS_CACHE[key] = got
    if len(_ABS_CACHE) > _CHUNK_MAX:
        _ABS_CACHE.popitem(last=False)
    return got


def spec_examples(doc: SpecDocument, roles) -> tuple[Conversation, ...]:
    """The `~~~xml` conversation examples of a spec document, each with the nearest `**Example**:`
    title above it (since the previous block, in the same section); untitled blocks get ""."""
    roles = tuple(sorted(roles))
    key = id(doc)
    hit = _DOC_CACHE.get(key)
    if hit is not None and hit[0] is doc and hit[1] == roles:
        return hit[2]
    res = tuple(conv for conv, _here in _titled(doc, doc.chunks, roles))
    _DOC_CACHE[key] = (doc, roles, res)
    if len(_DOC_CACHE) > 64:
        _DOC_CACHE.popitem(last=False)
    return res


_BAD_CACHE: "dict[tuple[str, ...], OrderedDict[str, tuple]]" = {}  # roles -> chunk text -> findings


def _bad_in_chunk(text: str, roles: tuple[str, ...]) -> tuple:
    """(block start line, comparison range, answer labels) of each comparison without a GOOD answer in
    a chunk (chunk-relative lines), cached by chunk text: on a keystroke every other chunk is one lookup."""
    cache = _BAD_CACHE.setdefault(roles, OrderedDict())
    got = cache.get(text)
    if got is not None:
        return got
    out = []
    if "~~~" in text or "```" in text:
        for it in _scan_chunk(text, roles):
            if it[0] != "block":
                continue
            _, a, _b, _blen, msgs, comps = it
            for k, crng in enumerate(comps):
                labels = tuple(m.label for m in msgs if m.comparison == k and m.role == "assistant")
                if "good" not in labels:
                    out.append((a, crng, labels))
    got = tuple(out)
    cache[text] = got
    if len(cache) > _CHUNK_MAX:
        cache.popitem(last=False)
    return got


def _title_above(doc: SpecDocument, chunk_index: int, line: int, roles: tuple[str, ...]) -> str:
    """The `**Example**:` title that belongs to the block starting at absolute `line` (rare path)."""
    here = doc.section_at(line)
    for j in range(chunk_index, -1, -1):
        ch = doc.chunks[j]
        if ch.kind != "markdown":
            continue
        for it in reversed(_scan_chunk(ch.text, roles)):
            ln = it[1] + ch.start
            if ln >= line:
                continue
            if it[0] == "block":
                return ""  # the previous block came first: untitled
            return it[2] if doc.section_at(ln) == here else ""
    return ""


def comparisons_without_good(doc: SpecDocument, roles) -> list[tuple[str, Range, tuple[str | None, ...]]]:
    """(example title, range of the <comparison> element, labels of its answers) for each comparison
    with no GOOD answer. The keystroke path: one cache lookup per chunk, no conversation objects."""
    roles = tuple(sorted(roles))
    cache = _BAD_CACHE.get(roles) or {}
    out = []
    for j, ch in enumerate(doc.chunks):
        bad = cache.get(ch.text)
        if bad is None:
            if ch.kind != "markdown":
                continue
            bad = _bad_in_chunk(ch.text, roles)
            cache = _BAD_CACHE[roles]
        for a, crng, labels in bad:
            out.append((_title_above(doc, j, a + ch.start, roles), _shift(crng, ch.start), labels))
    return out


_SECTION_EXAMPLES: "weakref.WeakKeyDictionary[SpecDocument, dict]" = weakref.WeakKeyDictionary()


def section_examples(doc: SpecDocument, section: int | None, roles) -> tuple[Conversation, ...]:
    """The examples whose innermost section is `section` (a clause's own section). Scans only the
    chunks inside that section's lines, once per document version and section (memoised on the immutable
    document: a section holding thousands of clauses is scanned once, not once per clause)."""
    roles = tuple(sorted(roles))
    memo = _SECTION_EXAMPLES.get(doc)
    if memo is None:
        memo = {}
        _SECTION_EXAMPLES[doc] = memo
    key = (section, roles)
    got = memo.get(key)
    if got is None:
        got = memo[key] = _section_examples(doc, section, roles)
    return got


def _section_examples(doc: SpecDocument, section: int | None, roles: tuple) -> tuple[Conversation, ...]:
    import bisect

    if section is None:
        lo, hi = 0, (doc.sections[0].line if doc.sections else doc.line_count)
    else:
        lo, hi = doc.sections[section].line, doc.sections[section].end_line
    starts = [c.start for c in doc.chunks]
    i = max(0, bisect.bisect_right(starts, lo) - 1)
    chunks = itertools.takewhile(lambda ch: ch.start < hi, doc.chunks[i:])
    return tuple(conv for conv, here in _titled(doc, chunks, roles) if here == section)


def _titled(doc: SpecDocument, chunks, roles: tuple):
    """(conversation, its section) for the `~~~xml` examples in `chunks`, each with the nearest
    `**Example**:` title above it when that title is in the same section."""
    pending: tuple[str, Range] | None = None
    for ch in chunks:
        if ch.kind != "markdown" or ("~~~" not in ch.text and "```" not in ch.text and "**Example**" not in ch.text):
            continue
        for it in _abs_chunk(ch.text, roles, ch.start):
            if it[0] == "title":
                pending = (it[1], it[2])
                continue
            conv = it[1]
            here = doc.section_at(conv.block_range.start.line)
            if pending is not None and doc.section_at(pending[1].start.line) == here:
                conv = Conversation(pending[0], pending[1], conv.block_range, conv.messages, conv.comparisons)
            pending = None
            yield conv, here


__all__ = ["Message", "Conversation", "parse_messages", "challenge_conversations", "spec_examples", "section_examples",
           "comparisons_without_good", "LABELS"]
