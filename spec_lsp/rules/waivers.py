"""SPEC010 waiver-without-reason and SPEC011 unknown-waiver-code, and the waivers themselves:
`<!-- spec-lsp: allow CODE -- reason -->` marks the findings it covers as waived."""

from __future__ import annotations

import re

from ..core.document import ChallengeDocument, SpecDocument
from ..core.model import Finding
from .base import W, declare, make

RULES = (
    declare("SPEC010", "waiver-without-reason", W, "A `spec-lsp: allow` waiver must say why (`-- reason`)."),
    declare("SPEC011", "unknown-waiver-code", W, "A waiver names a rule code or name that does not exist."),
)


def apply_waivers(doc: SpecDocument | ChallengeDocument, findings: list[Finding]) -> list[Finding]:
    """Mark findings silenced by `<!-- spec-lsp: allow CODE -- reason -->` and report bad waivers."""
    if not isinstance(doc, SpecDocument) or not doc.waivers:
        return findings
    from dataclasses import replace

    from ..core.rules import find_rule

    extra: list[Finding] = []
    targets: list[tuple[int, int, set[str], str]] = []
    ix = _SpanIndex(doc)
    for w in doc.waivers:
        codes: set[str] = set()
        for c in w.codes:
            r = find_rule(c)
            if r is None:
                extra.append(make("SPEC011", doc.path, w.range, f"“{c}” is not a spec-lsp rule code or name; this waiver silences nothing.", c))
            else:
                codes.add(r.code)
        if not w.reason or _PLACEHOLDER_REASON.match(w.reason):
            what = "gives no reason" if not w.reason else f"has a placeholder for a reason (“{w.reason}”)"
            extra.append(make("SPEC010", doc.path, w.range,
                              f"This waiver {what}; write why the rule does not apply: `<!-- spec-lsp: allow "
                              + (" ".join(w.codes) or "CODE") + " -- reason -->`.", " ".join(w.codes)))
        lo, hi = _waiver_span(doc, w.first_line, w.line, ix)
        targets.append((lo, hi, codes, w.reason))
    # (code, line) -> the reason of the first waiver covering it: one lookup per finding, not a scan
    # of every waiver per finding
    covered: dict[tuple[str, int], str] = {}
    for lo, hi, codes, why in targets:
        for code in codes:
            for line in range(lo, hi + 1):
                covered.setdefault((code, line), why or "(no reason given)")
    out = []
    for f in findings:
        reason = covered.get((f.code, f.range.start.line)) if covered else None
        out.append(replace(f, waived=reason) if reason is not None else f)
    return out + extra


_PLACEHOLDER_REASON = re.compile(r"\s*(?:TODO|TBD|FIXME|XXX)\b", re.IGNORECASE)


class _SpanIndex:
    """Per-document lookups for waiver spans, built once per `apply_waivers` call (not once per
    waiver: 5,000 waivers over 5,000 clauses must not be 25 million steps, nor 5,000 text splits)."""

    def __init__(self, doc: SpecDocument) -> None:
        import bisect
        from itertools import accumulate

        self.bisect = bisect
        self.lines = doc.text.split("\n")
        self.blocks = doc.blocks
        ends = [b.line + len(b.raw.cstarts) - 1 for b in doc.blocks]
        self.block_max_end = list(accumulate(ends, max))
        self.block_ends = ends
        sr = sorted((c.sentence_range for c in doc.clauses), key=lambda r: (r.start.line, r.start.character))
        self.sent = sr
        self.sent_start_lines = [r.start.line for r in sr]
        self.sent_max_end = list(accumulate((r.end.line for r in sr), max))
        self.starting: dict[int, list[Range]] = {}
        for c in doc.clauses:
            self.starting.setdefault(c.sentence_range.start.line, []).append(c.sentence_range)

    def sentence_lines(self, lo: int, hi: int) -> tuple[int, int]:
        """Widen a line span to the whole clause sentences that touch it (a sentence may wrap)."""
        lo0, hi0 = lo, hi
        k = self.bisect.bisect_left(self.sent_max_end, lo0)  # before k, every sentence ends above lo0
        while k < len(self.sent) and self.sent_start_lines[k] <= hi0:
            r = self.sent[k]
            if r.end.line >= lo0:
                lo, hi = min(lo, r.start.line), max(hi, r.end.line)
            k += 1
        return lo, hi


def _waiver_span(doc: SpecDocument, first: int, last: int, ix: "_SpanIndex | None" = None) -> tuple[int, int]:
    """The lines a waiver covers: the clause it sits on or directly above, not the whole paragraph.

    * Inside a block (at the end of a clause's line, or alone on a line within a list item): the
      sentences on its lines, or on the line below when it stands alone.
    * A block of its own, directly above a block: the first clause sentence of that block (with
      the lines it wraps over), or the whole block when it carries no clause (prose, a list).
    """
    ix = ix or _SpanIndex(doc)
    k = ix.bisect.bisect_left(ix.block_max_end, first)  # blocks before k end above `first`
    while k < len(ix.blocks) and ix.blocks[k].line <= last + 1:
        b = ix.blocks[k]
        b_end = ix.block_ends[k]
        if b.line <= first <= b_end:
            lo, hi = first, last
            if first == last and _alone_on_line(ix.lines[first] if first < len(ix.lines) else ""):
                lo = hi = min(last + 1, b_end)
            sl = ix.sentence_lines(lo, hi)
            return min(first, sl[0]), sl[1]
        if b.line == last + 1:
            starting = ix.starting.get(b.line, ())
            if starting:
                return b.line, max(b.line, min(starting, key=lambda r: r.start.character).end.line)
            return b.line, b_end
        k += 1
    return first, last + 1


def _sentence_lines(doc: SpecDocument, lo: int, hi: int) -> tuple[int, int]:
    """Widen a line span to the whole clause sentences that touch it (a sentence may wrap)."""
    return _SpanIndex(doc).sentence_lines(lo, hi)


def _alone_on_line(line: str) -> bool:
    t = line.strip()
    for prefix in ("- ", "* ", "+ ", "> "):
        if t.startswith(prefix):
            t = t[len(prefix):].strip()
    return t.startswith("<!--") and t.endswith("-->")
