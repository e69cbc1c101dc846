"""Lifecycle, text synchronisation, watched files and configuration notifications."""

from __future__ import annotations

import asyncio

from lsprotocol import types as T

from ..core.config import CONFIG_FILES, find_config_file
from .convert import uri_to_path
from .server import SpecServer, isolated
from .textdoc import SpecWorkspace

WATCH_GLOBS = ["**/*.md", "**/*.markdown", "**/.spec-lsp.toml", "**/pyproject.toml", "**/*"]


def register(server: SpecServer) -> None:
    @server.feature(T.INITIALIZE)
    def initialize(ls: SpecServer, params: T.InitializeParams) -> None:
        # pygls has just created its workspace: the same one, creating documents that split lines as LSP does
        old = ls.workspace
        ls.protocol._workspace = SpecWorkspace(old.root_uri, old._sync_kind, list(old.folders.values()), old.position_encoding)
        opts = params.initialization_options
        ls.init_options = opts.get("specLsp", opts) if isinstance(opts, dict) else {}
        caps = params.capabilities
        mode = str((ls.init_options.get("diagnostics") or {}).get("mode", "auto")) if isinstance(ls.init_options.get("diagnostics"), dict) else "auto"
        supports_pull = bool(caps.text_document and caps.text_document.diagnostic)
        ls.pull_mode = mode == "pull" or (mode == "auto" and supports_pull)
        folders = []
        for f in params.workspace_folders or []:
            p = uri_to_path(f.uri)
            if p is not None and p.is_dir():
                folders.append(p)
        if not folders:
            root = params.root_uri or (params.root_path and f"file://{params.root_path}")
            p = uri_to_path(root) if root else None
            if p is not None and p.is_dir():
                folders.append(p)
        ls.folders = folders
        for f in folders:
            if f.resolve() not in ls.roots:
                ls._make_root(f, scan=True, editor_path=f)

    @server.feature(T.INITIALIZED)
    @isolated
    async def initialized(ls: SpecServer, params: T.InitializedParams) -> None:
        await ls.fetch_settings()
        if ls.editor_settings:
            for r in list(ls.roots.values()):
                if r.loaded_from_disk and not r.ready.is_set():
                    ls.reconfigure(r)  # in place: requests may already be waiting for this root
        await _register_watchers(ls)
        await asyncio.gather(*(ls.index_root(r) for r in list(ls.roots.values()) if r.loaded_from_disk and not r.ready.is_set()))

    @server.feature(T.SHUTDOWN)
    def shutdown(ls: SpecServer, params) -> None:
        for r in ls.roots.values():
            if r.lp is not None:
                r.lp.flush()

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    @isolated
    def did_open(ls: SpecServer, params: T.DidOpenTextDocumentParams) -> None:
        loc = ls.locate(params.text_document.uri, create=True)
        if loc is None:
            return
        r, rel = loc
        if not r.ws.is_spec_path(rel):
            return
        if not r.ready.is_set():
            # the index is still being built: the document's own findings now, the rest when it is ready
            ls.publish_provisional(r, rel, params.text_document.text, params.text_document.version)
            return
        changed = set()
        if r.ws.text(rel) != params.text_document.text:
            changed = r.ws.set_document(rel, params.text_document.text)
        r.versions[rel] = params.text_document.version
        ls.publish(r, changed | {rel})
        ls.schedule_language(r, [rel])

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    @isolated
    def did_change(ls: SpecServer, params: T.DidChangeTextDocumentParams) -> None:
        loc = ls.locate(params.text_document.uri)
        if loc is None:
            return
        r, rel = loc
        if r.ws.is_spec_path(rel):
            ls.schedule_check(r, rel)

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    @isolated
    def did_close(ls: SpecServer, params: T.DidCloseTextDocumentParams) -> None:
        loc = ls.locate(params.text_document.uri)
        if loc is None:
            return
        r, rel = loc
        if not r.ws.is_spec_path(rel) or not r.ready.is_set():
            return
        # the buffer is gone: the disk is the truth again
        p = r.path / rel
        if p.exists():
            text = r.ws.read_file(rel)
            changed = r.ws.set_document(rel, text or "") if text is not None and text != r.ws.text(rel) else set()
        else:
            changed = r.ws.remove_document(rel)
        r.versions.pop(rel, None)
        ls.publish(r, changed | ({rel} if rel in r.ws.docs else set()))

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SpecServer, params: T.DidSaveTextDocumentParams) -> None:
        return None

    @server.feature(T.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @isolated
    async def did_change_watched_files(ls: SpecServer, params: T.DidChangeWatchedFilesParams) -> None:
        touched: dict = {}
        rebuild = set()
        for ch in params.changes:
            # each change on its own: one bad entry (a symlink loop, a vanished file) never drops the batch
            try:
                _watched_change(ls, ch, touched, rebuild)
            except Exception as e:
                ls.log(f"file change {ch.uri} skipped: {e}", T.MessageType.Info)
        for rp, rels in touched.items():
            r = ls.roots.get(rp)
            if r is not None and rels:
                ls.publish(r, rels)
                ls.schedule_language(r, [x for x in rels if x in r.ws.docs])
        for rp in rebuild:
            r = ls.roots.get(rp)
            if r is not None:
                await ls.rebuild_root(r)

    def _watched_change(ls: SpecServer, ch, touched: dict, rebuild: set) -> None:
        p = uri_to_path(ch.uri)
        if p is None:
            return
        r = ls._known_root(p)
        if r is None or not r.ready.is_set():
            return
        try:
            rel = r.rel(p)
        except ValueError:
            return
        if rel in CONFIG_FILES:
            rebuild.add(r.path)
            return
        if p.name in CONFIG_FILES and (find_config_file(p.parent) is not None) != (rel.rsplit("/", 1)[0] in r.ws.nested_roots):
            rebuild.add(r.path)  # a sub-directory gained a config file of its own: a nested root (README: Configuration)
            return
        if ls.open_text(ch.uri) is not None:
            return  # an open buffer wins over the disk
        changed: set[str] = set()
        if ch.type == T.FileChangeType.Deleted:
            changed = r.ws.remove_document(rel) if rel in r.ws.docs else r.ws.remove_other_file(rel)
            if rel in r.ws.code:
                changed |= r.ws.set_code(rel, None)
            if rel not in r.ws.docs:
                ls._publish_one(r, rel, [])
        elif r.ws.citations_loaded and (rel in r.ws.code or (r.ws.is_code_path(rel) and p.is_file() and _tracked(r, rel))):
            # code, tests and other files: their citations (spec_lsp/trace)
            if p.is_file():
                r.ws.add_other_file(rel)
            changed = r.ws.rescan_code(rel)
        elif r.ws.is_spec_path(rel) and p.is_file():
            text = r.ws.read_file(rel)
            if text is not None and text != r.ws.text(rel):
                changed = r.ws.set_document(rel, text)
                changed.add(rel)
        elif p.is_file():
            changed = r.ws.add_other_file(rel)
        touched.setdefault(r.path, set()).update(changed)

    @server.feature(T.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @isolated
    async def did_change_configuration(ls: SpecServer, params: T.DidChangeConfigurationParams) -> None:
        if ls.supports_configuration():
            await ls.fetch_settings()
        elif isinstance(params.settings, dict):
            s = params.settings.get("specLsp", params.settings)
            if isinstance(s, dict):
                ls.editor_settings = s
        for r in list(ls.roots.values()):
            if r.loaded_from_disk:
                await ls.rebuild_root(r)

    @server.feature(T.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    @isolated
    async def did_change_folders(ls: SpecServer, params: T.DidChangeWorkspaceFoldersParams) -> None:
        for f in params.event.removed:
            p = uri_to_path(f.uri)
            if p is not None:
                r = ls.roots.get(p.resolve()) if p.exists() else None
                if r is not None:
                    ls.drop_root(r)
        for f in params.event.added:
            p = uri_to_path(f.uri)
            if p is not None and p.is_dir() and p.resolve() not in ls.roots:
                await ls.index_root(ls._make_root(p, scan=True, editor_path=p))


def _tracked(r, rel: str) -> bool:
    """Whether a new file is one the citation scan would list (not ignored by git, not a binary)."""
    from ..trace.repo_files import is_ignored

    return not is_ignored(r.path, rel)


async def _register_watchers(ls: SpecServer) -> None:
    w = ls.caps.workspace
    if not (w and w.did_change_watched_files and w.did_change_watched_files.dynamic_registration):
        return
    opts = T.DidChangeWatchedFilesRegistrationOptions(watchers=[T.FileSystemWatcher(glob_pattern=g) for g in WATCH_GLOBS])
    try:
        await ls.client_register_capability_async(T.RegistrationParams(registrations=[
            T.Registration(id="spec-lsp-watch", method=T.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=opts)]))
    except Exception as e:
        ls.log(f"could not register file watchers: {e}")
