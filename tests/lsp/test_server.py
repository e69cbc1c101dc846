"""End-to-end: the real `spec-lsp serve` process over stdio, driven by pytest-lsp's client profiles."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
from lsprotocol import types as T
from pytest_lsp import client_capabilities

from lsp_helpers import (NO_LANGUAGE, REPO, apply_workspace_edit, copy_fixture, indexed, open_doc, pos_of, start, uri,
                      wait_for)

pytestmark = pytest.mark.asyncio


def codes(diags) -> list[str]:
    return sorted(str(d.code) for d in diags)


def core_check(root) -> list[tuple]:
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(root), "--no-language", "--format", "json", "--fail-on", "never"],
                       capture_output=True, text=True, cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    return sorted((f["code"], f["path"], f["subject"]) for f in json.loads(r.stdout))


# --- indexing and diagnostics ------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["vscode", "nvim-0.7"])
async def test_index_on_start_pushes_every_file(tmp_path, stop_clients, profile):
    root = copy_fixture(tmp_path, "broken")
    client = await start(root, profile)
    stop_clients.append(client)
    await indexed(client, root)
    spec = client.diagnostics[uri(root, "spec.md")]
    assert codes(spec) == ["SPEC010", "SPEC110", "SPEC110", "SPEC111", "SPEC111", "SPEC120", "SPEC121", "SPEC130", "SPEC140"]
    stale = [d for d in client.diagnostics[uri(root, "examples/pv02.md")] if d.code == "SPEC103"][0]
    assert stale.related_information and stale.related_information[0].location.uri == uri(root, "spec.md")
    assert stale.code_description and stale.code_description.href.endswith("docs/rules/stale-challenge-header.md")
    assert stale.source == "spec-lsp" and stale.data["fixes"][0]["newText"] == "Privacy"
    assert client.diagnostics[uri(root, "examples/zz99.md")][0].code == "SPEC102"
    # closed files too: none of these was opened
    if profile == "vscode":  # the VS Code profile supports work-done progress
        reports = [v for vs in client.progress_reports.values() for v in vs]
        kinds = [type(v).__name__ for v in reports]
        assert "WorkDoneProgressBegin" in kinds and "WorkDoneProgressEnd" in kinds


async def test_edit_republishes_only_affected_documents(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "model-spec")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, "spec.md")
    await wait_for(lambda: any(x[0] == u and x[1] == 1 for x in client.published_uris), what="open publish")
    client.published_uris.clear()
    p = pos_of(root, "spec.md", "rt01")
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=u, version=2),
        content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=p, end=T.Position(line=p.line, character=p.character + 4)), text="rt0x")]))
    await wait_for(lambda: {x[0] for x in client.published_uris} >= {u, uri(root, "examples/rt01.md")}, what="republish")
    await asyncio.sleep(0.3)
    assert {x[0] for x in client.published_uris} == {u, uri(root, "examples/rt01.md")}
    assert [x[1] for x in client.published_uris if x[0] == u] == [2]  # the document version
    assert codes(client.diagnostics[u]) == ["SPEC101"]
    assert codes(client.diagnostics[uri(root, "examples/rt01.md")]) == ["SPEC102"]
    # an edit that changes no finding republishes the edited document only
    client.published_uris.clear()
    q = pos_of(root, "spec.md", "question that was asked")
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=u, version=3),
        content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=q, end=q), text="x")]))
    await wait_for(lambda: client.published_uris, what="publish v3")
    await asyncio.sleep(0.3)
    assert [(x[0], x[1]) for x in client.published_uris] == [(u, 3)]


async def test_debounce_delays_a_burst_not_an_isolated_edit(tmp_path, stop_clients):
    """The debounce is on the trailing edge of a burst: an edit after a pause is checked at once; edits that
    follow a check within the window wait (here: a ten-minute window, so only a request's flush checks them)
    and are checked once, for the last version."""
    root = copy_fixture(tmp_path, "model-spec")
    client = await start(root, init={"diagnostics": {"debounceMs": 600_000}, "language": {"enabled": False}})
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, "spec.md")
    await wait_for(lambda: any(x[0] == u and x[1] == 1 for x in client.published_uris), what="open publish")
    client.published_uris.clear()
    p = pos_of(root, "spec.md", "rt01")
    mine = lambda: [x[1] for x in client.published_uris if x[0] == u]  # noqa: E731

    def insert(version: int, text: str) -> None:
        client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=u, version=version),
            content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=p, end=p), text=text)]))

    insert(2, "z")  # isolated: checked at once, not in ten minutes
    await wait_for(mine, what="publish of the isolated edit")
    assert mine() == [2]
    insert(3, "y")  # a burst: within the window of the check above
    insert(4, "x")
    await asyncio.sleep(0.3)
    assert mine() == [2]
    syms = await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=T.TextDocumentIdentifier(uri=u)))
    assert syms  # the request flushed the pending check
    await wait_for(lambda: mine()[1:], what="the burst's publish")
    await asyncio.sleep(0.1)
    assert mine() == [2, 4]  # one check, of the last version


async def test_pull_diagnostics_result_ids(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "broken")
    client = await start(root, "nvim-0.11")
    stop_clients.append(client)
    assert client.init_result.capabilities.diagnostic_provider is not None
    u = open_doc(client, root, "spec.md")
    rep = await client.text_document_diagnostic_async(T.DocumentDiagnosticParams(text_document=T.TextDocumentIdentifier(uri=u)))
    assert isinstance(rep, T.RelatedFullDocumentDiagnosticReport) and rep.result_id
    assert "SPEC110" in codes(rep.items)
    again = await client.text_document_diagnostic_async(T.DocumentDiagnosticParams(text_document=T.TextDocumentIdentifier(uri=u), previous_result_id=rep.result_id))
    assert isinstance(again, T.RelatedUnchangedDocumentDiagnosticReport) and again.result_id == rep.result_id
    p = pos_of(root, "spec.md", "authority=admin", len("authority="), encoding="utf-8")
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=u, version=2),
        content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=p, end=T.Position(line=p.line, character=p.character + 5)), text="root")]))
    later = await client.text_document_diagnostic_async(T.DocumentDiagnosticParams(text_document=T.TextDocumentIdentifier(uri=u), previous_result_id=rep.result_id))
    assert isinstance(later, T.RelatedFullDocumentDiagnosticReport) and later.result_id != rep.result_id
    assert "SPEC130" not in codes(later.items)
    ws = await client.workspace_diagnostic_async(T.WorkspaceDiagnosticParams(previous_result_ids=[]))
    by_uri = {i.uri: i for i in ws.items}
    assert codes(by_uri[uri(root, "examples/zz99.md")].items) == ["SPEC102"]  # a closed file


# --- navigation ---------------------------------------------------------------------------------


async def test_hover_definition_references_on_emoji_line_utf16(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "model-spec")
    client = await start(root, "vscode")
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, "spec.md")
    p = pos_of(root, "spec.md", "rt02", 1)  # after 🙂 (two UTF-16 units) and “ ”
    assert p.character == (root / "spec.md").read_text().split("\n")[p.line].index("rt02") + 2  # emoji counts 2 in UTF-16
    h = await client.text_document_hover_async(T.HoverParams(text_document=T.TextDocumentIdentifier(uri=u), position=p))
    assert h is not None
    v = h.contents.value
    assert "keep the reply under 100 words" in v and "authority: `user`" in v
    assert "3 challenge prompts" in v and "quick answer to a complex question" in v
    assert h.range.start.character == p.character - 1  # the ID's range, in UTF-16
    d = await client.text_document_definition_async(T.DefinitionParams(text_document=T.TextDocumentIdentifier(uri=u), position=p))
    assert [loc.uri for loc in d] == [uri(root, "examples/rt02.md")]
    refs = await client.text_document_references_async(T.ReferenceParams(text_document=T.TextDocumentIdentifier(uri=u), position=p,
                                                                           context=T.ReferenceContext(include_declaration=True)))
    assert sorted(r.uri for r in refs) == sorted([u, uri(root, "examples/rt02.md")])
    no_decl = await client.text_document_references_async(T.ReferenceParams(text_document=T.TextDocumentIdentifier(uri=u), position=p,
                                                                             context=T.ReferenceContext(include_declaration=False)))
    assert [r.uri for r in no_decl] == [uri(root, "examples/rt02.md")]
    # from the challenge file's header back to the clause
    cu = open_doc(client, root, "examples/rt02.md")
    back = await client.text_document_definition_async(T.DefinitionParams(text_document=T.TextDocumentIdentifier(uri=cu), position=T.Position(line=0, character=16)))
    assert back[0].uri == u and back[0].range.start.line == p.line
    hh = await client.text_document_hover_async(T.HoverParams(text_document=T.TextDocumentIdentifier(uri=cu), position=T.Position(line=0, character=3)))
    assert "Challenge prompts for this clause" in hh.contents.value


async def test_anchor_links_hover_definition_references(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "model-spec")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    g = open_doc(client, root, "guide.md")
    p = pos_of(root, "guide.md", "#respect_time", 3)
    h = await client.text_document_hover_async(T.HoverParams(text_document=T.TextDocumentIdentifier(uri=g), position=p))
    assert "Respect the user’s time" in h.contents.value and "answer the question that was asked" in h.contents.value
    d = await client.text_document_definition_async(T.DefinitionParams(text_document=T.TextDocumentIdentifier(uri=g), position=p))
    assert d[0].uri == uri(root, "spec.md") and d[0].range.start.line == pos_of(root, "spec.md", "## Respect").line
    refs = await client.text_document_references_async(T.ReferenceParams(text_document=T.TextDocumentIdentifier(uri=g), position=p,
                                                                           context=T.ReferenceContext(include_declaration=False)))
    assert [(r.uri, r.range.start.line) for r in refs] == [(g, p.line)]
    links = await client.text_document_document_link_async(T.DocumentLinkParams(text_document=T.TextDocumentIdentifier(uri=g)))
    assert {lk.target for lk in links} == {uri(root, "spec.md")}
    s = open_doc(client, root, "spec.md")
    slinks = await client.text_document_document_link_async(T.DocumentLinkParams(text_document=T.TextDocumentIdentifier(uri=s)))
    assert uri(root, "examples/rt02.md") in {lk.target for lk in slinks}


async def test_utf8_position_encoding_when_offered(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "model-spec")
    client = await start(root, "nvim-0.11")
    stop_clients.append(client)
    assert client.init_result.capabilities.position_encoding == T.PositionEncodingKind.Utf8
    u = open_doc(client, root, "spec.md")
    p = pos_of(root, "spec.md", "rt02", 1, encoding="utf-8")
    h = await client.text_document_hover_async(T.HoverParams(text_document=T.TextDocumentIdentifier(uri=u), position=p))
    assert h is not None and "[^rt02]" in h.contents.value
    assert h.range.start.character == p.character - 1


async def test_symbols_completion_code_lens(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "model-spec")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, "spec.md")
    syms = await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=T.TextDocumentIdentifier(uri=u)))
    top = syms[0]
    assert top.name == "Assistant Behaviour Spec"
    names = {c.name: c for c in top.children}
    assert "Respect the user’s time" in names
    assert {c.name for c in names["Respect the user’s time"].children} == {"[^rt01]", "[^rt02]"}
    assert "Dual-use information" in {c.name for c in names["Refuse harmful requests"].children}
    ws = await client.workspace_symbol_async(T.WorkspaceSymbolParams(query="rt0"))
    assert {s.name.split()[0] for s in ws} >= {"[^rt01]", "[^rt02]"}
    # completion after [^ and after ](#
    lines = (root / "spec.md").read_text().split("\n")
    n = len(lines) - 1
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=u, version=2),
        content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=T.Position(line=n, character=0), end=T.Position(line=n, character=0)), text="See [^rt and [x](#re")]))
    await asyncio.sleep(0.2)
    comp = await client.text_document_completion_async(T.CompletionParams(text_document=T.TextDocumentIdentifier(uri=u), position=T.Position(line=n, character=8)))
    labels = [i.label for i in comp.items]
    assert "rt01" in labels and "rt02" in labels
    assert comp.items[0].text_edit.range.start.character == 6
    comp2 = await client.text_document_completion_async(T.CompletionParams(text_document=T.TextDocumentIdentifier(uri=u), position=T.Position(line=n, character=len("See [^rt and [x](#re"))))
    assert "respect_time" in [i.label for i in comp2.items] and "refuse_harm" in [i.label for i in comp2.items]
    lenses = await client.text_document_code_lens_async(T.CodeLensParams(text_document=T.TextDocumentIdentifier(uri=u)))
    titles = {le.command.title for le in lenses}
    assert "3 challenge prompts" in titles and "1 challenge prompt" in titles


async def test_code_actions_quick_fixes_and_create_file(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "broken")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, "spec.md")
    await wait_for(lambda: client.diagnostics.get(u))
    diags = client.diagnostics[u]
    broken = [d for d in diags if d.code == "SPEC120"][0]
    acts = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=u), range=broken.range, context=T.CodeActionContext(diagnostics=[broken])))
    fix = [a for a in acts if a.title == "Change to #privacy"][0]
    apply_workspace_edit(root, fix.edit)
    assert "[?](#privacy)" in (root / "spec.md").read_text()
    # creating the challenge file of a clause that has none
    (root / "spec.md").write_text((root / "spec.md").read_text().replace("<!-- spec-lsp: allow SPEC101 -- tested by the integration suite, not by prompts -->\n", ""))
    client.text_document_did_close(T.DidCloseTextDocumentParams(text_document=T.TextDocumentIdentifier(uri=u)))
    u = open_doc(client, root, "spec.md", version=5)
    await wait_for(lambda: any(d.code == "SPEC101" for d in client.diagnostics.get(u, [])), what="SPEC101")
    missing = [d for d in client.diagnostics[u] if d.code == "SPEC101"][0]
    acts = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=u), range=missing.range, context=T.CodeActionContext(diagnostics=[missing])))
    create = [a for a in acts if a.title == "Create examples/ct02.md"][0]
    assert isinstance(create.edit.document_changes[0], T.CreateFile)
    apply_workspace_edit(root, create.edit)
    assert (root / "examples/ct02.md").read_text().startswith("Examples for [^ct02] in Links:")


# --- rename -------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["vscode", "nvim-0.11"])
async def test_rename_clause_applies_completely(tmp_path, stop_clients, profile):
    root = copy_fixture(tmp_path, "model-spec")
    before = core_check(root)
    client = await start(root, profile)
    stop_clients.append(client)
    enc = "utf-8" if profile == "nvim-0.11" else "utf-16"
    u = open_doc(client, root, "spec.md")
    p = pos_of(root, "spec.md", "rt02", 2, encoding=enc)
    prep = await client.text_document_prepare_rename_async(T.PrepareRenameParams(text_document=T.TextDocumentIdentifier(uri=u), position=p))
    assert prep.placeholder == "rt02"
    edit = await client.text_document_rename_async(T.RenameParams(text_document=T.TextDocumentIdentifier(uri=u), position=p, new_name="qa01"))
    renames = [c for c in edit.document_changes if isinstance(c, T.RenameFile)]
    assert [(c.old_uri, c.new_uri) for c in renames] == [(uri(root, "examples/rt02.md"), uri(root, "examples/qa01.md"))]
    apply_workspace_edit(root, edit, encoding=enc)
    assert not (root / "examples/rt02.md").exists()
    assert (root / "examples/qa01.md").read_text().startswith("Examples for [^qa01] in Respect the user’s time:")
    text = (root / "spec.md").read_text()
    assert "[^qa01]" in text and "rt02" not in text and "🙂[^qa01]" in text
    after = core_check(root)
    assert after == before  # the same findings (none) as before


async def test_rename_anchor_updates_links_everywhere(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "model-spec")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    g = open_doc(client, root, "guide.md")
    p = pos_of(root, "guide.md", "#formatting", 2)
    edit = await client.text_document_rename_async(T.RenameParams(text_document=T.TextDocumentIdentifier(uri=g), position=p, new_name="layout"))
    apply_workspace_edit(root, edit)
    assert "{#layout authority=guideline}" in (root / "spec.md").read_text()
    assert "(spec.md#layout)" in (root / "guide.md").read_text()
    assert core_check(root) == []


async def test_rename_refusals(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "model-spec")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, "spec.md")
    p = pos_of(root, "spec.md", "rt02", 1)
    for bad, why in [("rt01", "already taken"), ("has space", "not a valid clause ID"), ("", "empty")]:
        with pytest.raises(Exception) as ei:
            await client.text_document_rename_async(T.RenameParams(text_document=T.TextDocumentIdentifier(uri=u), position=p, new_name=bad))
        assert why in str(ei.value)
    # a client that cannot rename files gets a clear error, not a half rename
    caps = client_capabilities("visual-studio-code")
    caps.workspace.workspace_edit = T.WorkspaceEditClientCapabilities(document_changes=True, resource_operations=[T.ResourceOperationKind.Create])
    c2 = await start(copy_fixture(tmp_path / "b", "model-spec"), caps=caps)
    stop_clients.append(c2)
    root2 = tmp_path / "b" / "model-spec"
    u2 = open_doc(c2, root2, "spec.md")
    with pytest.raises(Exception) as ei:
        await c2.text_document_rename_async(T.RenameParams(text_document=T.TextDocumentIdentifier(uri=u2), position=pos_of(root2, "spec.md", "rt02", 1), new_name="qa01"))
    assert "does not support renaming files" in str(ei.value)
    assert (root2 / "examples/rt02.md").exists()


# --- the outside world ---------------------------------------------------------------------------


async def test_file_deleted_on_disk_breaks_references(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "model-spec")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    assert any(r.method == "workspace/didChangeWatchedFiles" for r in getattr(client, "registrations", []))
    (root / "spec.md").unlink()
    client.published_uris.clear()
    client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=[T.FileEvent(uri=uri(root, "spec.md"), type=T.FileChangeType.Deleted)]))
    g = uri(root, "guide.md")
    await wait_for(lambda: any(d.code == "SPEC121" for d in client.diagnostics.get(g, [])), what="broken links in guide.md")
    assert codes(client.diagnostics[g]) == ["SPEC121", "SPEC121", "SPEC121"]
    assert codes(client.diagnostics[uri(root, "examples/rt02.md")]) == ["SPEC102"]
    assert list(client.diagnostics[uri(root, "spec.md")]) == []
    # and it comes back (a git checkout)
    (root / "spec.md").write_text((REPO / "fixtures/model-spec/spec.md").read_text())
    client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=[T.FileEvent(uri=uri(root, "spec.md"), type=T.FileChangeType.Created)]))
    await wait_for(lambda: g in client.diagnostics and not client.diagnostics[g], what="links repaired")


async def test_settings_and_config_file_precedence(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "broken")
    (root / ".spec-lsp.toml").unlink()  # the fixture's (empty) config marks it as a workspace of its own; here: none
    client = await start(root, init={"diagnostics": {"debounceMs": 0}, "language": {"enabled": False}, "rules": {"SPEC111": "off", "SPEC110": "hint"}})
    stop_clients.append(client)
    await indexed(client, root)
    spec = client.diagnostics[uri(root, "spec.md")]
    assert "SPEC111" not in codes(spec)
    assert {d.severity for d in spec if d.code == "SPEC110"} == {T.DiagnosticSeverity.Hint}
    # a config file in the repository wins over editor settings for rule behaviour
    root2 = copy_fixture(tmp_path / "two", "broken")
    (root2 / ".spec-lsp.toml").write_text('[rules]\nSPEC111 = "warning"\nbogus-key = 1\n')
    c2 = await start(root2, init={"diagnostics": {"debounceMs": 0}, "language": {"enabled": False}, "rules": {"SPEC111": "off"}})
    stop_clients.append(c2)
    await indexed(c2, root2)
    spec2 = c2.diagnostics[uri(root2, "spec.md")]
    assert {d.severity for d in spec2 if d.code == "SPEC111"} == {T.DiagnosticSeverity.Warning}
    cfg_diags = await wait_for(lambda: c2.diagnostics.get(uri(root2, ".spec-lsp.toml")), what="config diagnostics")
    assert cfg_diags[0].code == "SPEC001" and "rules.bogus-key" in cfg_diags[0].message and cfg_diags[0].range.start.line == 2


async def test_bad_requests_never_take_the_server_down(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "model-spec")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, "spec.md")
    # unknown document, a position far past the end, a non-file URI, garbage rename
    assert await client.text_document_hover_async(T.HoverParams(text_document=T.TextDocumentIdentifier(uri=uri(root, "nope.md")), position=T.Position(line=0, character=0))) is None
    assert await client.text_document_hover_async(T.HoverParams(text_document=T.TextDocumentIdentifier(uri=u), position=T.Position(line=10_000, character=5_000))) is None
    assert await client.text_document_definition_async(T.DefinitionParams(text_document=T.TextDocumentIdentifier(uri="untitled:Untitled-1"), position=T.Position(line=0, character=0))) is None
    with pytest.raises(Exception):
        await client.text_document_rename_async(T.RenameParams(text_document=T.TextDocumentIdentifier(uri=u), position=T.Position(line=1, character=0), new_name="x"))
    # an edit with a range past the end of the document
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=u, version=2),
        content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=T.Position(line=999, character=0), end=T.Position(line=999, character=3)), text="[^zz01]")]))
    await asyncio.sleep(0.3)
    # still serving
    h = await client.text_document_hover_async(T.HoverParams(text_document=T.TextDocumentIdentifier(uri=u), position=pos_of(root, "spec.md", "rt01", 1)))
    assert h is not None and "[^rt01]" in h.contents.value
