"""textDocument/prepareRename and textDocument/rename: clause IDs and section anchors, all or nothing."""

from __future__ import annotations

from lsprotocol import types as T

from ..core import navigation
from ..core.navigation import RenameError
from .common import RequestFailed, at, crange
from .server import SpecServer


def register(server: SpecServer) -> None:
    @server.feature(T.TEXT_DOCUMENT_PREPARE_RENAME)
    async def prepare_rename(ls: SpecServer, params: T.PrepareRenameParams):
        got = await at(ls, params.text_document.uri, params.position)
        if got is None:
            return None
        r, rel, pos = got
        try:
            sym = navigation.prepare_rename(r.ws, rel, pos)
        except RenameError as e:
            raise RequestFailed(str(e)) from None
        return T.PrepareRenamePlaceholder(range=crange(ls, r, rel, sym.range), placeholder=sym.name)

    @server.feature(T.TEXT_DOCUMENT_RENAME)
    async def rename(ls: SpecServer, params: T.RenameParams) -> T.WorkspaceEdit:
        got = await at(ls, params.text_document.uri, params.position)
        if got is None:
            raise RequestFailed("This file is not part of a spec workspace.")
        r, rel, pos = got
        try:
            sym = navigation.prepare_rename(r.ws, rel, pos)
            plan = navigation.rename_plan(r.ws, sym, params.new_name)
        except RenameError as e:
            raise RequestFailed(str(e)) from None
        return build_edit(ls, r, plan)


def build_edit(ls: SpecServer, r, plan: navigation.RenamePlan) -> T.WorkspaceEdit:
    """One WorkspaceEdit for the whole plan, or a clear error: never a partial rename."""
    if plan.file_renames:
        if not ls.supports_document_changes() or "rename" not in ls.resource_operations():
            raise RequestFailed(
                "This rename moves " + ", ".join(f"{a} → {b}" for a, b in plan.file_renames)
                + ", but the editor does not support renaming files in a workspace edit "
                "(workspace.workspaceEdit.documentChanges with resourceOperations “rename”). Nothing was changed."
            )
    edits_by_path = {p: [T.TextEdit(range=crange(ls, r, p, rng), new_text=t) for rng, t in sorted(lst, key=lambda x: x[0].start)]
                     for p, lst in plan.edits.items()}
    if ls.supports_document_changes():
        changes: list = []
        for p in sorted(edits_by_path):
            uri = ls.uri_of(r, p)
            ot = ls.open_text(uri)
            changes.append(T.TextDocumentEdit(
                text_document=T.OptionalVersionedTextDocumentIdentifier(uri=uri, version=ot[1] if ot else None),
                edits=edits_by_path[p]))
        for old, new in plan.file_renames:
            changes.append(T.RenameFile(kind="rename", old_uri=ls.uri_of(r, old), new_uri=ls.uri_of(r, new),
                                        options=T.RenameFileOptions(overwrite=False, ignore_if_exists=False)))
        return T.WorkspaceEdit(document_changes=changes)
    return T.WorkspaceEdit(changes={ls.uri_of(r, p): e for p, e in edits_by_path.items()})
