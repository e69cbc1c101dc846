"""A read-only view of the workspace index for features (navigation, hover, symbols, completion,
code lenses, code actions).

Checks read other documents through the workspace's recording lookups (`ws.clause_defs`,
`ws.doc`, …), so the index knows what to re-check after an edit.  Features run outside any check:
they need no dependency bookkeeping and must not change the index.  `ws.view` gives them exactly
that: the same answers, no recording, no mutators, and mappings that cannot be written.
Documents themselves are immutable.  (Not to be confused with `formats.base.WorkspaceView`, the
protocol of the *recording* lookups a format's `check` may use.)
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Iterator, Mapping

from .challenge import ChallengeDocument
from .doc_types import Clause, SpecDocument

if TYPE_CHECKING:  # pragma: no cover
    from .workspace import Document, Workspace


class WorkspaceReadView:
    """`ws.view`: lookups for features.  Never records a dependency, never mutates."""

    __slots__ = ("_ws",)

    def __init__(self, ws: "Workspace") -> None:
        self._ws = ws

    # -- documents
    def doc(self, rel_path: str) -> "Document | None":
        return self._ws.docs.get(rel_path)

    def has(self, rel_path: str) -> bool:
        """Is this path an indexed document (spec or challenge file)?"""
        return rel_path in self._ws.docs

    def docs(self) -> Mapping[str, "Document"]:
        """All indexed documents by path: a live mapping that cannot be written."""
        return MappingProxyType(self._ws.docs)

    def paths(self) -> list[str]:
        """The indexed documents' paths, sorted."""
        return sorted(self._ws.docs)

    def spec_docs(self) -> Iterator[SpecDocument]:
        for d in self._ws.docs.values():
            if isinstance(d, SpecDocument):
                yield d

    def text(self, rel_path: str) -> str | None:
        return self._ws.text(rel_path)

    # -- clauses
    def clause_ids(self) -> list[str]:
        return sorted(self._ws._clauses)

    def clause_entries(self, clause_id: str) -> list[tuple[str, Clause, str]]:
        """(path, clause, section title) of every definition of an ID, by path."""
        out: list[tuple[str, Clause, str]] = []
        for p, lst in sorted(self._ws._clauses.get(clause_id, {}).items()):
            out.extend((p, c, t) for c, t in lst)
        return out

    def challenges(self, clause_id: str) -> list[ChallengeDocument]:
        """The challenge files that test a clause ID, by path."""
        return [d for _, d in sorted(self._ws._challenges.get(clause_id, {}).items())]

    # -- formats and scopes (pure functions of a path and the configuration)
    def format_of(self, rel_path: str):
        return self._ws.format_of(rel_path)

    def scope_of(self, rel_path: str) -> str:
        return self._ws.scope_of(rel_path)


__all__ = ["WorkspaceReadView"]
