"""SPEC130 unknown-attribute-value: a section attribute outside its allowed list.

The same loop reports SPEC150 historical-attribute-value (a format's historical alias, e.g. the
Model Spec's `authority=platform`); that rule's metadata belongs to the format that declares the
aliases (spec_lsp/formats/model_spec.py), its check and message are here."""

from __future__ import annotations

from ..core.config import attribute_aliases
from ..core.model import Fix
from ..core.text import closest
from .base import E, SpecContext, declare, make

RULES = (declare("SPEC130", "unknown-attribute-value", E, "A section attribute has a value outside its allowed list (e.g. `authority=admin`)."),)
ALSO_REPORTS = ("SPEC150",)  # declared by spec_lsp/formats/model_spec.py


def check(ctx: SpecContext) -> None:
    path, cfg, fmt, out = ctx.path, ctx.cfg, ctx.fmt, ctx.out
    for s in ctx.doc.sections:
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
