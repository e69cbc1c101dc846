"""SPEC110 duplicate-clause-id: two clauses of one scope carry the same ID."""

from __future__ import annotations

from ..core.document import Clause
from ..core.model import Related
from .base import E, SpecContext, declare, make

RULES = (declare("SPEC110", "duplicate-clause-id", E, "Two clauses carry the same ID."),)


def check_clause(ctx: SpecContext, c: Clause) -> None:
    """Called once per clause from the one clause loop of `core.checks.check_spec`."""
    ws, path, scope = ctx.ws, ctx.path, ctx.scope
    facts = ws.clause_facts(c.id)
    if len(facts) > 1 and scope:  # equal IDs in different scopes (spec-kit features) are different clauses
        facts = [f for f in facts if ws.scope_of(f[0]) == scope]
    if len(facts) > 1:  # positions of the others only when they are reported
        defs = ws.clause_defs(c.id)
        if scope:
            defs = [d for d in defs if ws.scope_of(d[0]) == scope]
        others = [Related(p2, c2.range, f"“{c.id}” is also defined here") for p2, c2 in defs if not (p2 == path and c2.range == c.range)]
        where = f" in {ctx.fmt.scope_label(scope)}" if scope else ""
        ctx.out.append(make("SPEC110", path, c.range,
                            f"Clause ID “{c.id}” is used {len(defs)} times{where}; each clause needs its own ID so that it can be cited and tested. "
                            "Rename one of them.", c.id, others))
