"""Evals in the editor, through the real server over stdio: the "Export evals for this clause" code
lens and its command (files inside the workspace, opened with window/showDocument, from the buffer),
and the last report's pass rate in the clause hover."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types as T

from tests.lsp.lsp_helpers import REPO, indexed, open_doc, pos_of, start, wait_for

WS = REPO / "tests" / "evals" / "fixtures" / "ws"
EXPORT = "specLsp.exportClauseEvals"


def files_outside_spec_lsp(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".spec-lsp" not in p.parts}


async def test_export_lens_and_command(tmp_path, stop_clients):
    root = tmp_path / "travel"
    shutil.copytree(WS, root)
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, "spec.md")
    lenses = await client.text_document_code_lens_async(T.CodeLensParams(text_document=T.TextDocumentIdentifier(uri=u)))
    exp = [le for le in lenses if le.command.command == EXPORT]
    assert sorted(le.command.arguments[1] for le in exp) == ["bd01", "bd02", "sf01"]  # wm01 has no prompts
    bd02 = next(le for le in exp if le.command.arguments[1] == "bd02")
    assert bd02.range.start == pos_of(root, "spec.md", "[^bd02]")  # UTF-16: the 💎 before the tag counts 2
    assert bd02.command.title == "Export evals for this clause"
    # an unsaved edit of the clause: the export follows the buffer
    line = 7
    text = (root / "spec.md").read_text(encoding="utf-8").split("\n")[line]
    col = pos_of(root, "spec.md", "premium").character
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=u, version=2),
        content_changes=[T.TextDocumentContentChangePartial(
            range=T.Range(start=T.Position(line=line, character=col), end=T.Position(line=line, character=col + len("premium"))), text="“premium”")]))
    before = files_outside_spec_lsp(root)
    got = await client.workspace_execute_command_async(T.ExecuteCommandParams(command=EXPORT, arguments=[u, "bd02"]))
    out = root / ".spec-lsp" / "evals" / "export" / "bd02"
    assert (out / "promptfoo" / "promptfooconfig.yaml").is_file() and (out / "inspect" / "dataset.jsonl").is_file()
    rows = [json.loads(x) for x in (out / "evals.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["bd02"] and "“premium” 💎 upgrades" in rows[0]["criterion"]
    shown = [d.uri for d in client.shown_documents]  # pytest-lsp's client answers window/showDocument
    assert shown == [(out / "promptfoo" / "promptfooconfig.yaml").resolve().as_uri()] and got[0] == shown[0]
    assert files_outside_spec_lsp(root) == before  # nothing written outside .spec-lsp/, the user's files untouched
    assert "premium 💎" in (root / "spec.md").read_text(encoding="utf-8") and text
    # refused: a clause without prompts, and an ID that would leave the export folder
    for bad in ("wm01", "../../escape"):
        with pytest.raises(Exception) as ei:
            await client.workspace_execute_command_async(T.ExecuteCommandParams(command=EXPORT, arguments=[u, bad]))
        assert "no challenge prompts" in str(ei.value) or "cannot name a folder" in str(ei.value)
    assert not (tmp_path / "escape").exists() and not (root / ".spec-lsp" / "escape").exists()


async def test_hover_shows_the_last_reports_pass_rate(tmp_path, stop_clients):
    pytest.importorskip("openai")
    from tests.evals.fake_openai import FakeOpenAI

    root = tmp_path / "travel"
    shutil.copytree(WS, root)
    with FakeOpenAI(flaky=False) as srv:
        p = subprocess.run([sys.executable, "-m", "spec_lsp", "evals", "run", str(root), "--base-url", srv.base_url,
                            "--model", "m", "--backoff", "0.01"], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=str(REPO), OPENAI_API_KEY="test-key"))
    assert p.returncode == 0, p.stderr
    rep = json.loads((root / ".spec-lsp" / "evals" / "report.json").read_text())
    sf = next(c for c in rep["clauses"] if c["id"] == "sf01")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root, 4)  # .spec-lsp/evals/report.md is not a spec file (dot folders are skipped)
    u = open_doc(client, root, "spec.md")

    async def hover_text(needle: str) -> str:
        h = await client.text_document_hover_async(T.HoverParams(text_document=T.TextDocumentIdentifier(uri=u),
                                                                 position=pos_of(root, "spec.md", needle, 3)))
        return h.contents.value

    day = rep["run"]["finished"][:10]
    assert f"**evals: {sf['passed']}/{sf['total']} passed**, run {day}" in await hover_text("[^sf01]")
    assert "evals:" not in await hover_text("[^wm01]")  # not in the report: no line
    # a newer report is picked up without restarting the server
    rep["clauses"] = [dict(sf, passed=3, total=3)]
    (root / ".spec-lsp" / "evals" / "report.json").write_text(json.dumps(rep))
    os.utime(root / ".spec-lsp" / "evals" / "report.json", (1e9, 2e9))
    await wait_for(lambda: True)
    assert "**evals: 3/3 passed**" in await hover_text("[^sf01]")
