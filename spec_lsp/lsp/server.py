"""The language server: state, lifecycle, text synchronisation, diagnostics and settings.

Feature handlers live in one module each (hover.py, definition.py, …) and are registered by
`register_features`.  All workspace state is owned by the event loop thread; heavy work (initial
indexing, spaCy) runs in executors and is applied back on the loop.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

from lsprotocol import types as T
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest, JsonRpcServerNotInitialized
from pygls.lsp.server import LanguageServer
from cattrs import ClassValidationError, transform_error
from pygls.protocol import JsonRPCRequestMessage, LanguageServerProtocol, default_converter

from .. import __version__
from ..core.config import CONFIG_FILES, Config, ConfigProblem, find_config_file, load_config, merged, read_regular
from ..language.langpass import LanguagePass
from ..core.model import Finding
from ..core.workspace import IncrementalMismatch, Workspace
from .convert import diagnostic, path_to_uri, uri_to_path
from .textdoc import LineIndex, SpecTextDocument, SpecWorkspace

log = logging.getLogger("spec_lsp")


# rules whose findings on a document depend on that document alone (safe to publish before the index is complete)
LOCAL_RULES = frozenset({"SPEC002", "SPEC010", "SPEC011", "SPEC104", "SPEC111", "SPEC130", "SPEC140"})


def project_root(d: Path) -> Path:
    """A real root for a lone file in directory `d`: the nearest directory with a spec-lsp config, else
    the enclosing git repository, else `d` itself (never above it). Lexical: symlinked paths are kept."""
    d = Path(os.path.normpath(d))
    for cand in (d, *d.parents):
        try:
            if find_config_file(cand) is not None or (cand / ".git").exists():
                return cand
        except (OSError, RecursionError):
            break
    return d


@dataclass
class Root:
    path: Path
    ws: Workspace
    ready: asyncio.Event
    lp: LanguagePass | None = None
    lang_loading: bool = False
    problems: list[ConfigProblem] = field(default_factory=list)
    loaded_from_disk: bool = True
    # the root as the editor names it (a workspace folder opened through a symlink keeps its own path):
    # every URI sent to the client is built from it, every file read goes through `path` (resolved)
    editor_path: Path | None = None
    # the document version each open document's index entry was computed from
    versions: dict[str, int | None] = field(default_factory=dict)
    # a sub-directory of another root with a config file of its own: that root's path (README: Configuration)
    parent: Path | None = None

    def rel(self, p: Path) -> str:
        """Workspace-relative path of `p`: lexically under the editor's root, else under the resolved root."""
        for base in (self.editor_path, self.path):
            if base is None:
                continue
            try:
                rel = Path(os.path.normpath(p)).relative_to(base).as_posix()
            except ValueError:
                continue
            if rel != "." and not rel.startswith("../"):
                return rel
        return p.resolve().relative_to(self.path).as_posix()


class Refusal(JsonRpcException):
    """An ordinary refusal (a rename onto a taken name, a rename on plain text): the user's answer, not a
    server fault. Sent as an error response with code RequestFailed, logged at info level, no traceback."""

    CODE = -32803  # LSP RequestFailed


class _Undeserializable:
    """A request whose params did not deserialize: answered with InvalidParams, never handled."""

    def __init__(self, msg_id, method: str, reason: str) -> None:
        self.id, self.method, self.reason = msg_id, method, reason


def _strict(kind: type, what: str):
    def hook(v, t):
        if t is not kind:  # an enum derived from int or str: lsprotocol's rule (the value must be a member)
            return t(v)
        if type(v) is not kind:
            raise TypeError(f"expected {what}, got {type(v).__name__}")
        return v
    return hook


def strict_converter():
    """lsprotocol's converter, except that a string is never taken for an integer (or `null` for a string)."""
    c = default_converter()
    c.register_structure_hook(int, _strict(int, "an integer"))
    c.register_structure_hook(str, _strict(str, "a string"))
    c.register_structure_hook(bool, _strict(bool, "a boolean"))
    return c


