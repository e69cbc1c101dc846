"""Helpers for end-to-end tests of `spec-lsp serve` over stdio with pytest-lsp's client profiles."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types as T
from pygls.workspace.position_codec import PositionCodec
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
NO_LANGUAGE = {"diagnostics": {"debounceMs": 0}, "language": {"enabled": False}}
PROFILES = {"vscode": "visual-studio-code", "nvim-0.11": "neovim@v0.11.0", "nvim-0.7": "neovim@v0.7.0"}


def copy_fixture(tmp_path: Path, name: str) -> Path:
    dst = tmp_path / name
    shutil.copytree(FIXTURES / name, dst)
    return dst


async def start(root: Path, profile: str = "vscode", init: dict | None = None, caps: T.ClientCapabilities | None = None,
                env: dict | None = None) -> LanguageClient:
    env = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_CACHE_DIR=str(root.parent / ".cache"), **(env or {}))
    cfg = ClientServerConfig(server_command=[sys.executable, "-m", "spec_lsp", "serve"], server_env=env)
    client = await cfg.start()
    client.published_uris = []  # every publishDiagnostics, in order
    client.published = []  # (uri, version, time, diagnostics) of every publishDiagnostics, in order

    fm = client.protocol.fm
    default = fm.features[T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def _publish(params: T.PublishDiagnosticsParams):
        default(params)
        client.published_uris.append((params.uri, params.version, time.perf_counter()))
        client.published.append((params.uri, params.version, time.perf_counter(), list(params.diagnostics)))

    fm.features[T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish

    @client.feature(T.CLIENT_REGISTER_CAPABILITY)
    def _register(params):
        client.registrations = getattr(client, "registrations", []) + list(params.registrations)
        return None

    caps = caps or client_capabilities(PROFILES.get(profile, profile))
    result = await client.initialize_session(T.InitializeParams(
        capabilities=caps, root_uri=root.as_uri(),
        workspace_folders=[T.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options=init if init is not None else NO_LANGUAGE,
    ))
    client.init_result = result
    return client


async def wait_for(cond, timeout: float = 20.0, what: str = "condition"):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        v = cond()
        if v:
            return v
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def indexed(client: LanguageClient, root: Path, n_files: int | None = None):
    """Wait until the initial index published diagnostics for every spec file (push mode)."""
    n = n_files if n_files is not None else sum(1 for _ in root.rglob("*.md"))
    await wait_for(lambda: len({u for u, _v, _t in client.published_uris}) >= n, what=f"diagnostics for {n} files")


def uri(root: Path, rel: str) -> str:
    return (root / rel).as_uri()


def open_doc(client: LanguageClient, root: Path, rel: str, version: int = 1) -> str:
    u = uri(root, rel)
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(
        uri=u, language_id="markdown", version=version, text=(root / rel).read_text(encoding="utf-8"))))
    return u


def pos_of(root: Path, rel: str, needle: str, offset: int = 0, encoding: str = "utf-16", nth: int = 0) -> T.Position:
    """The client position (in `encoding` units) of `needle` (+ offset code points) in a file."""
    lines = (root / rel).read_text(encoding="utf-8").split("\n")
    seen = 0
    for i, ln in enumerate(lines):
        k = ln.find(needle)
        while k >= 0:
            if seen == nth:
                prefix = ln[: k + offset]
                if encoding == "utf-16":
                    col = len(prefix.encode("utf-16-le")) // 2
                elif encoding == "utf-8":
                    col = len(prefix.encode("utf-8"))
                else:
                    col = len(prefix)
                return T.Position(line=i, character=col)
            seen += 1
            k = ln.find(needle, k + 1)
    raise AssertionError(f"{needle!r} not found in {rel}")


def apply_workspace_edit(root: Path, edit: T.WorkspaceEdit, encoding: str = "utf-16") -> None:
    """Apply a WorkspaceEdit to files on disk, as an editor would (documentChanges in order)."""
    codec = PositionCodec(encoding=encoding)

    def path(u: str) -> Path:
        return Path(unquote(urlparse(u).path))

    def apply_text(p: Path, edits) -> None:
        text = p.read_text(encoding="utf-8") if p.exists() else ""
        lines = text.splitlines(True) or [""]
        starts = [0]
        for ln in lines:
            starts.append(starts[-1] + len(ln))

        def off(pos: T.Position) -> int:
            sp = codec.position_from_client_units(lines, T.Position(line=pos.line, character=pos.character))
            if sp.line >= len(lines):
                return len(text)
            return starts[sp.line] + sp.character

        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            a, b = off(e.range.start), off(e.range.end)
            text = text[:a] + e.new_text + text[b:]
        p.write_text(text, encoding="utf-8")

    if edit.document_changes:
        for ch in edit.document_changes:
            if isinstance(ch, T.TextDocumentEdit):
                apply_text(path(ch.text_document.uri), ch.edits)
            elif isinstance(ch, T.RenameFile):
                src, dst = path(ch.old_uri), path(ch.new_uri)
                assert not dst.exists(), f"rename target exists: {dst}"
                src.rename(dst)
            elif isinstance(ch, T.CreateFile):
                p = path(ch.uri)
                p.parent.mkdir(parents=True, exist_ok=True)
                if not p.exists():
                    p.write_text("", encoding="utf-8")
            elif isinstance(ch, T.DeleteFile):
                path(ch.uri).unlink()
    for u, edits in (edit.changes or {}).items():
        apply_text(path(u), edits)
