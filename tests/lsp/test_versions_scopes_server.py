"""Through the real server: invalid-lock-file (SPEC522) as a diagnostic on spec.lock (push and pull), and
the lock cycle in a format with scopes (spec-kit: FR-001 in two features): stale-evidence on one feature,
its hover, and the accept action that edits that feature's spec.lock line only."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lsprotocol import types as T

from lsp_helpers import apply_workspace_edit, indexed, open_doc, pos_of, start, uri, wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from speckit_versions_fixture import ALBUMS, SHARING, SHARING_SPEC, files  # noqa: E402
from versions_fixture import V1, cli, git, write, write_v1  # noqa: E402

pytestmark = pytest.mark.asyncio
INIT = {"diagnostics": {"debounceMs": 0}, "language": {"enabled": False}}
BAD_LOCK = 'version = 1\n\n[clauses]\nta01 = { sentence = "abc" }\n'  # no evidence: line 3 (0-based)


def change_all(client, u: str, version: int, old: str, new: str) -> None:
    lines = old.split("\n")
    end = T.Position(line=len(lines) - 1, character=len(lines[-1].encode("utf-16-le")) // 2)
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=u, version=version),
        content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=T.Position(line=0, character=0), end=end), text=new)]))


def codes_of(client, u, code):
    return [d for d in client.diagnostics.get(u, []) if d.code == code]


async def test_invalid_lock_file_is_a_diagnostic_on_spec_lock(tmp_path, stop_clients):
    root = tmp_path / "ws"
    write_v1(root)
    write(root, {"spec.lock": BAD_LOCK})
    client = await start(root, init=INIT)
    stop_clients.append(client)
    lu = uri(root, "spec.lock")
    # published with the initial index, on spec.lock itself, at the entry's line
    await wait_for(lambda: codes_of(client, lu, "SPEC522"), what="SPEC522 on spec.lock")
    (d,) = codes_of(client, lu, "SPEC522")
    assert d.range.start.line == 3 and d.severity == T.DiagnosticSeverity.Error
    assert "`clauses.ta01` needs string fields sentence and evidence" in d.message
    assert d.code_description.href.endswith("docs/rules/invalid-lock-file.md")
    # the user fixes it in the editor: cleared; breaks the TOML: back, on the broken line
    open_doc(client, root, "spec.lock")
    good = BAD_LOCK.replace('{ sentence = "abc" }', '{ sentence = "abc", evidence = "none" }')
    change_all(client, lu, 2, BAD_LOCK, good)
    await wait_for(lambda: not codes_of(client, lu, "SPEC522"), what="SPEC522 cleared")
    change_all(client, lu, 3, good, good + "[retired\n")
    await wait_for(lambda: codes_of(client, lu, "SPEC522"), what="SPEC522 again")
    (d,) = codes_of(client, lu, "SPEC522")
    assert d.range.start.line == 4 and "not valid TOML" in d.message


async def test_invalid_lock_file_in_pull_mode(tmp_path, stop_clients):
    root = tmp_path / "ws"
    write_v1(root)
    write(root, {"spec.lock": BAD_LOCK})
    client = await start(root, init={**INIT, "diagnostics": {"debounceMs": 0, "mode": "pull"}})
    stop_clients.append(client)
    lu = uri(root, "spec.lock")
    rep = await client.text_document_diagnostic_async(T.DocumentDiagnosticParams(text_document=T.TextDocumentIdentifier(uri=lu)))
    assert [(x.code, x.range.start.line) for x in rep.items] == [("SPEC522", 3)]
    ws = await client.workspace_diagnostic_async(T.WorkspaceDiagnosticParams(previous_result_ids=[]))
    (item,) = [i for i in ws.items if i.uri == lu]
    assert [x.code for x in item.items] == ["SPEC522"]
    # a spec document's report is unaffected (no SPEC522 there)
    su = uri(root, "spec.md")
    rep2 = await client.text_document_diagnostic_async(T.DocumentDiagnosticParams(text_document=T.TextDocumentIdentifier(uri=su)))
    assert not [x for x in rep2.items if x.code == "SPEC522"]
    assert V1  # the spec the lock belongs to


async def test_stale_evidence_per_feature_hover_and_accept(tmp_path, stop_clients):
    root = tmp_path / "ws"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, files())
    cli(root, "lock", check=0)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v1")
    client = await start(root, init={**INIT, "diff": {"base": "HEAD"}})
    stop_clients.append(client)
    await indexed(client, root)
    rel = f"{SHARING}/spec.md"
    u = open_doc(client, root, rel)
    reworded = SHARING_SPEC.replace("with a link", "with a private link 🔗")
    change_all(client, u, 2, SHARING_SPEC, reworded)
    await wait_for(lambda: codes_of(client, u, "SPEC520"), what="stale-evidence in feature 002")
    (d,) = codes_of(client, u, "SPEC520")
    write(root, {rel: reworded})
    at = pos_of(root, rel, "FR-001", offset=2)
    assert d.range.start.line == at.line and f"review {SHARING}/tasks.md (T020)" in d.message
    # feature 001's FR-001 is not stale
    a = uri(root, f"{ALBUMS}/spec.md")
    assert not codes_of(client, a, "SPEC520")
    h = await client.text_document_hover_async(T.HoverParams(text_document=T.TextDocumentIdentifier(uri=u), position=at))
    assert "feature 002-trip-sharing" in h.contents.value and "**Stale evidence**" in h.contents.value
    assert "**Reworded since `HEAD`**" in h.contents.value  # diff.base: keyed per feature too
    open_doc(client, root, f"{ALBUMS}/spec.md")
    h0 = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=a), position=pos_of(root, f"{ALBUMS}/spec.md", "FR-001", offset=2)))
    assert "feature 001-photo-albums" in h0.contents.value and "Unchanged since `HEAD`" in h0.contents.value
    assert "Locked: sentence and evidence unchanged" in h0.contents.value
    acts = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=u), range=d.range, context=T.CodeActionContext(diagnostics=[d])))
    (acc,) = [x for x in acts if x.title.startswith("Accept ")]
    assert acc.title == "Accept FR-001 (feature 002-trip-sharing) in spec.lock (reviewed its evidence)"
    (edits,) = acc.edit.changes.values()
    (e,) = edits
    assert e.range.end.line == e.range.start.line + 1 and e.new_text.startswith(f'"{SHARING}#FR-001" = ')
    apply_workspace_edit(root, acc.edit)
    client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(
        changes=[T.FileEvent(uri=uri(root, "spec.lock"), type=T.FileChangeType.Changed)]))
    await wait_for(lambda: not codes_of(client, u, "SPEC520"), what="stale-evidence cleared")
    assert cli(root, "lock", "--check").returncode == 0
    h = await client.text_document_hover_async(T.HoverParams(text_document=T.TextDocumentIdentifier(uri=u), position=at))
    assert "Locked: sentence and evidence unchanged" in h.contents.value
