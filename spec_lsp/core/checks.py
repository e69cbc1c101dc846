"""Structural findings of one document, given read access to the workspace index.

Each check is a pure function of the document and the index; the index decides which documents
to re-check after an edit (see workspace.py).
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, Iterable
from urllib.parse import unquote

from .config import attribute_aliases
from .document import ChallengeDocument, Clause, Link, SpecDocument
from .eval_checks import check_challenge_examples, check_spec_examples, missing_challenge_finding
from .model import Finding, Fix, Position, Range, Related, Severity
from .rules import find_rule, rule
from .text import closest, normalize_title
from ..formats.base import fix_for

if TYPE_CHECKING:  # pragma: no cover
    from .workspace import Workspace

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
MARKDOWN_EXT = (".md", ".markdown", ".mdx")


def code_evidence(ws, path, clause):
    from ..trace.resolve import code_evidence as _ce

    return _ce(ws, path, clause)


def make(code: str, path: str, rng: Range, message: str, subject: str = "", related: Iterable[Related] = (),
         fixes: Iterable[Fix] = (), severity: Severity | None = None) -> Finding:
    r = rule(code)
    return Finding(path, rng, r.code, r.name, r.category, severity or r.severity, message, subject, tuple(related), tuple(fixes))


def resolve_link(doc_path: str, link: Link) -> tuple[str | None, str | None, bool]:
    """(target path or None for same-document, anchor, checkable).  External URLs are not checkable."""
    target = link.target.strip()
    if not target or _SCHEME.match(target):
        return None, None, False
    path = unquote(link.path.split("?", 1)[0])
    if not path:
        return None, link.anchor, True
    if path.startswith("/"):
        norm = posixpath.normpath(path.lstrip("/"))
    else:
        norm = posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), path))
    if norm.startswith("../") or norm == "..":
        return norm, link.anchor, False  # outside the workspace: cannot be checked
    return norm, link.anchor, True


def challenge_template_text(clause_id: str, section_title: str) -> str:
    return (
        f"Examples for [^{clause_id}] in {section_title}:\n\n"
        f"**Example**: <short title of the challenging prompt>\n\n"
        f"~~~xml\n<user>\n<a prompt that tests this clause>\n</user>\n~~~\n"
    )


def check_spec(doc: SpecDocument, ws: "Workspace") -> list[Finding]:
    out: list[Finding] = []
    path = doc.path
    cfg = ws.config
    fmt = ws.format_of(path)
    scope = fmt.scope(path)
    # -- sections: duplicate anchors, attribute values
    for anchor, entries in doc.anchor_map.items():
        if len(entries) > 1:
            for k, (rng, _si) in enumerate(entries):
                others = [Related(path, r2, f"“{anchor}” is also defined here") for j, (r2, _) in enumerate(entries) if j != k]
                out.append(make("SPEC111", path, rng,
                                f"Anchor “{anchor}” is defined {len(entries)} times in this document; links to it are ambiguous. "
                                f"Give each section a unique `{{#anchor}}`.", anchor, others))
    for s in doc.sections:
        for key, value, rng in s.attrs:
            allowed = cfg.attributes.get(key)
            if fmt.attributes is not None and key in fmt.attributes:
                allowed = fmt.attributes[key]
            if allowed is not None and value not in allowed and attribute_aliases(fmt, cfg, key).get(value) in allowed:
                current = attribute_aliases(fmt, cfg, key)[value]
                out.append(make("SPEC150", path, rng,
                                f"`{key}={value}` is the historical name of `{key}={current}`; it is read as “{current}”. "
                                f"Write `{current}` to match the current {fmt.title.split(':')[0]}.", s.anchor, (),
                                [Fix(f"Change to “{current}”", "replace", current, rng)]))
                continue
            if allowed is not None and value not in allowed:
                sugg = closest(value, allowed)
                fixes = [Fix(f"Change to “{sugg[0]}”", "replace", sugg[0], rng)] if sugg else []
                out.append(make("SPEC130", path, rng,
                                f"`{key}={value}` is not an allowed value; use one of: {', '.join(allowed)}"
                                + (f" (did you mean “{sugg[0]}”?)" if sugg else "") + ".", s.anchor, (), fixes))
    # -- clauses
    for c in doc.clauses:
        facts = ws.clause_facts(c.id)
        if len(facts) > 1 and scope:  # equal IDs in different scopes (spec-kit features) are different clauses
            facts = [f for f in facts if ws.scope_of(f[0]) == scope]
        if len(facts) > 1:  # positions of the others only when they are reported
            defs = ws.clause_defs(c.id)
            if scope:
                defs = [d for d in defs if ws.scope_of(d[0]) == scope]
            others = [Related(p2, c2.range, f"“{c.id}” is also defined here") for p2, c2 in defs if not (p2 == path and c2.range == c.range)]
            where = f" in {fmt.scope_label(scope)}" if scope else ""
            out.append(make("SPEC110", path, c.range,
                            f"Clause ID “{c.id}” is used {len(defs)} times{where}; each clause needs its own ID so that it can be cited and tested. "
                            "Rename one of them.", c.id, others))
        if fmt.uses_challenge_files and not ws.challenge_docs(c.id) and not code_evidence(ws, path, c):
            si = doc.section_at(c.range.start.line)
            title = doc.sections[si].title if si is not None else doc.title
            new_path = ws.challenge_path_for(c.id)
            specific = missing_challenge_finding(doc, c, ws, title, new_path)  # SPEC542 replaces SPEC101
            if specific is not None:
                out.append(specific)
                continue
            out.append(make("SPEC101", path, c.range,
                            f"Clause “{c.id}” has no challenge-prompt file; add `{new_path}` with prompts that test it.",
                            c.id, (), fix_for(fmt.missing_evidence(ws, path, c, title))))
    # -- links
    for lk in doc.links:
        target, anchor, checkable = fmt.resolve_link(ws, path, lk) or resolve_link(path, lk)
        if not checkable:
            continue
        if target is None:
            tdoc: SpecDocument | ChallengeDocument | None = doc
        elif ws.in_nested_root(target):
            continue  # into a sub-directory with its own config: another root, not checked from here
        else:
            tdoc = ws.doc(target)
            if tdoc is None:
                if ws.file_exists(target):
                    continue
                if not target.lower().endswith(MARKDOWN_EXT) and not cfg.check_non_markdown_links:
                    continue
                sugg = closest(target, ws.known_paths(), cutoff=0.75)
                out.append(make("SPEC121", path, lk.target_range,
                                f"Link target “{target}” does not exist in the workspace"
                                + (f"; did you mean “{sugg[0]}”?" if sugg else "; fix the path or remove the link."), target))
                continue
        if anchor is None or not isinstance(tdoc, SpecDocument):
            continue
        if anchor not in tdoc.anchor_map:
            sugg = closest(anchor, tdoc.anchor_map.keys())
            where = "this document" if target is None else f"“{target}”"
            fixes = [Fix(f"Change to #{sugg[0]}", "replace", sugg[0], lk.anchor_range)] if sugg and lk.anchor_range else []
            out.append(make("SPEC120", path, lk.anchor_range or lk.target_range,
                            f"No section with anchor “#{anchor}” in {where}"
                            + (f"; did you mean “#{sugg[0]}”?" if sugg else "."), anchor, (), fixes))
    # -- requirement-ID mentions (a format may resolve them in its own scopes)
    own = fmt.check_mentions(doc, ws)
    if own is not None:
        out.extend(own)
    for m in (doc.mentions if own is None else ()):
        if not ws.clause_facts(m.id):
            sugg = closest(m.id, ws.clause_ids(), cutoff=0.7)
            out.append(make("SPEC122", path, m.range,
                            f"“{m.id}” looks like a clause ID but no clause carries it"
                            + (f"; did you mean “{sugg[0]}”?" if sugg else "."), m.id))
    out.extend(check_spec_examples(doc, ws))  # SPEC541
    # -- parser problems
    for pr in doc.problems:
        if pr.kind == "id-pattern-timeout":
            out.append(make("SPEC001", path, pr.range,
                            f"id-patterns: the pattern {pr.detail!r} took too long on this paragraph and was stopped, so "
                            "requirement IDs here may be missed. Simplify the pattern (no repeat inside a repeat, no "
                            "overlapping alternatives under a repeat).", "id-patterns"))
        if pr.kind == "unclosed-fence":
            out.append(make("SPEC140", path, pr.range,
                            "This code fence is never closed, so everything after it is code: no clauses or links "
                            "below are checked. Close it with a matching fence line."))
        elif pr.kind == "unclosed-fence-in-container":
            out.append(make("SPEC140", path, pr.range,
                            "This code fence has no closing line; it ends only where its list item or quote ends, "
                            "so the lines meant to be inside it render as text. Close it with a matching fence line, "
                            "indented like the opening one."))
    # -- the format's own rules
    out.extend(fmt.check(doc, ws))
    # -- spec.lock: stale evidence, reused IDs (spec_lsp/versions/lock.py)
    from ..versions.lock import lock_findings

    out.extend(lock_findings(doc, ws))
    return out


def check_challenge(doc: ChallengeDocument, ws: "Workspace") -> list[Finding]:
    out: list[Finding] = []
    path = doc.path
    # what the clause is and its section title, not where it sits: a challenge file is re-checked when its
    # clause moves only if a finding here embeds the clause's location (SPEC103's related place)
    defs = ws.clause_facts(doc.file_id)
    head_rng = doc.header.id_range if doc.header else Range(Position(0, 0), Position(0, 0))
    if not defs:
        sugg = closest(doc.file_id, ws.clause_ids(), cutoff=0.7)
        out.append(make("SPEC102", path, head_rng,
                        f"No clause carries the ID “{doc.file_id}”, so nothing is tested by this file"
                        + (f"; did you mean “{sugg[0]}”?" if sugg else "; delete it or tag the clause it tests with "
                           f"[^{doc.file_id}]."), doc.file_id))
    h = doc.header
    if h is not None and h.id != doc.file_id:
        out.append(make("SPEC104", path, h.id_range,
                        f"The header names [^{h.id}] but this file holds the prompts of “{doc.file_id}” (its file name).",
                        doc.file_id, (), [Fix(f"Change to {doc.file_id}", "replace", doc.file_id, h.id_range)]))
    elif h is not None and defs and h.section_title is not None and h.title_range is not None:
        dpath, current = defs[0]
        if normalize_title(current) != normalize_title(h.section_title):
            _dp, clause = ws.clause_defs(doc.file_id)[0]  # the related place: its position is read (recorded)
            out.append(make("SPEC103", path, h.title_range,
                            f"The header says “{h.section_title}” but clause “{h.id}” is now in section “{current}”.",
                            h.id, [Related(dpath, clause.range, f"clause “{h.id}” is here, in “{current}”")],
                            [Fix(f"Change to “{current}”", "replace", current, h.title_range)]))
    for pr in doc.problems:
        fixes = []
        if pr.kind == "no-header" and defs:
            title = defs[0][1]
            fixes.append(Fix("Insert the header line", "replace", f"Examples for [^{doc.file_id}] in {title}:\n\n",
                             Range(Position(0, 0), Position(0, 0))))
        out.append(make("SPEC104", path, pr.range, _challenge_problem_message(pr.kind, pr.detail), doc.file_id, (), fixes))
    for m in doc.mentions:
        if not ws.clause_facts(m.id):
            out.append(make("SPEC122", path, m.range, f"“{m.id}” looks like a clause ID but no clause carries it.", m.id))
    out.extend(check_challenge_examples(doc, ws))  # SPEC540, SPEC541
    return out


def _challenge_problem_message(kind: str, detail: str) -> str:
    base = {
        "no-header": "Challenge file has no header",
        "no-examples": "Challenge file has no examples",
        "no-block": "Example has no conversation",
        "unclosed-block": "Unclosed conversation block",
        "unclosed-role": "Unclosed message",
        "unknown-role": "Unknown role",
    }.get(kind, "Malformed challenge file")
    return f"{base}: {detail}." if detail else f"{base}."


def apply_waivers(doc: SpecDocument | ChallengeDocument, findings: list[Finding]) -> list[Finding]:
    """Mark findings silenced by `<!-- spec-lsp: allow CODE -- reason -->` and report bad waivers."""
    if not isinstance(doc, SpecDocument) or not doc.waivers:
        return findings
    from dataclasses import replace

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


def clause_section_title(doc: SpecDocument, c: Clause) -> str:
    si = doc.section_at(c.range.start.line)
    return doc.sections[si].title if si is not None else doc.title


__all__ = ["check_spec", "check_challenge", "apply_waivers", "resolve_link", "make", "challenge_template_text"]
_ = find_rule
