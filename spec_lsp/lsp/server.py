"""The language server: state, lifecycle, text synchronisation, diagnostics and settings.

Feature handlers live in one module each (hover.py, definition.py, …) and are registered by
`register_features`.  All workspace state is owned by the event loop thread; heavy work (initial
indexing, spaCy) runs in executors and is applied back on the loop.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..core.config import CONFIG_FILES, Config, ConfigProblem, find_config_file, find_root, load_config, merged
from ..core.language_pass import LanguagePass
from ..core.model import Finding
from ..core.workspace import IncrementalMismatch, Workspace
from .convert import Lines, diagnostic, path_to_uri, uri_to_path

log = logging.getLogger("spec_lsp")


@dataclass
class Root:
    path: Path
    ws: Workspace
    ready: asyncio.Event
    lp: LanguagePass | None = None
    lang_loading: bool = False
    problems: list[ConfigProblem] = field(default_factory=list)
    loaded_from_disk: bool = True

    def rel(self, p: Path) -> str:
        return p.resolve().relative_to(self.path).as_posix()


class SpecServer(LanguageServer):
    def __init__(self, paranoid: bool = False) -> None:
        super().__init__("spec-lsp", __version__, text_document_sync_kind=T.TextDocumentSyncKind.Incremental, max_workers=2)
        self.paranoid = paranoid
        self.roots: dict[Path, Root] = {}
        self.folders: list[Path] = []
        self.editor_settings: dict[str, Any] = {}
        self.init_options: dict[str, Any] = {}
        self.pull_mode = False
        self.pending: dict[tuple[Path, str], asyncio.TimerHandle] = {}
        self.pull_results: dict[str, tuple[str, list]] = {}  # uri -> (result id, diagnostics)
        self._result_counter = 0
        self.lang_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spec-lsp-nlp")
        self.index_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spec-lsp-index")
        self._lines_cache: dict[tuple[Path, str], tuple[str, list[str]]] = {}
        self._lang_status_shown = False
        self._background: set[asyncio.Task] = set()

    # ------------------------------------------------------------------------------------
    # errors never take the server down

    def report_server_error(self, error: Exception, source) -> None:  # type: ignore[override]
        self.log(f"internal error ({source.__name__ if hasattr(source, '__name__') else source}): {error!r}", T.MessageType.Error)

    def log(self, message: str, kind: T.MessageType = T.MessageType.Log) -> None:
        log.info(message)
        try:
            self.window_log_message(T.LogMessageParams(type=kind, message=message))
        except Exception:
            pass

    def spawn(self, coro) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            self.log("background task failed: " + "".join(traceback.format_exception(exc)), T.MessageType.Error)

    # ------------------------------------------------------------------------------------
    # capabilities

    @property
    def caps(self) -> T.ClientCapabilities:
        return self.client_capabilities

    def supports_progress(self) -> bool:
        w = self.caps.window
        return bool(w and w.work_done_progress)

    def supports_configuration(self) -> bool:
        w = self.caps.workspace
        return bool(w and w.configuration)

    def supports_document_changes(self) -> bool:
        # resource operations exist only inside documentChanges: a client listing them (Neovim 0.8+
        # does, without the documentChanges flag) applies documentChanges
        w = self.caps.workspace
        we = w.workspace_edit if w else None
        return bool(we and (we.document_changes or we.resource_operations))

    def resource_operations(self) -> set[str]:
        w = self.caps.workspace
        ops = (w.workspace_edit.resource_operations or []) if (w and w.workspace_edit) else []
        return {str(getattr(o, "value", o)) for o in ops}

    # ------------------------------------------------------------------------------------
    # roots and documents

    def root_for(self, path: Path) -> Root:
        path = path.resolve()
        best = None
        for rp in self.roots:
            if path == rp or rp in path.parents:
                if best is None or len(str(rp)) > len(str(best)):
                    best = rp
        if best is not None:
            return self.roots[best]
        # a file outside every workspace folder: its project (a spec-lsp config or a git repository
        # above it) is indexed in the background; with no project, a single-file workspace
        project = find_root(path.parent)
        if project != path.parent.resolve() or find_config_file(project) or (project / ".git").exists():
            r = self._make_root(project, scan=True)
            self.spawn(self.index_root(r))
            return r
        return self._make_root(path.parent, scan=False)

    def _config_for(self, root: Path) -> tuple[Config, list[ConfigProblem]]:
        file_cfg, problems = load_config(root)
        settings = {**self.init_options, **self.editor_settings}
        return merged(file_cfg, settings, problems)

    def _make_root(self, root: Path, scan: bool) -> Root:
        root = root.resolve()
        cfg, problems = self._config_for(root)
        ws = Workspace(root, cfg, problems, paranoid=self.paranoid)
        r = Root(root, ws, asyncio.Event(), problems=problems, loaded_from_disk=scan)
        self.roots[root] = r
        if not scan:
            r.ready.set()
        return r

    def reconfigure(self, r: Root) -> None:
        """New settings for a root that is not indexed yet: same Root object, new workspace."""
        cfg, problems = self._config_for(r.path)
        r.ws = Workspace(r.path, cfg, problems, paranoid=self.paranoid)
        r.problems = problems

    def locate(self, uri: str) -> tuple[Root, str] | None:
        p = uri_to_path(uri)
        if p is None:
            return None
        r = self.root_for(p)
        try:
            return r, r.rel(p)
        except ValueError:
            return None

    def uri_of(self, root: Root, rel: str) -> str:
        return path_to_uri(root.path / rel)

    def open_text(self, uri: str) -> tuple[str, int | None] | None:
        doc = self.workspace.text_documents.get(unquote(uri))
        if doc is None:
            return None
        return doc.source, doc.version

    def lines_of(self, root: Root, rel: str) -> list[str]:
        uri = self.uri_of(root, rel)
        od = self.workspace.text_documents.get(unquote(uri))
        if od is not None:
            return od.lines
        text = root.ws.text(rel)
        if text is None:
            return [""]
        key = (root.path, rel)
        hit = self._lines_cache.get(key)
        if hit is not None and hit[0] is text:
            return hit[1]
        lines = Lines(text).lines
        self._lines_cache[key] = (text, lines)
        return lines

    # ------------------------------------------------------------------------------------
    # indexing

    async def index_root(self, r: Root) -> None:
        loop = asyncio.get_running_loop()
        token = None
        if self.supports_progress():
            token = f"spec-lsp-index-{abs(hash(str(r.path)))}"
            try:
                await self.work_done_progress.create_async(token)
                self.work_done_progress.begin(token, T.WorkDoneProgressBegin(title="spec-lsp: indexing", message=r.path.name, percentage=0, cancellable=False))
            except Exception:
                token = None
        last = [0]

        def progress(done: int, total: int, what: str) -> None:
            pct = int(done * 100 / max(total, 1))
            if token and pct >= last[0] + 5:
                last[0] = pct
                loop.call_soon_threadsafe(self.work_done_progress.report, token, T.WorkDoneProgressReport(message=f"{done}/{total} {what}", percentage=pct))

        try:
            # the initial load runs off the loop; nothing else touches this workspace until `ready`
            await loop.run_in_executor(self.index_pool, functools.partial(r.ws.load, progress))
        finally:
            if token:
                self.work_done_progress.end(token, T.WorkDoneProgressEnd(message=f"{len(r.ws.docs)} files"))
        # open buffers win over disk
        for uri, od in list(self.workspace.text_documents.items()):
            p = uri_to_path(uri)
            if p is not None and (r.path in p.resolve().parents):
                rel = r.rel(p)
                if r.ws.is_spec_path(rel) and r.ws.text(rel) != od.source:
                    r.ws.set_document(rel, od.source)
        r.ready.set()
        self.publish(r, set(r.ws.docs), config_too=True)
        self.start_language(r)

    async def rebuild_root(self, r: Root) -> None:
        """Configuration changed: build the workspace again (the old one keeps serving until then)."""
        old_paths = set(r.ws.docs)
        new = self._make_root(r.path, scan=True)
        await self.index_root(new)
        gone = old_paths - set(new.ws.docs)
        for rel in gone:
            self._publish_one(new, rel, [])

    # ------------------------------------------------------------------------------------
    # checking after edits

    def schedule_check(self, r: Root, rel: str) -> None:
        key = (r.path, rel)
        h = self.pending.pop(key, None)
        if h is not None:
            h.cancel()
        delay = r.ws.config.debounce_ms / 1000.0
        if delay <= 0:
            self.check_now(r, rel)
        else:
            self.pending[key] = asyncio.get_running_loop().call_later(delay, self.check_now, r, rel)

    def check_now(self, r: Root, rel: str) -> None:
        self.pending.pop((r.path, rel), None)
        uri = self.uri_of(r, rel)
        ot = self.open_text(uri)
        if ot is None or not r.ready.is_set():
            return
        try:
            changed = r.ws.set_document(rel, ot[0])
        except IncrementalMismatch as e:
            self.log(f"PARANOID: {e}", T.MessageType.Error)
            self.window_show_message(T.ShowMessageParams(type=T.MessageType.Error, message="spec-lsp: incremental index mismatch (see log)"))
            changed = set(r.ws.docs)
        self.publish(r, changed | {rel})
        self.schedule_language(r, [rel])

    # ------------------------------------------------------------------------------------
    # publishing

    def diagnostics_for(self, r: Root, rel: str, findings: list[Finding] | None = None) -> list[T.Diagnostic]:
        codec = self.workspace.position_codec
        fs = findings if findings is not None else r.ws.findings(rel)
        lines = self.lines_of(r, rel)
        return [diagnostic(f, codec, lines, lambda p: self.lines_of(r, p), lambda p: self.uri_of(r, p), r.ws.config.docs_url) for f in fs]

    def _config_diagnostics(self, r: Root) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for f in r.ws.config_findings():
            out.setdefault(f.path, []).append(f)
        return out

    def publish(self, r: Root, rels: set[str], config_too: bool = False) -> None:
        refresh = False
        for rel in sorted(rels):
            if rel not in r.ws.docs:
                self._publish_one(r, rel, [])
                continue
            diags = self.diagnostics_for(r, rel)
            refresh |= self._publish_one(r, rel, diags)
        if config_too:
            cfg_files = self._config_diagnostics(r)
            for name in CONFIG_FILES:
                if (r.path / name).exists() or name in cfg_files:
                    fs = cfg_files.get(name, [])
                    uri = self.uri_of(r, name)
                    codec = self.workspace.position_codec
                    text = (r.path / name).read_text(encoding="utf-8", errors="replace") if (r.path / name).exists() else ""
                    lines = Lines(text).lines
                    diags = [diagnostic(f, codec, lines, lambda p: lines, lambda p: self.uri_of(r, p)) for f in fs]
                    if fs or (uri in self.pull_results):
                        self._publish_one(r, name, diags)
        if refresh and self.pull_mode:
            self._refresh_pull()

    def _publish_one(self, r: Root, rel: str, diags: list[T.Diagnostic]) -> bool:
        uri = self.uri_of(r, rel)
        self._result_counter += 1
        prev = self.pull_results.get(uri)
        self.pull_results[uri] = (str(self._result_counter) if prev is None or prev[1] != diags else prev[0], diags)
        if self.pull_mode:
            return prev is None or prev[1] != diags
        ot = self.open_text(uri)
        self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=diags, version=ot[1] if ot else None))
        return False

    def _refresh_pull(self) -> None:
        w = self.caps.workspace
        if w and w.diagnostics and w.diagnostics.refresh_support:
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception as e:
                self.log(f"diagnostic refresh failed: {e}")

    # ------------------------------------------------------------------------------------
    # the language pass

    def start_language(self, r: Root) -> None:
        lc = r.ws.config.language
        if not lc.enabled or not (r.ws.settings.any_enabled("language") or r.ws.settings.any_enabled("consistency")):
            return
        if r.lp is None and not r.lang_loading:
            r.lang_loading = True
            self.spawn(self._load_language(r))

    async def _load_language(self, r: Root) -> None:
        lp = LanguagePass(r.ws.config)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.lang_pool, lp.load)
        r.lp = lp
        r.lang_loading = False
        if not lp.ready or not lp.has_parser:
            if not self._lang_status_shown:
                self._lang_status_shown = True
                self.window_show_message(T.ShowMessageParams(type=T.MessageType.Warning, message=f"spec-lsp: {lp.status}"))
        self.log(f"language pass: {lp.status}")
        if not lp.ready:
            return
        # open documents first, then the rest of the workspace, with progress
        open_rels = []
        for uri in list(self.workspace.text_documents):
            loc = self.locate(uri)
            if loc and loc[0] is r and loc[1] in r.ws.docs:
                open_rels.append(loc[1])
        rest = [p for p in sorted(r.ws.docs) if p not in open_rels]
        await self._language_batch(r, open_rels)
        token = None
        if rest and self.supports_progress():
            token = f"spec-lsp-language-{abs(hash(str(r.path)))}"
            try:
                await self.work_done_progress.create_async(token)
                self.work_done_progress.begin(token, T.WorkDoneProgressBegin(title="spec-lsp: language rules", percentage=0))
            except Exception:
                token = None
        try:
            step = 16
            for k in range(0, len(rest), step):
                await self._language_batch(r, rest[k : k + step])
                if token:
                    self.work_done_progress.report(token, T.WorkDoneProgressReport(message=f"{min(k + step, len(rest))}/{len(rest)}", percentage=int(min(k + step, len(rest)) * 100 / len(rest))))
        finally:
            if token:
                self.work_done_progress.end(token, T.WorkDoneProgressEnd())
            await loop.run_in_executor(self.lang_pool, lp.flush)

    async def _language_batch(self, r: Root, rels: list[str]) -> None:
        lp = r.lp
        if lp is None or not lp.ready or not rels:
            return
        job = lp.prepare(r.ws, rels)
        res = await asyncio.get_running_loop().run_in_executor(self.lang_pool, lp.run, job)
        if self.roots.get(r.path) is not r:
            return  # the root was rebuilt meanwhile
        changed = lp.apply(r.ws, res)
        if changed:
            self.publish(r, changed)

    def schedule_language(self, r: Root, rels: list[str]) -> None:
        if r.lp is not None and r.lp.ready:
            self.spawn(self._language_batch(r, rels))

    # ------------------------------------------------------------------------------------
    # settings

    async def fetch_settings(self) -> None:
        if not self.supports_configuration():
            return
        try:
            items = [T.ConfigurationItem(section="specLsp")]
            res = await self.workspace_configuration_async(T.ConfigurationParams(items=items))
            if res and isinstance(res[0], dict):
                self.editor_settings = res[0]
        except Exception as e:
            self.log(f"workspace/configuration failed: {e}")


def isolated(fn: Callable) -> Callable:
    """A notification handler whose errors are logged, never raised into the protocol."""

    if asyncio.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def awrapper(ls: SpecServer, params):
            try:
                return await fn(ls, params)
            except Exception:
                ls.log(f"{fn.__name__} failed:\n{traceback.format_exc()}", T.MessageType.Error)
        return awrapper

    @functools.wraps(fn)
    def wrapper(ls: SpecServer, params):
        try:
            return fn(ls, params)
        except Exception:
            ls.log(f"{fn.__name__} failed:\n{traceback.format_exc()}", T.MessageType.Error)
    return wrapper


def create_server(paranoid: bool = False) -> SpecServer:
    server = SpecServer(paranoid=paranoid)
    from . import lifecycle, features

    lifecycle.register(server)
    features.register(server)
    return server


def run(tcp: str | None = None, log_file: str | None = None, paranoid: bool = False) -> int:
    if log_file:
        logging.basicConfig(filename=log_file, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = create_server(paranoid=paranoid)
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0
