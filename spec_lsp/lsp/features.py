"""Registers every feature module (one per LSP method or small group of methods)."""

from __future__ import annotations

from . import code_actions, code_lens, completion, definition, diagnostics, evals_lens, hover, rename, symbols


def register(server) -> None:
    for mod in (hover, definition, rename, symbols, completion, code_lens, code_actions, diagnostics, evals_lens):
        mod.register(server)
