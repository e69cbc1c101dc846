"""Traceability through the real server (stdio): citations in code and tests are references, definition
sources, hover and code-lens evidence, diagnostics of their own files; watched-file changes update them;
rename edits them (and moves the challenge file) or refuses.  Fixtures: fixtures/trace-*/."""

from __future__ import annotations

import pytest
from lsprotocol import types as T

from lsp_helpers import apply_workspace_edit, copy_fixture, open_doc, pos_of, start, uri, wait_for

pytestmark = pytest.mark.asyncio


def tdi(u: str) -> T.TextDocumentIdentifier:
    return T.TextDocumentIdentifier(uri=u)


def diags(client, u):
    got = [d for uu, _v, _t, d in client.published if uu == u]
    return got[-1] if got else None


async def _start(tmp_path, stop_clients, name="model-spec"):
    root = copy_fixture(tmp_path, f"trace-{name}")
    if name == "model-spec":  # ignored by the fixture's .gitignore
        (root / "build").mkdir()
        (root / "build/generated.py").write_text("# covers pv01 [^zz99]\n")
    client = await start(root, "vscode")
    stop_clients.append(client)
    code_file = {"model-spec": "tests/test_tone.py", "speckit": "src/albums.py"}[name]
    # the citation scan runs after the spec documents' first diagnostics; wait for a code file's
    await wait_for(lambda: diags(client, uri(root, code_file)), what="diagnostics of a code file")
    return root, client


async def test_citation_diagnostics_come_after_the_spec_and_land_on_code_files(tmp_path, stop_clients):
    root, client = await _start(tmp_path, stop_clients)
    order = [u for u, _v, _t, _d in client.published]
    assert order.index(uri(root, "spec.md")) < order.index(uri(root, "tests/test_tone.py"))  # spec first
    (d,) = [x for x in diags(client, uri(root, "tests/test_tone.py")) if x.code == "SPEC500"]
    assert "pv03" in d.message and d.range.start == pos_of(root, "tests/test_tone.py", "pv03")
    assert not diags(client, uri(root, "src/redact.py"))  # `[^a-z0-9]` is a regex class, not a citation
    spec = [x.code for x in diags(client, uri(root, "spec.md"))]
    assert spec.count("SPEC101") == 2  # rt02 and hs01; pv02 and rt01 are covered by tests only


async def test_references_definition_hover_and_code_lens_include_code(tmp_path, stop_clients):
    root, client = await _start(tmp_path, stop_clients)
    su = open_doc(client, root, "spec.md")
    p = pos_of(root, "spec.md", "[^pv01]", 2)
    refs = await client.text_document_references_async(T.ReferenceParams(
        text_document=tdi(su), position=p, context=T.ReferenceContext(include_declaration=False)))
    got = {(r.uri, r.range.start.line, r.range.start.character) for r in refs}
    # UTF-16 columns: “ and ” are one unit each, 🙂 is two
    assert (uri(root, "tests/test_privacy.py"), 4, len("    # “café” 🙂 covers ".encode("utf-16-le")) // 2) in got
    assert (uri(root, "src/redact.py"), 7, 12) in got and (uri(root, "examples/pv01.md"), 0, 15) in got
    assert not any("build/" in r.uri for r in refs)
    # definition from a citation in a test file (not open in the editor) lands on the clause
    tp = pos_of(root, "tests/test_privacy.py", "covers pv01", 8)
    d = await client.text_document_definition_async(T.DefinitionParams(text_document=tdi(uri(root, "tests/test_privacy.py")), position=tp))
    assert [(x.uri, x.range.start.line) for x in d] == [(su, 4)]
    h = await client.text_document_hover_async(T.HoverParams(text_document=tdi(su), position=p))
    assert "Tested by 3 challenge prompts, tests/test_privacy.py::test_pv01." in h.contents.value
    assert "2 in code, tests and other files" in h.contents.value
    h2 = await client.text_document_hover_async(T.HoverParams(text_document=tdi(uri(root, "tests/test_privacy.py")), position=tp))
    assert h2.contents.value.startswith("**[^pv01]**")
    lenses = await client.text_document_code_lens_async(T.CodeLensParams(text_document=tdi(su)))
    titles = {l.range.start.line: [] for l in lenses}
    for l in lenses:
        titles[l.range.start.line].append(l.command.title)
    assert "3 challenge prompts · 1 test" in titles[4] and "no challenge prompts · 1 test" in titles[4]


async def test_watched_test_file_changes_update_evidence_and_diagnostics(tmp_path, stop_clients):
    root, client = await _start(tmp_path, stop_clients)
    su, tu = uri(root, "spec.md"), uri(root, "tests/test_tone.py")
    (root / "tests/test_honesty.py").write_text("def test_no_fake_runs():\n    # covers hs01\n    pass\n")
    (root / "tests/test_tone.py").write_text((root / "tests/test_tone.py").read_text().replace("[^pv03]", "[^pv02]"))
    client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=[
        T.FileEvent(uri=uri(root, "tests/test_honesty.py"), type=T.FileChangeType.Created),
        T.FileEvent(uri=tu, type=T.FileChangeType.Changed)]))
    await wait_for(lambda: [x.code for x in diags(client, su)].count("SPEC101") == 1, what="hs01 covered by the new test")
    await wait_for(lambda: diags(client, tu) == [], what="unknown citation fixed")
    (root / "tests/test_honesty.py").unlink()
    client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=[
        T.FileEvent(uri=uri(root, "tests/test_honesty.py"), type=T.FileChangeType.Deleted)]))
    await wait_for(lambda: [x.code for x in diags(client, su)].count("SPEC101") == 2, what="hs01 uncovered again")


async def test_rename_edits_citations_and_moves_the_challenge_file(tmp_path, stop_clients):
    root, client = await _start(tmp_path, stop_clients)
    su = open_doc(client, root, "spec.md")
    # changed on disk after the scan, not announced: the rename re-reads it first
    (root / "src/redact.py").write_text("\n\n" + (root / "src/redact.py").read_text())
    edit = await client.text_document_rename_async(T.RenameParams(
        text_document=tdi(su), position=pos_of(root, "spec.md", "[^pv01]", 2), new_name="pv09"))
    apply_workspace_edit(root, edit)
    assert (root / "examples/pv09.md").exists() and not (root / "examples/pv01.md").exists()
    assert "# “café” 🙂 covers pv09" in (root / "tests/test_privacy.py").read_text(encoding="utf-8")
    assert "    # spec: pv09\n" in (root / "src/redact.py").read_text()
    assert "address[^pv09]" in (root / "spec.md").read_text(encoding="utf-8")


async def test_rename_refuses_with_the_list_of_places(tmp_path, stop_clients):
    root, client = await _start(tmp_path, stop_clients, "speckit")
    su = open_doc(client, root, "specs/001-photo-albums/spec.md")
    with pytest.raises(Exception) as e:
        await client.text_document_rename_async(T.RenameParams(
            text_document=tdi(su), position=pos_of(root, "specs/001-photo-albums/spec.md", "FR-001", 1), new_name="FR-010"))
    assert "tests/test_albums.py:7:7 (ambiguous: qualify it)" in str(e.value)
    assert "FR-001" in (root / "specs/001-photo-albums/spec.md").read_text()
