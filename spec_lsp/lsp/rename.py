"""textDocument/prepareRename and textDocument/rename: clause IDs and section anchors, all or nothing.

A rename is planned on fresh text and sent only for ranges that were just verified:

1. pending debounced updates are flushed first (`at`), so the index holds the latest text of every open
   document, and each `TextDocumentEdit` carries the version its edits were computed on;
2. every closed file the plan touches is read again; if its content differs from what was indexed (a
   `git pull`, an editor with no file watcher), it is re-indexed and the rename is planned again;
3. each edit's range is checked against the text it will apply to (the open buffer, or the file just
   read): it must hold the old name. Anything else refuses the rename and nothing changes.
"""

from __future__ import annotations

import os

from lsprotocol import types as T

from ..core import navigation
from ..core.navigation import RenameError
from .common import RequestFailed, at, crange
from .server import Root, SpecServer
from .textdoc import LineIndex

MAX_REPLANS = 3


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
        if not isinstance(params.new_name, str):
            raise RequestFailed("The new name must be a string.")
        got = await at(ls, params.text_document.uri, params.position)
        if got is None:
            raise RequestFailed("This file is not part of a spec workspace.")
        r, rel, pos = got
        try:
            for _ in range(MAX_REPLANS):
                sym = navigation.prepare_rename(r.ws, rel, pos)
                plan = navigation.rename_plan(r.ws, sym, params.new_name)
                if not refresh_closed(ls, r, set(plan.edits) | {old for old, _new in plan.file_renames}):
                    break
                # a closed file changed on disk since it was indexed: plan again on the fresh text
                pos = ls.index_of(r, rel).from_client(params.position)
            else:
                raise RenameError("Files keep changing on disk while the rename is planned; try again.")
            verify(ls, r, sym, plan)
        except RenameError as e:
            raise RequestFailed(str(e)) from None
        return build_edit(ls, r, plan)


def refresh_closed(ls: SpecServer, r: Root, paths: set[str]) -> bool:
    """Re-read each closed file among `paths`; re-index those whose content differs from the indexed text.
    True if any did (the caller must plan again)."""
    stale: set[str] = set()
    for p in sorted(paths):
        if ls.open_doc(ls.uri_of(r, p)) is not None:
            continue  # the buffer is the truth, and the index already holds it (flushed)
        disk = r.ws.read_file(p) if os.path.isfile(r.path / p) else None
        if disk is None:
            if p in r.ws.docs:
                stale |= r.ws.remove_document(p) | {p}
        elif disk != r.ws.text(p):
            stale |= r.ws.set_document(p, disk) | {p}
    if stale:
        ls.publish(r, stale)
    return bool(stale)


def verify(ls: SpecServer, r: Root, sym: navigation.Symbol, plan: navigation.RenamePlan) -> None:
    """Every replaced range must hold, in the text the edit will apply to (the open buffer, or the file
    read again now), exactly what the plan saw there in the index (for a plain rename: the old name);
    every moved file must exist, and its new path must be free in every form and stay beside it."""
    for p, edits in plan.edits.items():
        od = ls.open_doc(ls.uri_of(r, p))
        planned = r.ws.text(p)
        target = od.source if od is not None else (r.ws.read_file(p) if os.path.isfile(r.path / p) else None)
        if target is None or planned is None:
            raise RenameError(f"{p} could not be read again; nothing was changed.")
        pix, tix = LineIndex(planned), LineIndex(target)
        for rng, _new in edits:
            if rng.start == rng.end:
                continue  # an insertion (an explicit anchor after a heading)
            saw = planned[pix.core_offset(rng.start):pix.core_offset(rng.end)]
            got = target[tix.core_offset(rng.start):tix.core_offset(rng.end)]
            if got != saw or (sym.scope is None and saw != sym.name):
                raise RenameError(f"{p}:{rng.start.line + 1} no longer holds “{sym.name}” where the index says it is; "
                                  "nothing was changed. Save or reload the file and try again.")
    for old, new in plan.file_renames:
        if not os.path.isfile(r.path / old):
            raise RenameError(f"{old} no longer exists; nothing was changed.")
        check_new_path(r, old, new)


def check_new_path(r: Root, old: str, new: str) -> None:
    """A moved or created file stays in the workspace, in the same directory, and never replaces anything."""
    norm = os.path.normpath(new).replace(os.sep, "/")
    if os.path.isabs(new) or norm != new or norm.startswith("../") or norm == ".." or "\\" in new or "\0" in new:
        raise RenameError(f"“{new}” is not a plain path inside the workspace; nothing was changed.")
    if old is not None and os.path.dirname(norm) != os.path.dirname(os.path.normpath(old)):
        raise RenameError(f"Renaming would move {old} to another directory ({new}); nothing was changed.")
    target = r.path / norm
    real_parent = os.path.realpath(target.parent)
    root = os.path.realpath(r.path)
    if real_parent != root and not real_parent.startswith(root + os.sep):
        raise RenameError(f"{new} would be outside the workspace; nothing was changed.")
    if os.path.lexists(target):
        raise RenameError(f"{new} already exists; nothing was changed.")


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
            od = ls.open_doc(uri)
            # the version the edits were computed on: the index holds exactly that version's text
            version = r.versions.get(p, od.version) if od is not None else None
            changes.append(T.TextDocumentEdit(
                text_document=T.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=edits_by_path[p]))
        for old, new in plan.file_renames:
            changes.append(T.RenameFile(kind="rename", old_uri=ls.uri_of(r, old), new_uri=ls.uri_of(r, new),
                                        options=T.RenameFileOptions(overwrite=False, ignore_if_exists=False)))
        return T.WorkspaceEdit(document_changes=changes)
    return T.WorkspaceEdit(changes={ls.uri_of(r, p): e for p, e in edits_by_path.items()})
