"""The incremental spec parser: `parse_spec(path, text, config, previous)` never fails and reuses
`previous`'s chunk results when their text (and line offset) is unchanged.  All positions are absolute
(line, code point).

The types it produces live in `doc_types.py`, the challenge-file parser in `challenge.py`; both are
re-exported here, so `from .document import Clause, parse_challenge` keeps working.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter

from .config import Config
from .markdown import ChunkResult, parse_chunk, split_chunks
from .model import Position, Range
from .text import github_slug, split_sentences

from .doc_types import AbsBlock, Clause, Link, Mention, Problem, Section, SpecDocument, Waiver  # noqa: F401
from .challenge import ChallengeDocument, ChallengeHeader, Example, parse_challenge  # noqa: F401


@dataclass(frozen=True, slots=True)
class ChunkAbs:
    """One chunk's structure at an absolute line offset (memoised by chunk text and offset)."""

    headings: tuple
    clauses: tuple[Clause, ...]  # block indices relative to this chunk
    links: tuple[Link, ...]
    mentions: tuple[Mention, ...]
    waivers: tuple[Waiver, ...]
    html_anchors: tuple[tuple[str, Range], ...]
    blocks: tuple[AbsBlock, ...]
    footnote_defs: tuple[str, ...]
    rfc2119: bool
    front_matter: tuple[tuple[str, str, int], ...]
    offset: int
    bb: int
    n_blocks: int
    problems: tuple[tuple[int, str], ...] = ()


_ABS_CACHE: "OrderedDict[tuple, ChunkAbs]" = OrderedDict()
_ABS_MAX = 20_000
_ABS_CHARS_MAX = 2_000_000  # bounded by the text it stands for too (see markdown._CACHE_CHARS_MAX)
_abs_chars = [0]


def release_parse_caches() -> None:
    """Forget the chunk parse memos (markdown's and the absolute-position one).  They make a re-parse after a
    keystroke cheap in the server; a one-shot `check` never re-parses, and dropping them before the language
    pass lowers its peak memory (the documents keep what they use)."""
    from . import markdown as _md

    _md._CACHE.clear()
    _md._cache_chars[0] = 0
    _ABS_CACHE.clear()
    _abs_chars[0] = 0


