"""spec-kit navigation through the real server (stdio): scoped definition/references/hover/completion/
rename, symbols and code lenses, on fixtures/speckit (two features that both restart FR-001)."""

from __future__ import annotations

import pytest
from lsprotocol import types as T

from lsp_helpers import apply_workspace_edit, copy_fixture, indexed, open_doc, pos_of, start, uri

pytestmark = pytest.mark.asyncio
A = "specs/001-photo-albums"
B = "specs/002-trip-sharing"


def tdi(u: str) -> T.TextDocumentIdentifier:
    return T.TextDocumentIdentifier(uri=u)


async def _start(tmp_path, stop_clients, profile="vscode"):
    root = copy_fixture(tmp_path, "speckit")
    client = await start(root, profile)
    stop_clients.append(client)
    await indexed(client, root)
    return root, client


async def test_hover_definition_references_stay_in_the_feature(tmp_path, stop_clients):
    root, client = await _start(tmp_path, stop_clients)
    su = open_doc(client, root, f"{A}/spec.md")
    p = pos_of(root, f"{A}/spec.md", "FR-004", 1)
    h = await client.text_document_hover_async(T.HoverParams(text_document=tdi(su), position=p))
    assert h.contents.value.startswith("**FR-004** · feature 001-photo-albums · cited by T012")
    assert "number of photos" in h.contents.value
    # from the requirement to its evidence: the task that cites it
    d = await client.text_document_definition_async(T.DefinitionParams(text_document=tdi(su), position=p))
    assert [(x.uri, x.range.start.line) for x in d] == [(uri(root, f"{A}/tasks.md"), 10)]
    # and back: a task's (FR-004) goes to this feature's FR-004, not to feature 002's
    tu = open_doc(client, root, f"{A}/tasks.md")
    tp = pos_of(root, f"{A}/tasks.md", "FR-004", 1)
    back = await client.text_document_definition_async(T.DefinitionParams(text_document=tdi(tu), position=tp))
    assert [(x.uri, x.range.start.line) for x in back] == [(su, 23)]
    refs = await client.text_document_references_async(T.ReferenceParams(
        text_document=tdi(su), position=pos_of(root, f"{A}/spec.md", "FR-001", 1), context=T.ReferenceContext(include_declaration=True)))
    files = sorted({r.uri.rsplit("/specs/", 1)[1] for r in refs})
    assert files == ["001-photo-albums/checklists/requirements.md", "001-photo-albums/plan.md",
                     "001-photo-albums/spec.md", "001-photo-albums/tasks.md"]


async def test_symbols_completion_code_lens_use_the_format(tmp_path, stop_clients):
    root, client = await _start(tmp_path, stop_clients)
    su = open_doc(client, root, f"{A}/spec.md")
    syms = await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=tdi(su)))

    def names(ss):
        for s in ss:
            yield s.name
            yield from names(s.children or [])

    got = set(names(syms))
    assert {"FR-001", "FR-006", "SC-002"} <= got and not any(n.startswith("[^") for n in got)
    lenses = await client.text_document_code_lens_async(T.CodeLensParams(text_document=tdi(su)))
    titles = [le.command.title for le in lenses]
    assert "cited by T012" in titles and "no evidence" in titles  # FR-004; FR-006 has no task
    # completion of IDs of this feature only (FR-005 and FR-006 exist only in 001; 002 stops at FR-004)
    bu = open_doc(client, root, f"{B}/tasks.md")
    lines = (root / B / "tasks.md").read_text().split("\n")
    n = len(lines) - 1
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=bu, version=2),
        content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=T.Position(line=n, character=0), end=T.Position(line=n, character=0)),
                                                            text="- [ ] **T004** Résumé 🌅 (FR-0")]))
    col = len("- [ ] **T004** Résumé 🌅 (FR-0".encode("utf-16-le")) // 2  # the emoji counts 2
    import asyncio

    await asyncio.sleep(0.3)
    comp = await client.text_document_completion_async(T.CompletionParams(text_document=tdi(bu), position=T.Position(line=n, character=col)))
    assert sorted(i.label for i in comp.items) == ["FR-001", "FR-002", "FR-003", "FR-004"]
    assert comp.items[0].text_edit.range.start.character == col - len("FR-0")


async def test_rename_renames_within_the_feature_only(tmp_path, stop_clients):
    root, client = await _start(tmp_path, stop_clients)
    su = open_doc(client, root, f"{B}/spec.md")
    p = pos_of(root, f"{B}/spec.md", "FR-003", 1)
    prep = await client.text_document_prepare_rename_async(T.PrepareRenameParams(text_document=tdi(su), position=p))
    assert prep.placeholder == "FR-003"
    refused = None
    try:
        await client.text_document_rename_async(T.RenameParams(text_document=tdi(su), position=p, new_name="FR-002"))
    except Exception as e:  # taken in this feature
        refused = str(e)
    assert refused and "already taken in feature 002-trip-sharing" in refused
    edit = await client.text_document_rename_async(T.RenameParams(text_document=tdi(su), position=p, new_name="FR-005"))
    touched = sorted(c.text_document.uri.rsplit("/specs/", 1)[1] for c in edit.document_changes)
    assert touched == ["002-trip-sharing/spec.md", "002-trip-sharing/tasks.md"]
    before_a = (root / A / "spec.md").read_text()
    apply_workspace_edit(root, edit)
    assert "**FR-005** Invited people" in (root / B / "spec.md").read_text()
    assert "(FR-005, FR-004)" in (root / B / "tasks.md").read_text()
    assert (root / A / "spec.md").read_text() == before_a  # feature 001's FR-003 untouched
