"""The plug-in formats of this branch (OpenSpec, Kiro, MDX doc specs) and the few calls the core makes.

The core asks three things: `parse_format(path, text)` (a `FormatDoc` when a format owns the path),
`check(doc, scope_docs)` (findings, given every document of the same scope, read through the
workspace's recording lookup) and `RULES`.  Each format is one module with a parser module beside it.
"""

from __future__ import annotations

from ..core.model import Finding, Rule
from . import kiro, openspec
from .plugdoc import FormatDoc

FORMATS = {openspec.FORMAT: openspec, kiro.FORMAT: kiro}
RULES: tuple[Rule, ...] = openspec.RULES + kiro.RULES
# dot-directories a format reads (every other dot-directory stays skipped)
DOT_DIRS = frozenset({".kiro"})


def parse_format(path: str, text: str) -> FormatDoc | None:
    for mod in FORMATS.values():
        d = mod.parse(path, text)
        if d is not None:
            return d
    return None


def check(doc: FormatDoc, scope_docs: list[FormatDoc]) -> list[Finding]:
    mod = FORMATS.get(doc.format)
    return mod.check(doc, scope_docs) if mod is not None else []


__all__ = ["FORMATS", "RULES", "DOT_DIRS", "parse_format", "check"]
