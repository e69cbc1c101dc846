"""SPEC140 unclosed-code-fence: a code fence the parser never saw closed."""

from __future__ import annotations

from .base import W, SpecContext, declare, make

RULES = (declare("SPEC140", "unclosed-code-fence", W, "A code fence is never closed, so the rest of the document is code."),)

_MESSAGES = {
    "unclosed-fence": "This code fence is never closed, so everything after it is code: no clauses or links "
                      "below are checked. Close it with a matching fence line.",
    "unclosed-fence-in-container": "This code fence has no closing line; it ends only where its list item or quote ends, "
                                   "so the lines meant to be inside it render as text. Close it with a matching fence line, "
                                   "indented like the opening one.",
}


def check(ctx: SpecContext) -> None:
    for pr in ctx.doc.problems:
        msg = _MESSAGES.get(pr.kind)
        if msg is not None:
            ctx.out.append(make("SPEC140", ctx.path, pr.range, msg))
