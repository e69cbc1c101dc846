"""The lock cycle through the real server: stale-evidence and reused-id diagnostics, the accept code action
(an edit of spec.lock), the hover's lock status and `diff.base`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lsprotocol import types as T

from lsp_helpers import apply_workspace_edit, indexed, open_doc, pos_of, start, uri, wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from versions_fixture import V1, cli, git, write, write_v1  # noqa: E402

pytestmark = pytest.mark.asyncio
INIT = {"diagnostics": {"debounceMs": 0}, "language": {"enabled": False}, "diff": {"base": "HEAD"}}


def change_all(client, u: str, version: int, old: str, new: str) -> None:
    lines = old.split("\n")
    end = T.Position(line=len(lines) - 1, character=len(lines[-1].encode("utf-16-le")) // 2)
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=u, version=version),
        content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=T.Position(line=0, character=0), end=end), text=new)]))


def codes_of(client, u, code):
    return [d for d in client.diagnostics.get(u, []) if d.code == code]


async def test_stale_evidence_hover_and_accept(tmp_path, stop_clients):
    root = tmp_path / "ws"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_v1(root)
    cli(root, "lock", check=0)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v1")
    client = await start(root, init=INIT)
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, "spec.md")
    # reword ta02 (the line has ’ and ✈️ on it) in the buffer: its prompts did not change
    reworded = V1.replace("confirm the total price", "confirm the full total price")
    change_all(client, u, 2, V1, reworded)
    await wait_for(lambda: codes_of(client, u, "SPEC520"), what="stale-evidence")
    (d,) = codes_of(client, u, "SPEC520")
    write(root, {"spec.md": reworded})  # as if saved
    tag = pos_of(root, "spec.md", "[^ta02]", offset=3)
    assert d.range.start.line == tag.line and d.range.start.character <= tag.character <= d.range.end.character
    assert "review examples/ta02.md" in d.message and d.code_description.href.endswith("docs/rules/stale-evidence.md")
    # hover: lock status, and the clause against diff.base (HEAD)
    h = await client.text_document_hover_async(T.HoverParams(text_document=T.TextDocumentIdentifier(uri=u), position=tag))
    assert "**Stale evidence**" in h.contents.value and "**Reworded since `HEAD`**" in h.contents.value
    h1 = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=u), position=pos_of(root, "spec.md", "[^ta01]", offset=3)))
    assert "Locked: sentence and prompts unchanged" in h1.contents.value and "Unchanged since `HEAD`" in h1.contents.value
    # the accept action: one line of spec.lock replaced, computed on its current text
    acts = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=u), range=d.range, context=T.CodeActionContext(diagnostics=[d])))
    (acc,) = [a for a in acts if a.title.startswith("Accept [^ta02]")]
    (edits,) = acc.edit.changes.values()
    assert list(acc.edit.changes) == [uri(root, "spec.lock")]
    (e,) = edits
    assert e.range.end.line == e.range.start.line + 1 and e.new_text.startswith("ta02 = ")
    apply_workspace_edit(root, acc.edit)
    client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(
        changes=[T.FileEvent(uri=uri(root, "spec.lock"), type=T.FileChangeType.Changed)]))
    await wait_for(lambda: not codes_of(client, u, "SPEC520"), what="stale-evidence cleared")
    assert cli(root, "lock", "--check").returncode == 0  # the editor's edit is what the CLI would write


async def test_reused_id_diagnostic_and_accept(tmp_path, stop_clients):
    root = tmp_path / "ws"
    write_v1(root)
    cli(root, "lock", check=0)
    removed = V1.replace("The booking service should offer the cheapest fare first[^ta03].\n", "")
    write(root, {"spec.md": removed})
    (root / "examples/ta03.md").unlink()
    cli(root, "lock", check=0)  # ta03 retired
    client = await start(root, init={"diagnostics": {"debounceMs": 0}, "language": {"enabled": False}})
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, "spec.md")
    reused = removed.replace("## Safety", "The assistant may store loyalty numbers “for later”[^ta03].\n\n## Safety")
    change_all(client, u, 2, removed, reused)
    await wait_for(lambda: codes_of(client, u, "SPEC521"), what="reused-id")
    (d,) = codes_of(client, u, "SPEC521")
    assert d.severity == T.DiagnosticSeverity.Error and "was retired" in d.message
    write(root, {"spec.md": reused})
    h = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=u), position=pos_of(root, "spec.md", "[^ta03]", offset=3)))
    assert "**Reused ID**" in h.contents.value
    acts = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=u), range=d.range, context=T.CodeActionContext(diagnostics=[d])))
    (acc,) = [a for a in acts if a.title.startswith("Accept [^ta03]")]
    apply_workspace_edit(root, acc.edit)
    client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(
        changes=[T.FileEvent(uri=uri(root, "spec.lock"), type=T.FileChangeType.Changed)]))
    await wait_for(lambda: not codes_of(client, u, "SPEC521"), what="reused-id cleared")
    text = (root / "spec.lock").read_text(encoding="utf-8")
    assert "ta03 = " in text.split("[retired]")[0] and "ta03 = " not in text.split("[retired]")[1]
