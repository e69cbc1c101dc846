"""SPEC122 unknown-clause-mention: text mentions a clause ID that no clause carries.

A format may resolve mentions in its own scopes (`Format.check_mentions`); then its findings
replace the generic ones."""

from __future__ import annotations

from ..core.document import ChallengeDocument
from ..core.model import Finding
from ..core.text import closest
from .base import W, SpecContext, declare, make

RULES = (declare("SPEC122", "unknown-clause-mention", W, "Text mentions a clause ID that no clause carries."),)


def check(ctx: SpecContext) -> None:
    doc, ws, out = ctx.doc, ctx.ws, ctx.out
    own = ctx.fmt.check_mentions(doc, ws)
    if own is not None:
        out.extend(own)
        return
    for m in doc.mentions:
        if not ws.clause_facts(m.id):
            sugg = closest(m.id, ws.clause_ids(), cutoff=0.7)
            out.append(make("SPEC122", ctx.path, m.range,
                            f"“{m.id}” looks like a clause ID but no clause carries it"
                            + (f"; did you mean “{sugg[0]}”?" if sugg else "."), m.id))


def check_challenge(doc: ChallengeDocument, ws, out: list[Finding]) -> None:
    for m in doc.mentions:
        if not ws.clause_facts(m.id):
            out.append(make("SPEC122", doc.path, m.range, f"“{m.id}” looks like a clause ID but no clause carries it.", m.id))
