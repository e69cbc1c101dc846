"""The core half of the issue-9 attacks against the real `spec-lsp serve` over stdio: special files
and symlinks out of the workspace in the indexed folder, a config that cannot be parsed, and user
regular expressions from the editor's settings.  The server must index, answer and publish."""

from __future__ import annotations

import asyncio
import os

import pytest
from lsprotocol import types as T

from lsp_helpers import open_doc, start, uri, wait_for

pytestmark = pytest.mark.asyncio

NO_LANG = {"diagnostics": {"debounceMs": 0}, "language": {"enabled": False}}


def write(root, rel, text):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


def codes(client, root, rel) -> list[str]:
    return sorted(str(d.code) for d in client.diagnostics.get(uri(root, rel), []))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
async def test_server_indexes_a_folder_with_a_fifo_and_symlinks_out(tmp_path, stop_clients):
    root, outside = tmp_path / "ws", tmp_path / "outside"
    write(root, "spec.md", "# T\n\nA clause.[^a1]\n")
    write(outside, "secret.md", "# Secret\n\nSecret text.[^sec1]\n")
    os.mkfifo(root / "pipe.md")
    (root / "zero.md").symlink_to("/dev/zero")
    (root / "leak.md").symlink_to(outside / "secret.md")
    client = await start(root, init=NO_LANG)
    stop_clients.append(client)
    await wait_for(lambda: uri(root, "pipe.md") in client.diagnostics and uri(root, "spec.md") in client.diagnostics,
                   what="diagnostics for spec.md and pipe.md")
    assert codes(client, root, "pipe.md") == ["SPEC002"]
    assert "named pipe" in client.diagnostics[uri(root, "pipe.md")][0].message
    assert "SPEC101" in codes(client, root, "spec.md")
    await asyncio.sleep(0.3)
    published = {u for u, _v, _t in client.published_uris}
    assert uri(root, "zero.md") not in published and uri(root, "leak.md") not in published
    syms = await client.workspace_symbol_async(T.WorkspaceSymbolParams(query="sec1"))
    assert not syms


async def test_initialize_survives_a_deeply_nested_toml(tmp_path, stop_clients):
    write(tmp_path, ".spec-lsp.toml", "x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    write(tmp_path, "spec.md", "# T\n\nA clause.[^a1]\n")
    client = await start(tmp_path, init=NO_LANG)  # initialize would fail with a RecursionError before
    stop_clients.append(client)
    assert client.init_result.capabilities.text_document_sync is not None
    await wait_for(lambda: uri(tmp_path, "spec.md") in client.diagnostics, what="diagnostics for spec.md")
    assert "SPEC101" in codes(client, tmp_path, "spec.md")  # defaults in force: examples/{id}.md is expected
    await wait_for(lambda: uri(tmp_path, ".spec-lsp.toml") in client.diagnostics, what="the config error")
    (d,) = client.diagnostics[uri(tmp_path, ".spec-lsp.toml")]
    assert str(d.code) == "SPEC001" and "nested too deeply" in d.message


async def test_editor_id_patterns_cannot_freeze_the_server(tmp_path, stop_clients):
    write(tmp_path, "spec.md", "# T\n\n" + "a" * 5000 + "b\n\n" + "," * 400 + "\n\nREQ-7: The system shall log.\n")
    init = dict(NO_LANG, idPatterns=["(a+)+$", "(.*,){15}Z", "REQ-\\d+"])
    client = await start(tmp_path, init=init)
    stop_clients.append(client)
    await wait_for(lambda: uri(tmp_path, "spec.md") in client.diagnostics, timeout=60, what="diagnostics for spec.md")
    diags = client.diagnostics[uri(tmp_path, "spec.md")]
    slow = [d for d in diags if str(d.code) == "SPEC001"]
    assert slow and "took too long" in slow[0].message and slow[0].range.start.line == 4
    u = open_doc(client, tmp_path, "spec.md")
    syms = await asyncio.wait_for(client.text_document_document_symbol_async(
        T.DocumentSymbolParams(text_document=T.TextDocumentIdentifier(uri=u))), 30)
    assert syms is not None