class SpecProtocol(LanguageServerProtocol):
    """LSP's lifecycle rules on top of pygls: every request gets an answer.

    * params that do not deserialize (negative or too large positions, strings for integers, `null`) →
      InvalidParams, with the request id;
    * a request before `initialize` → ServerNotInitialized; a second `initialize` → InvalidRequest;
    * a request after `shutdown` → InvalidRequest; `exit` without `shutdown` exits with code 1 (pygls);
    * a refusal (`Refusal`) is an error response logged at info level, without a traceback.
    """

    def __init__(self, server, converter) -> None:
        super().__init__(server, converter)
        self._initialize_seen = False

    def structure_message(self, data):
        if isinstance(data, dict) and "jsonrpc" in data and "id" in data and "method" in data:
            request_type = self.get_message_type(data["method"]) or JsonRPCRequestMessage
            try:
                return self._converter.structure(data, request_type)
            except Exception as exc:  # answered with InvalidParams in handle_message, logged at info level
                try:
                    reason = "; ".join(transform_error(exc, path="$")) if isinstance(exc, ClassValidationError) else repr(exc)
                except Exception:
                    reason = repr(exc)
                return _Undeserializable(data["id"], str(data["method"]), reason)
        return super().structure_message(data)

    def handle_message(self, message):
        if isinstance(message, _Undeserializable):
            log.info("invalid params for %s: %s", message.method, message.reason)
            self._send_response(message.id, None, JsonRpcInvalidParams(f"Invalid params for {message.method}: {message.reason}").to_response_error())
            return
        method = getattr(message, "method", None)
        is_request = method is not None and getattr(message, "id", None) is not None
        if method == T.INITIALIZE and is_request:
            if self._initialize_seen:
                self._send_response(message.id, None, JsonRpcInvalidRequest("The server is already initialized.").to_response_error())
                return
            self._initialize_seen = True
        elif method is not None and method != T.EXIT and not self._initialize_seen:
            if is_request:
                self._send_response(message.id, None, JsonRpcServerNotInitialized("The server is not initialized yet.").to_response_error())
            return
        if method == T.EXIT:
            # LSP: exit code 0 after a shutdown request, 1 without one
            self._server.exit_code = 0 if self._shutdown else 1
        if self._shutdown and method is not None and method != T.EXIT:
            if is_request:
                self._send_response(message.id, None, JsonRpcInvalidRequest("The server is shutting down.").to_response_error())
            return
        return super().handle_message(message)

    def _send_handler_result(self, future, *, msg_id):
        if not future.cancelled():
            exc = future.exception()
            if isinstance(exc, Refusal):
                self._request_futures.pop(msg_id, None)
                log.info("request %s refused: %s", msg_id, exc.message)
                self._send_response(msg_id, error=exc.to_response_error())
                return
        return super()._send_handler_result(future, msg_id=msg_id)


