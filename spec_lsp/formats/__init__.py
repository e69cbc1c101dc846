"""Spec formats as plug-ins: one module per format, registered here.

To add a format: write ``spec_lsp/formats/<name>.py`` with a ``Format`` subclass (see ``base.py``),
add it to ``_BUILTIN`` below, give its rules codes in its own range with a page each in
``spec_lsp/docs/rules/``, and add fixtures under ``fixtures/<name>/``.  ARCHITECTURE.md walks through it.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Sequence

from .base import Evidence, Format, MissingEvidenceFix, Reference, ScopeInfo, WorkspaceView, cached

# module path, class name — in priority order: the first specific format that claims a file owns it;
# fallback formats (the Model Spec, id-patterns) own every Markdown file no specific format claims.
_BUILTIN: tuple[tuple[str, str], ...] = (
    # OpenSpec and Kiro first: their paths (`openspec/specs/<cap>/spec.md`, `.kiro/specs/<feature>/…`)
    # also look like a spec-kit feature directory (`specs/<name>/`)
    ("spec_lsp.formats.openspec", "OpenSpecFormat"),
    ("spec_lsp.formats.kiro", "KiroFormat"),
    ("spec_lsp.formats.mdx", "MdxFormat"),
    ("spec_lsp.formats.speckit", "SpecKitFormat"),
    ("spec_lsp.formats.model_spec", "ModelSpecFormat"),
    ("spec_lsp.formats.id_patterns", "IdPatternsFormat"),
)

_extra: list[Format] = []


def register(fmt: Format) -> Format:
    """Register a format instance (for tests and third-party code); built-ins are listed in `_BUILTIN`."""
    _extra.append(fmt)
    all_formats.cache_clear()
    return fmt


@lru_cache(maxsize=None)
def all_formats() -> tuple[Format, ...]:
    out: list[Format] = []
    for mod, cls in _BUILTIN:
        try:
            out.append(getattr(importlib.import_module(mod), cls)())
        except (ImportError, AttributeError):  # pragma: no cover - a format module another branch adds later
            continue
    out.extend(_extra)
    # specific formats first (in listed order), fallbacks last
    return tuple([f for f in out if not f.fallback] + [f for f in out if f.fallback])


def get(name: str) -> Format | None:
    return next((f for f in all_formats() if f.name == name), None)


def names() -> tuple[str, ...]:
    return tuple(f.name for f in all_formats())


def detect(files: Sequence[str], forced: Sequence[str] = ()) -> tuple[Format, ...]:
    """The formats a repository uses: `forced` (the `format` setting) when given, else every format
    whose `detect` recognises the layout; fallback formats are always active, after the others."""
    fmts = all_formats()
    if forced:
        chosen = [f for f in fmts if f.name in forced]
    else:
        chosen = [f for f in fmts if not f.fallback and f.detect(files)]
    chosen += [f for f in fmts if f.fallback and f not in chosen]
    return tuple(chosen)


def all_format_rules():
    out = []
    for f in all_formats():
        out.extend(f.rules)
    return tuple(out)


def wanted_dot_dirs() -> frozenset[str]:
    out: set[str] = set()
    for f in all_formats():
        out.update(f.dot_dirs)
    return frozenset(out)


__all__ = [
    "Evidence", "Format", "MissingEvidenceFix", "Reference", "ScopeInfo", "WorkspaceView", "cached",
    "register", "all_formats", "get", "names", "detect", "all_format_rules", "wanted_dot_dirs",
]
