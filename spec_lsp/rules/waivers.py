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
        lo, hi = _waiver_span(doc, w.first_line, w.line)
        targets.append((lo, hi, codes, w.reason))
    out = []
    for f in findings:
        line = f.range.start.line
        reason = None
        for lo, hi, codes, why in targets:
            if lo <= line <= hi and f.code in codes:
                reason = why or "(no reason given)"
                break
        out.append(replace(f, waived=reason) if reason is not None else f)
    return out + extra


_PLACEHOLDER_REASON = re.compile(r"\s*(?:TODO|TBD|FIXME|XXX)\b", re.IGNORECASE)


def _waiver_span(doc: SpecDocument, first: int, last: int) -> tuple[int, int]:
    """The lines a waiver covers: the clause it sits on or directly above, not the whole paragraph.

    * Inside a block (at the end of a clause's line, or alone on a line within a list item): the
      sentences on its lines, or on the line below when it stands alone.
    * A block of its own, directly above a block: the first clause sentence of that block (with
      the lines it wraps over), or the whole block when it carries no clause (prose, a list).
    """
    for b in doc.blocks:
        b_end = b.line + len(b.raw.cstarts) - 1
        if b.line <= first <= b_end:
            lo, hi = first, last
            lines = doc.text.split("\n")
            if first == last and _alone_on_line(lines[first] if first < len(lines) else ""):
                lo = hi = min(last + 1, b_end)
            return min(first, _sentence_lines(doc, lo, hi)[0]), _sentence_lines(doc, lo, hi)[1]
        if b.line == last + 1:
            starting = [c.sentence_range for c in doc.clauses if c.sentence_range.start.line == b.line]
            if starting:
                return b.line, max(b.line, min(starting, key=lambda r: r.start.character).end.line)
            return b.line, b_end
    return first, last + 1


def _sentence_lines(doc: SpecDocument, lo: int, hi: int) -> tuple[int, int]:
    """Widen a line span to the whole clause sentences that touch it (a sentence may wrap)."""
    lo0, hi0 = lo, hi
    for c in doc.clauses:
        r = c.sentence_range
        if r.start.line <= hi0 and r.end.line >= lo0:
            lo, hi = min(lo, r.start.line), max(hi, r.end.line)
    return lo, hi


def _alone_on_line(line: str) -> bool:
    t = line.strip()
    for prefix in ("- ", "* ", "+ ", "> "):
        if t.startswith(prefix):
            t = t[len(prefix):].strip()
    return t.startswith("<!--") and t.endswith("-->")