def _abs(chunk_text: str, kind: str, offset: int, bb: int, res: ChunkResult, pat_key: tuple) -> ChunkAbs:
    """Absolute positions (line `offset`) and document-wide block indices (`bb` blocks before it)."""
    key = (chunk_text, kind, offset, bb, pat_key)
    got = _ABS_CACHE.get(key)
    if got is not None:
        _ABS_CACHE.move_to_end(key)
        return got
    sh = offset
    blocks = tuple(AbsBlock(b, b.line + sh) for b in res.blocks)
    clauses = []
    sentences: dict[int, list[tuple[int, int]]] = {}  # block -> its sentences, split once (not once per tag)
    for t in res.tags:
        b = blocks[t.block]
        spans = sentences.get(t.block)
        if spans is None:
            spans = sentences[t.block] = split_sentences(b.plain)
        s0, s1 = _sentence_around(b.plain, t.plain_offset, spans)
        clauses.append(Clause(t.id, "tag", t.range.shifted(sh), t.tag_range.shifted(sh), b.plain[s0:s1], b.range(s0, s1), t.block + bb, b.context))
    for d in res.id_defs:
        b = blocks[d.block]
        plain = b.plain
        # the requirement statement: the paragraph after "ID:"
        m = re.match(r"\s*\S*?" + re.escape(d.id) + r"\S*?\s*(?:[:.]|[-–—])?\s*", plain)
        s0 = m.end() if m else 0
        s1 = len(plain.rstrip())
        clauses.append(Clause(d.id, "id", d.range.shifted(sh), d.range.shifted(sh), plain[s0:s1], b.range(s0, s1), d.block + bb, b.context))
    links = []
    for lk in res.links:
        target = lk.target
        path, hash_, frag = target.partition("#")
        anchor_range = None
        if hash_:
            tr = lk.target_range.shifted(sh)
            # the fragment sits at the end of the target, on one line
            anchor_range = Range(Position(tr.end.line, tr.end.character - len(frag)), tr.end)
        links.append(Link(lk.text, target, path, frag if hash_ else None, lk.range.shifted(sh), lk.target_range.shifted(sh), anchor_range, lk.block + bb))
    got = ChunkAbs(
        headings=tuple(
            (h, h.line + sh, h.title_range.shifted(sh), tuple((k, v, r.shifted(sh)) for k, v, r in h.attrs),
             h.attr_block.shifted(sh) if h.attr_block else None)
            for h in res.headings
        ),
        clauses=tuple(clauses),
        links=tuple(links),
        mentions=tuple(Mention(m.id, m.range.shifted(sh), m.block + bb) for m in res.mentions),
        waivers=tuple(Waiver(w.first_line + sh, w.line + sh, w.codes, w.reason, w.range.shifted(sh)) for w in res.waivers),
        html_anchors=tuple((a, r.shifted(sh)) for a, r in res.html_anchors),
        blocks=blocks,
        footnote_defs=res.footnote_defs,
        rfc2119=res.rfc2119,
        front_matter=tuple((k, v, ln + sh) for k, v, ln in res.front_matter),
        offset=offset,
        bb=bb,
        n_blocks=len(res.blocks),
        problems=tuple((ln + sh, k) for ln, k in res.problems),
    )
    _ABS_CACHE[key] = got
    _abs_chars[0] += len(chunk_text)
    while len(_ABS_CACHE) > 1 and (len(_ABS_CACHE) > _ABS_MAX or _abs_chars[0] > _ABS_CHARS_MAX):
        (old_text, *_), _v = _ABS_CACHE.popitem(last=False)
        _abs_chars[0] -= len(old_text)
    return got


def _sentence_around(plain: str, off: int, spans: list[tuple[int, int]] | None = None) -> tuple[int, int]:
    """The sentence of `plain` holding offset `off` (`spans`: its sentences, when already split).
    A binary search: sentences are sorted and disjoint."""
    if spans is None:
        spans = split_sentences(plain)
    if not spans:
        return (0, len(plain))
    k = bisect.bisect_right(spans, (off, float("inf"))) - 1  # the last sentence starting at or before off
    if k >= 0 and off <= spans[k][1]:
        return spans[k]
    # a tag after the last sentence's end or before the first: nearest sentence before it, else the first
    return spans[k] if k >= 0 else spans[0]


@dataclass(frozen=True, slots=True)
class Chunk:
    text: str
    kind: str
    start: int
    n_lines: int
    problems: tuple[tuple[int, str], ...]  # (line relative to the chunk, kind)


def _chunks_from(lines: list[str], spans, problems, base: int) -> list[Chunk]:
    out = []
    for sp in spans:
        if sp.end <= sp.start and out:
            continue
        probs = tuple((ln - sp.start, k) for ln, k in problems if sp.start <= ln < max(sp.end, sp.start + 1)) if problems else ()
        out.append(Chunk("\n".join(lines[sp.start - base : sp.end - base]), sp.kind, sp.start, sp.end - sp.start, probs))
    return out


_ATX_LINE = re.compile(r"#{1,6}(?:[ \t\n]|$)")


def _full_chunks(text: str) -> list[Chunk]:
    lines = text.split("\n")
    spans, problems, _ = split_chunks(lines)
    return _chunks_from(lines, spans, problems, 0)


