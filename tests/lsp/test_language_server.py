"""End-to-end: language diagnostics in the real server (real spaCy model), after the structural ones."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types as T

from lsp_helpers import apply_workspace_edit, copy_fixture, open_doc, pos_of, start, uri, wait_for

pytestmark = pytest.mark.asyncio

LANGUAGE_ON = {"diagnostics": {"debounceMs": 0}}


def lang_codes(diags) -> set[str]:
    return {str(d.code) for d in diags if str(d.code).startswith(("SPEC2", "SPEC3"))}


async def test_language_diagnostics_follow_the_structural_ones(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "language")
    client = await start(root, init=LANGUAGE_ON)
    stop_clients.append(client)
    u = uri(root, "spec.md")
    await wait_for(lambda: any(p[0] == u and lang_codes(p[3]) for p in client.published), timeout=120,
                   what="language diagnostics")
    mine = [p for p in client.published if p[0] == u]
    assert not lang_codes(mine[0][3])  # the first publish is structural only: it never waits for spaCy
    diags = client.diagnostics[u]
    assert {"SPEC201", "SPEC203", "SPEC204", "SPEC207", "SPEC209", "SPEC210", "SPEC212", "SPEC213", "SPEC301"} <= lang_codes(diags)
    timing = [d for d in diags if d.code == "SPEC207"]
    assert len(timing) == 1  # ln15's “quickly” is waived with a reason
    assert timing[0].code_description.href.endswith("docs/rules/vague-timing.md")
    assert timing[0].data["category"] == "language" and "“quickly”" in timing[0].message
    # contradictions point at each other
    conflict = [d for d in diags if d.code == "SPEC301" and "ln12" in d.message][0]
    other = pos_of(root, "spec.md", "[^ln12]")
    assert conflict.related_information[0].location.range.start.line == other.line
    overridden = [d for d in diags if d.code == "SPEC301" and "overrides" in d.message]
    assert overridden and all(d.severity == T.DiagnosticSeverity.Information for d in overridden)
    # the whole-workspace pass reports progress
    titles = [v.title for vs in client.progress_reports.values() for v in vs if isinstance(v, T.WorkDoneProgressBegin)]
    assert "spec-lsp: language rules" in titles


async def test_one_word_edit_updates_language_diagnostics_utf16(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "language")
    spec = root / "spec.md"
    # a clause on a line with an emoji (2 UTF-16 units) and curly quotes before the word
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "The assistant must cite the section that it relies on[^ln16].",
        "🙂 The assistant’s “answer” must cite the section that it relies on[^ln16]."), encoding="utf-8")
    client = await start(root, init=LANGUAGE_ON)
    stop_clients.append(client)
    u = open_doc(client, root, "spec.md")
    await wait_for(lambda: any(p[0] == u and p[1] == 1 and lang_codes(p[3]) for p in client.published), timeout=120,
                   what="language diagnostics for the open document")
    n_timing = sum(1 for d in client.diagnostics[u] if d.code == "SPEC207")
    p = pos_of(root, "spec.md", "must cite the section", offset=len("must "))
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=u, version=2),
        content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=p, end=p), text="quickly ")]))
    await wait_for(lambda: sum(1 for d in client.diagnostics[u] if d.code == "SPEC207") == n_timing + 1, timeout=60,
                   what="the new vague-timing diagnostic")
    v2 = [x for x in client.published if x[0] == u and x[1] == 2]
    assert v2 and all(x[1] == 2 for x in client.published[client.published.index(v2[0]):] if x[0] == u)
    new = [d for d in client.diagnostics[u] if d.code == "SPEC207" and d.range.start.line == p.line][0]
    assert new.range.start.character == p.character  # UTF-16: the emoji counts 2
    assert new.range.end.character == p.character + len("quickly")
    # the quick fix inserts a waiver at the end of the line; applied, it silences the finding
    actions = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=u), range=new.range,
        context=T.CodeActionContext(diagnostics=[new])))
    waive = [a for a in actions if a.title.startswith("Waive SPEC207")][0]
    (edit,) = waive.edit.changes[u]
    assert edit.new_text.startswith(" <!-- spec-lsp: allow SPEC207 -- ")
    line = "🙂 The assistant’s “answer” must quickly cite the section that it relies on[^ln16]."
    assert edit.range.start == T.Position(line=p.line, character=len(line.encode("utf-16-le")) // 2)
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=u, version=3),
        content_changes=[T.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text.replace("TODO: say why this rule does not apply here", "defined in the glossary"))]))
    await wait_for(lambda: sum(1 for d in client.diagnostics[u] if d.code == "SPEC207") == n_timing, timeout=60,
                   what="the waived diagnostic to go")
    assert not [d for d in client.diagnostics[u] if d.code == "SPEC010"]


async def test_without_a_model_one_message_and_parser_free_rules(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "language")
    client = await start(root, init=LANGUAGE_ON, env={"SPEC_LSP_NO_MODEL": "1"})
    stop_clients.append(client)
    u = uri(root, "spec.md")
    await wait_for(lambda: any(p[0] == u and lang_codes(p[3]) for p in client.published), timeout=60,
                   what="parser-free language diagnostics")
    await asyncio.sleep(0.5)
    codes = lang_codes(client.diagnostics[u])
    assert {"SPEC203", "SPEC204", "SPEC213"} <= codes and "SPEC210" not in codes
    warnings = [m for m in client.messages if "spaCy" in m.message]
    assert len(warnings) == 1 and "pip install" in warnings[0].message
    # the server is still fully up
    hover = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=u), position=pos_of(root, "spec.md", "[^ln01]", offset=3)))
    assert hover is not None and "ln01" in hover.contents.value


async def test_applied_waiver_from_the_client_is_kept_on_disk(tmp_path, stop_clients):
    """The waiver quick fix, applied to the file on disk, silences the finding in `spec-lsp check` too."""
    import json
    import os
    import subprocess
    import sys

    from lsp_helpers import REPO

    root = copy_fixture(tmp_path, "language")
    client = await start(root, init=LANGUAGE_ON)
    stop_clients.append(client)
    u = open_doc(client, root, "spec.md")
    await wait_for(lambda: any(d.code == "SPEC204" for d in client.diagnostics.get(u, [])), timeout=120, what="SPEC204")
    d = [d for d in client.diagnostics[u] if d.code == "SPEC204"][0]
    actions = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=u), range=d.range, context=T.CodeActionContext(diagnostics=[d])))
    waive = [a for a in actions if a.title.startswith("Waive SPEC204")][0]
    apply_workspace_edit(root, waive.edit)
    env = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_CACHE_DIR=str(tmp_path / ".cache"))
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(root), "--format", "json", "--fail-on", "never"],
                       capture_output=True, text=True, env=env, timeout=300)
    fs = json.loads(r.stdout)
    assert not [f for f in fs if f["code"] == "SPEC204"]
    assert [f["code"] for f in fs if f["code"] == "SPEC010"] == ["SPEC010"]  # the TODO reason is still to be written
    # the other clauses of that paragraph keep their findings
    assert {"SPEC201", "SPEC203", "SPEC207", "SPEC212"} <= {f["code"] for f in fs}
