"""SPEC111 duplicate-anchor: two sections (or HTML anchors) of one document share an anchor."""

from __future__ import annotations

from ..core.model import Related
from .base import E, SpecContext, declare, make

RULES = (declare("SPEC111", "duplicate-anchor", E, "Two sections (or HTML anchors) in one document have the same anchor."),)


def check(ctx: SpecContext) -> None:
    path = ctx.path
    for anchor, entries in ctx.doc.anchor_map.items():
        if len(entries) > 1:
            for k, (rng, _si) in enumerate(entries):
                others = [Related(path, r2, f"“{anchor}” is also defined here") for j, (r2, _) in enumerate(entries) if j != k]
                ctx.out.append(make("SPEC111", path, rng,
                                    f"Anchor “{anchor}” is defined {len(entries)} times in this document; links to it are ambiguous. "
                                    f"Give each section a unique `{{#anchor}}`.", anchor, others))