_BLOCK = 4096


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix of two strings, compared a block at a time at memcmp speed."""
    n = min(len(a), len(b))
    p = 0
    while p + _BLOCK <= n and a.startswith(b[p:p + _BLOCK], p):
        p += _BLOCK
    lo, hi = p, min(p + _BLOCK, n)  # a[:lo] == b[:lo]; binary search for the first difference
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a.startswith(b[lo:mid], lo):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the common suffix of two strings, at most ``limit`` (so it cannot overlap the prefix)."""
    la, lb = len(a), len(b)
    p = 0
    while p + _BLOCK <= limit and a.endswith(b[lb - p - _BLOCK:lb - p], 0, la - p):
        p += _BLOCK
    lo, hi = p, min(p + _BLOCK, limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a.endswith(b[lb - mid:lb - lo], 0, la - lo):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _rechunk(text: str, prev: "SpecDocument"):
    """Re-split only the region an edit touched.

    Returns ``(chunks, i, m, j, delta)``: the new chunk list is ``prev.chunks[:i]`` + ``m`` new chunks
    + ``prev.chunks[j:]`` (shifted by ``delta`` lines), or None when nothing can be reused.
    The unchanged prefix and suffix are found by binary search over chunk offsets, comparing
    against the previous text at memcmp speed.
    """
    old = prev.chunks
    old_text = prev.text
    n_old = len(old)
    if not n_old or "\r" in old_text:
        return None
    if text == old_text:
        return list(old), n_old, 0, n_old, 0
    offs = prev.offsets
    same_head = _common_prefix(text, old_text)
    same_tail = _common_suffix(text, old_text, min(len(text), len(old_text)) - same_head)

    def prefix_ok(k: int) -> bool:  # chunks[0..k] unchanged and still followed by a newline
        end = offs[k] + len(old[k].text)
        return k < n_old - 1 and end < same_head and text[end] == "\n"

    lo, hi = 0, n_old  # number of leading chunks that match
    while lo < hi:
        mid = (lo + hi) // 2
        if prefix_ok(mid):
            lo = mid + 1
        else:
            hi = mid
    i = lo
    # the last matched chunk may have to grow (its follower's heading may be gone): rescan it too
    if i > 0:
        i -= 1
    mid_start = offs[i] if i < n_old else len(text)
    mid_line = old[i].start if i < n_old else 0

    def suffix_ok(k: int) -> bool:  # chunks[k..] unchanged at the end of the new text
        n_tail = len(old_text) - offs[k]
        s = len(text) - n_tail
        return s > mid_start and n_tail <= same_tail and text[s - 1] == "\n"

    lo, hi = i + 1, n_old  # smallest k > i whose suffix matches (n_old: none)
    while lo < hi:
        mid = (lo + hi) // 2
        if suffix_ok(mid):
            hi = mid
        else:
            lo = mid + 1
    j = lo
    epos = len(text) - (len(old_text) - offs[j]) - 1 if j < n_old else len(text)
    middle = text[mid_start:epos].split("\n") if epos >= mid_start else []
    spans, problems, (top, blank) = split_chunks(middle, base=mid_line, allow_front_matter=(mid_line == 0))
    # a `---` first line whose closer is not in the middle: front matter may run on into the old chunks
    # (to a `---` thematic break far below), as a whole split would read it
    open_front = mid_line == 0 and bool(middle) and middle[0].rstrip() == "---" and not (spans and spans[0].kind == "front-matter")
    if j < n_old and (open_front or not (top and (blank or _ATX_LINE.match(old[j].text)))):
        middle = text[mid_start:].split("\n")
        spans, problems, _ = split_chunks(middle, base=mid_line, allow_front_matter=(mid_line == 0))
        j = n_old
    new_mid = [c for c in _chunks_from(middle, spans, problems, mid_line) if c.n_lines > 0 or not middle]
    out = list(old[:i]) + new_mid
    delta = 0
    if j < n_old:
        delta = mid_line + len(middle) - old[j].start
        if delta == 0:
            out.extend(old[j:])
        else:
            out.extend(Chunk(c.text, c.kind, c.start + delta, c.n_lines, c.problems) for c in old[j:])
    return out, i, len(new_mid), j, delta


def parse_spec(path: str, text: str, config: Config, previous: "SpecDocument | None" = None) -> "SpecDocument":
    norm = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    pats = config.compiled_id_patterns()
    bold = config.id_bold_lead
    nocode = config.no_indented_code
    pat_key = config.id_patterns + (("\x00bold-lead",) if bold else ()) + (("\x00no-indented-code",) if nocode else ())
    plan = None
    if previous is not None and previous.pat_key == pat_key and norm is text:
        plan = _rechunk(norm, previous)
    parts: list[ChunkAbs] = []
    bb = 0

    def fresh(ch: Chunk) -> ChunkAbs:
        return _abs(ch.text, ch.kind, ch.start, bb, parse_chunk(ch.text, ch.kind, pats, bold, nocode), pat_key)

    if plan is None:
        chunks = _full_chunks(norm)
        for ch in chunks:
            p = fresh(ch)
            parts.append(p)
            bb += p.n_blocks
        offsets = _offsets(chunks)
    else:
        chunks, i, m, j, delta = plan
        parts.extend(previous.parts[:i])
        if i:
            bb = parts[-1].bb + parts[-1].n_blocks
        for ch in chunks[i : i + m]:
            p = fresh(ch)
            parts.append(p)
            bb += p.n_blocks
        old_parts = previous.parts
        if j < len(old_parts):
            if delta == 0 and old_parts[j].bb == bb:
                parts.extend(old_parts[j:])
            else:
                for ch in chunks[i + m :]:
                    p = fresh(ch)
                    parts.append(p)
                    bb += p.n_blocks
        # character offsets: prefix as before, middle recomputed, suffix shifted
        offsets = _offsets(chunks[: i + m])
        if j < len(old_parts):
            shift = (offsets[-1] + len(chunks[i + m - 1].text) + 1 if i + m else 0) - previous.offsets[j]
            offsets = offsets + (previous.offsets[j:] if shift == 0 else tuple(o + shift for o in previous.offsets[j:]))
    n_lines = chunks[-1].start + chunks[-1].n_lines if chunks else 1
    return _assemble(path, text, tuple(chunks), tuple(parts), n_lines, pat_key, offsets,
                     previous if previous is not None and previous.line_count == n_lines else None,
                     previous.groups if previous is not None else ())


def _offsets(chunks) -> tuple[int, ...]:
    out = []
    pos = 0
    for c in chunks:
        out.append(pos)
        pos += len(c.text) + 1
    return tuple(out)


_FIELDS = ("blocks", "clauses", "links", "mentions", "waivers", "html_anchors", "headings", "footnote_defs",
           "front_matter", "problems")
_GROUP = 32


def _grouped(parts: tuple[ChunkAbs, ...], prev_groups: tuple) -> tuple:
    """Concatenate each field over groups of `_GROUP` consecutive parts, reusing a previous group
    whose parts are the very same objects: an edit inside one chunk re-concatenates one group."""
    out = []
    for k, g0 in enumerate(range(0, len(parts), _GROUP)):
        grp = parts[g0 : g0 + _GROUP]
        if k < len(prev_groups):
            pg, vals = prev_groups[k]
            if len(pg) == len(grp) and all(map(operator.is_, pg, grp)):
                out.append((pg, vals))
                continue
        out.append((grp, tuple(tuple(chain.from_iterable(map(attrgetter(f), grp))) for f in _FIELDS)))
    return tuple(out)


def _assemble(path, text, chunks: tuple[Chunk, ...], parts: tuple[ChunkAbs, ...], n_lines: int, pat_key, offsets,
              prev: "SpecDocument | None" = None, prev_groups: tuple = ()) -> "SpecDocument":
    groups = _grouped(parts, prev_groups)

    def cat(name: str) -> tuple:
        fi = _FIELDS.index(name)
        return tuple(chain.from_iterable(g[1][fi] for g in groups))

    blocks = cat("blocks")
    clauses = cat("clauses")
    links = cat("links")
    mentions = cat("mentions")
    waivers = cat("waivers")
    html_anchors = cat("html_anchors")
    headings = cat("headings")
    footnote_defs = set(cat("footnote_defs"))
    front_matter = cat("front_matter")
    rfc = any(map(attrgetter("rfc2119"), parts))
    if prev is not None and prev.heading_entries == headings and prev.html_anchor_entries == html_anchors:
        sections, anchors = prev.sections, prev.anchors  # headings unchanged: same sections
    else:
        sections, anchors = _sections(headings, html_anchors, n_lines)
    if footnote_defs:
        real_clauses = tuple(c for c in clauses if not (c.kind == "tag" and c.id in footnote_defs))
        footnotes = tuple(c for c in clauses if c.kind == "tag" and c.id in footnote_defs)
    else:
        real_clauses, footnotes = tuple(clauses), ()
    problems = []
    starts = [c.start for c in chunks]
    for line, kind in cat("problems"):
        ci = max(0, bisect.bisect_right(starts, line) - 1)  # chunks are in line order: binary search
        ch = chunks[ci]
        if kind == "unclosed-fence" and ch is not chunks[-1]:
            kind = "unclosed-fence-in-container"  # the next chunk starts outside it: a container closed it
        ln = _nth_line(ch.text, line - ch.start)
        detail = ""
        if kind.startswith("id-pattern-timeout:"):
            kind, detail = "id-pattern-timeout", kind.partition(":")[2]
        problems.append(Problem(kind, Range(Position(line, 0), Position(line, len(ln))), detail))
    return SpecDocument(
        path=path, text=text, chunks=chunks, parts=parts, offsets=offsets, pat_key=pat_key, sections=sections, clauses=real_clauses,
        footnote_refs=footnotes, links=tuple(links), mentions=tuple(mentions), waivers=tuple(waivers),
        blocks=tuple(blocks), anchors=anchors, problems=tuple(problems), front_matter=tuple(front_matter),
        rfc2119=rfc, line_count=n_lines, heading_entries=headings, html_anchor_entries=html_anchors, groups=groups,
    )


def _nth_line(text: str, k: int) -> str:
    """Line k of text without splitting all of it."""
    p = 0
    for _ in range(k):
        p = text.find("\n", p) + 1
        if p == 0:
            return ""
    q = text.find("\n", p)
    return text[p:] if q < 0 else text[p:q]


def _sections(headings, html_anchors, n_lines):
    # section extents: a section runs to the next heading of the same or a higher level
    ends = [n_lines] * len(headings)
    open_: list[int] = []
    for i, hd in enumerate(headings):
        while open_ and headings[open_[-1]][0].level >= hd[0].level:
            ends[open_.pop()] = hd[1]
        open_.append(i)
    sections: list[Section] = []
    seen_slugs: dict[str, int] = {}
    stack: list[int] = []
    for i, (h, line, title_range, h_attrs, attr_block) in enumerate(headings):
        explicit = None
        anchor_range = None
        attrs = []
        for k, v, r in h_attrs:
            if k == "#":
                if explicit is None:
                    explicit, anchor_range = v, r
            elif k != ".":
                attrs.append((k, v, r))
        if explicit is not None:
            anchor = explicit
        else:
            slug = github_slug(h.title)
            cnt = seen_slugs.get(slug, 0)
            seen_slugs[slug] = cnt + 1
            anchor = slug if cnt == 0 else f"{slug}-{cnt}"
        while stack and sections[stack[-1]].level >= h.level:
            stack.pop()
        parent = stack[-1] if stack else None
        own_auth = next((v for k, v, _ in attrs if k == "authority"), None)
        auth = own_auth if own_auth is not None else (sections[parent].authority if parent is not None else None)
        sections.append(
            Section(anchor, h.title, h.level, line, title_range, anchor_range, tuple(attrs),
                    attr_block, explicit is not None, ends[i], parent, auth, own_auth)
        )
        stack.append(i)
    anchors: list[tuple[str, Range, int | None]] = []
    for i, s in enumerate(sections):
        anchors.append((s.anchor, s.anchor_range or s.title_range, i))
    for a, r in html_anchors:
        anchors.append((a, r, None))
    return tuple(sections), tuple(anchors)


Document = SpecDocument | ChallengeDocument
_ = field  # keep import for dataclass users
