"""SPEC140 unclosed-code-fence: a code fence the parser never saw closed.

The same loop over the parser's problems reports an id-pattern stopped for taking too long as
SPEC001 invalid-config (declared in core/rules.py with the other configuration findings)."""

from __future__ import annotations

from .base import W, SpecContext, declare, make

RULES = (declare("SPEC140", "unclosed-code-fence", W, "A code fence is never closed, so the rest of the document is code."),)
ALSO_REPORTS = ("SPEC001",)  # declared in core/rules.py

_MESSAGES = {
    "unclosed-fence": "This code fence is never closed, so everything after it is code: no clauses or links "
                      "below are checked. Close it with a matching fence line.",
    "unclosed-fence-in-container": "This code fence has no closing line; it ends only where its list item or quote ends, "
                                   "so the lines meant to be inside it render as text. Close it with a matching fence line, "
                                   "indented like the opening one.",
}


def check(ctx: SpecContext) -> None:
    for pr in ctx.doc.problems:
        if pr.kind == "id-pattern-timeout":
            ctx.out.append(make("SPEC001", ctx.path, pr.range,
                                f"id-patterns: the pattern {pr.detail!r} took too long on this paragraph and was stopped, so "
                                "requirement IDs here may be missed. Simplify the pattern (no repeat inside a repeat, no "
                                "overlapping alternatives under a repeat).", "id-patterns"))
        msg = _MESSAGES.get(pr.kind)
        if msg is not None:
            ctx.out.append(make("SPEC140", ctx.path, pr.range, msg))