class SpecServer(LanguageServer):
    def __init__(self, paranoid: bool = False) -> None:
        super().__init__("spec-lsp", __version__, text_document_sync_kind=T.TextDocumentSyncKind.Incremental, max_workers=2,
                         protocol_cls=SpecProtocol, converter_factory=strict_converter)
        self.paranoid = paranoid
        self.roots: dict[Path, Root] = {}
        self.folders: list[Path] = []
        self.editor_settings: dict[str, Any] = {}
        self.init_options: dict[str, Any] = {}
        self.pull_mode = False
        self.pending: dict[tuple[Path, str], asyncio.TimerHandle] = {}
        self._last_check: dict[tuple[Path, str], float] = {}  # loop time of each document's last check (debounce)
        self.pull_results: dict[str, tuple[str, list]] = {}  # uri -> (result id, diagnostics)
        self._result_counter = 0
        self.lang_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spec-lsp-nlp")
        self.index_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spec-lsp-index")
        self._index_cache: dict[tuple[Path, str], LineIndex] = {}
        self._lang_status_shown = False
        self._background: set[asyncio.Task] = set()
        self.exit_code = 0

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

    def root_for(self, path: Path, create: bool = True) -> Root | None:
        """The root a file belongs to; for a file outside every root, a new root: its project (the nearest
        directory with a spec-lsp config, else its git repository), else the file's own directory, indexed
        in the background. A file in a directory that does not exist belongs to no root: the server never
        indexes a parent or `/` because of it."""
        best = self._known_root(path)
        if best is not None or not create:
            return best
        parent = path.parent
        if not parent.is_dir():
            return None
        rp = project_root(parent)
        if rp.resolve() in self.roots:
            return self.roots[rp.resolve()]
        # never index the whole file system or a home directory because a lone file was opened there
        scan = rp.resolve() not in (Path(rp.anchor), Path.home().resolve())
        r = self._make_root(rp, scan=scan)
        if scan:
            self.spawn(self.index_root(r))
        return r

    def _known_root(self, path: Path) -> Root | None:
        lexical = Path(os.path.normpath(path))
        best: Root | None = None
        best_len = -1
        resolved = None
        for r in self.roots.values():
            for base in (r.editor_path, r.path):
                if base is None:
                    continue
                if lexical == base or base in lexical.parents:
                    n = len(str(base))
                    if n > best_len:
                        best, best_len = r, n
        if best is not None:
            return best
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):
            return None
        for r in self.roots.values():
            if resolved == r.path or r.path in resolved.parents:
                n = len(str(r.path))
                if n > best_len:
                    best, best_len = r, n
        return best

    def _config_for(self, root: Path) -> tuple[Config, list[ConfigProblem]]:
        file_cfg, problems = load_config(root)
        settings = {**self.init_options, **self.editor_settings}
        return merged(file_cfg, settings, problems)

    def _make_root(self, root: Path, scan: bool, editor_path: Path | None = None) -> Root:
        editor = Path(os.path.normpath(editor_path or root))
        root = root.resolve()
        cfg, problems = self._config_for(root)
        ws = Workspace(root, cfg, problems, paranoid=self.paranoid)
        r = Root(root, ws, asyncio.Event(), problems=problems, loaded_from_disk=scan, editor_path=editor)
        self.roots[root] = r
        if not scan:
            r.ready.set()
        return r

    def reconfigure(self, r: Root) -> None:
        """New settings for a root that is not indexed yet: same Root object, new workspace."""
        cfg, problems = self._config_for(r.path)
        r.ws = Workspace(r.path, cfg, problems, paranoid=self.paranoid)
        r.problems = problems

    def locate(self, uri: str, create: bool = False) -> tuple[Root, str] | None:
        """The root and relative path of a URI. Only opening a document (`create`) makes a new root for a
        file outside every root; a request about some other file never starts indexing anything."""
        p = uri_to_path(uri)
        if p is None:
            return None
        if not create and self._known_root(p) is None and self.open_doc(uri) is not None:
            create = True  # opened before: its root was refused or not made yet
        r = self.root_for(p, create=create)
        if r is None:
            return None
        try:
            return r, r.rel(p)
        except (ValueError, OSError, RuntimeError):
            return None

    def uri_of(self, root: Root, rel: str) -> str:
        return path_to_uri((root.editor_path or root.path) / rel)

    def open_doc(self, uri: str):
        return self.workspace.text_documents.get(unquote(uri))

    def open_text(self, uri: str) -> tuple[str, int | None] | None:
        doc = self.open_doc(uri)
        if doc is None:
            return None
        return doc.source, doc.version

    def index_of(self, root: Root, rel: str) -> LineIndex:
        """The line index of a document as the client sees it: the open buffer, else the indexed text."""
        od = self.open_doc(self.uri_of(root, rel))
        if isinstance(od, SpecTextDocument):
            return od.index
        if od is not None:
            return LineIndex(od.source, self.workspace.position_encoding)
        text = root.ws.text(rel)
        if text is None:
            text = ""
        key = (root.path, rel)
        hit = self._index_cache.get(key)
        if hit is not None and hit.text is text:
            return hit
        ix = LineIndex(text, self.workspace.position_encoding)
        self._index_cache[key] = ix
        return ix

    def flush(self, r: Root) -> None:
        """Bring the index up to the latest text of every open document of the root (pending debounced
        checks run now): any request that reads the index calls this first. Only publishing is debounced."""
        for key in [k for k in self.pending if k[0] == r.path]:
            h = self.pending.pop(key, None)
            if h is not None:
                h.cancel()
                self.check_now(r, key[1])

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
        open_rels: list[str] = []
        for uri, od in list(self.workspace.text_documents.items()):
            p = uri_to_path(uri)
            if p is None or self._known_root(p) is not r:
                continue
            try:
                rel = r.rel(p)
            except (ValueError, OSError, RuntimeError):
                continue
            if r.ws.is_spec_path(rel):
                if r.ws.text(rel) != od.source:
                    r.ws.set_document(rel, od.source)
                r.versions[rel] = od.version
                open_rels.append(rel)
        r.ready.set()
        # the open documents first, then the rest of the workspace
        self.publish(r, set(open_rels))
        await asyncio.sleep(0)
        self.publish(r, set(r.ws.docs) - set(open_rels), config_too=True)
        self.start_language(r)
        self.spawn(self.scan_citations(r))
        self.add_nested_roots(r)

    def add_nested_roots(self, r: Root) -> None:
        """The sub-directories with a config file of their own that the root's walk found (and left out):
        each is a root of its own, with its own settings, as `spec-lsp check` makes it."""
        if self.roots.get(r.path) is not r:
            return
        for n in r.ws.nested_roots:
            sub = r.path / n
            if sub in self.roots:
                continue
            nr = self._make_root(sub, scan=True, editor_path=(r.editor_path or r.path) / n)
            nr.parent = r.path
            self.spawn(self.index_root(nr))

    async def scan_citations(self, r: Root) -> None:
        """The citation scan of the repository's other files (spec_lsp/trace): listed, read and scanned in a
        worker thread after the spec documents' first diagnostics are out; installed on the loop."""
        from ..trace.index import repo_files, scan_files

        ws = r.ws
        loop = asyncio.get_running_loop()
        spec = ws.scan_spec()

        def work():
            rels = repo_files(ws.root)
            return scan_files(ws.root, [p for p in rels if ws.is_code_path(p)], spec, 1)

        try:
            got = await loop.run_in_executor(self.index_pool, work)
        except Exception as e:  # never fatal: spec features work without citations
            self.log(f"citation scan failed: {e}", T.MessageType.Warning)
            return
        if self.roots.get(r.path) is not r or r.ws is not ws:
            return  # rebuilt meanwhile; the new root scans for itself
        got = {p: cf for p, cf in got.items() if ws.is_code_path(p)}
        try:
            changed = ws.install_code(got, replace_all=True)
        except IncrementalMismatch as e:
            self.log(f"PARANOID: {e}", T.MessageType.Error)
            changed = set(ws.docs) | set(ws.code)
        self.publish(r, changed)

    def publish_provisional(self, r: Root, rel: str, text: str, version: int | None) -> None:
        """Before the root's index is ready: the opened document's own findings, from a workspace holding
        only that document. Only rules that read nothing but the document itself are published (no
        cross-file rule could be right yet); the full set follows when the index is complete."""
        try:
            ws = Workspace(r.path, r.ws.config, r.problems)
            ws.set_document(rel, text)
            fs = [f for f in ws.findings(rel) if f.code in LOCAL_RULES]
        except Exception as e:  # never let a provisional check cost the real one
            self.log(f"provisional check of {rel} failed: {e!r}")
            return
        ix = LineIndex(text, self.workspace.position_encoding)
        diags = [diagnostic(f, ix, lambda p: ix, lambda p: self.uri_of(r, p)) for f in fs]
        self._publish_one(r, rel, diags)

    async def rebuild_root(self, r: Root) -> None:
        """Configuration changed: build the workspace again (the old one keeps serving until then)."""
        old_paths = set(r.ws.docs)
        if r.parent is not None and find_config_file(r.path) is None:
            # a nested root's config file is gone: its files belong to the enclosing root again
            self.drop_root(r)
            outer = self.roots.get(r.parent)
            if outer is not None:
                await self.rebuild_root(outer)
            return
        new = self._make_root(r.path, scan=True, editor_path=r.editor_path)
        new.parent = r.parent
        await self.index_root(new)
        gone = old_paths - set(new.ws.docs)
        for rel in gone:
            self._publish_one(new, rel, [])

    def drop_root(self, r: Root) -> None:
        """Forget a root (and the nested roots inside it), clearing the diagnostics it published."""
        for other in [o for o in self.roots.values() if o.parent == r.path]:
            self.drop_root(other)
        if self.roots.get(r.path) is r:
            del self.roots[r.path]
        for rel in set(r.ws.docs) | set(r.ws.finding_paths()):
            self._publish_one(r, rel, [])

    # ------------------------------------------------------------------------------------
    # checking after edits

    def schedule_check(self, r: Root, rel: str) -> None:
        """Debounce on the trailing edge of a burst, not of an isolated edit: an edit that comes after a pause
        (no check of this document pending, none started within the debounce window) is checked at once — a
        pasted word, a completion, a quick fix, a keystroke after a pause shows its diagnostics without waiting;
        an edit inside a burst (typing) waits until the burst has paused for the window, so a typed word is
        checked once, not once per keystroke."""
        key = (r.path, rel)
        h = self.pending.pop(key, None)
        if h is not None:
            h.cancel()
        delay = r.ws.config.debounce_ms / 1000.0
        loop = asyncio.get_running_loop()
        last = self._last_check.get(key)
        if delay <= 0 or (h is None and (last is None or loop.time() - last >= delay)):
            self.check_now(r, rel)
        else:
            self.pending[key] = loop.call_later(delay, self.check_now, r, rel)

    def check_now(self, r: Root, rel: str) -> None:
        self.pending.pop((r.path, rel), None)
        self._last_check[(r.path, rel)] = asyncio.get_running_loop().time()
        uri = self.uri_of(r, rel)
        ot = self.open_text(uri)
        if ot is None or not r.ready.is_set():
            return
        try:
            changed = r.ws.set_document(rel, ot[0])
            r.versions[rel] = ot[1]
        except IncrementalMismatch as e:
            self.log(f"PARANOID: {e}", T.MessageType.Error)
            self.window_show_message(T.ShowMessageParams(type=T.MessageType.Error, message="spec-lsp: incremental index mismatch (see log)"))
            changed = set(r.ws.docs)
        self.publish(r, changed | {rel})
        self.schedule_language(r, [rel])

    # ------------------------------------------------------------------------------------
    # publishing

    def diagnostics_for(self, r: Root, rel: str, findings: list[Finding] | None = None) -> list[T.Diagnostic]:
        fs = findings if findings is not None else r.ws.findings(rel)
        ix = self.index_of(r, rel)
        return [diagnostic(f, ix, lambda p: self.index_of(r, p), lambda p: self.uri_of(r, p), r.ws.config.docs_url) for f in fs]

    def _config_diagnostics(self, r: Root) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for f in r.ws.config_findings():
            out.setdefault(f.path, []).append(f)
        return out

    def publish(self, r: Root, rels: set[str], config_too: bool = False) -> None:
        refresh = False
        if config_too:  # with the config files: findings of files that are not documents (spec.lock's SPEC522)
            rels = set(rels) | {p for p in r.ws.finding_paths() if p not in r.ws.docs}
        for rel in sorted(rels):
            if rel not in r.ws.docs and rel not in r.ws.code and not r.ws.findings(rel):  # (spec.lock has findings, not a document)
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
                    try:  # a regular file only, bounded: a FIFO named .spec-lsp.toml must not block the loop
                        text = read_regular(r.path / name, 1024 * 1024).decode("utf-8", errors="replace")
                    except OSError:
                        text = ""
                    ix = LineIndex(text, self.workspace.position_encoding)
                    diags = [diagnostic(f, ix, lambda p: ix, lambda p: self.uri_of(r, p)) for f in fs]
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
    return server.exit_code
