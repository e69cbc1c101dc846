"""`spec-lsp trace` and `spec-lsp rename` through the real CLI, on the trace fixtures."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

from helpers import FIXTURES, REPO


def run(cwd, *args, code=0):
    r = subprocess.run([sys.executable, "-m", "spec_lsp", *args], cwd=cwd, capture_output=True, text=True,
                       env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(cwd)})
    assert code is None or r.returncode == code, (r.returncode, r.stdout, r.stderr)
    return r


def copy(tmp_path, name):
    dst = tmp_path / name
    shutil.copytree(FIXTURES / f"trace-{name}", dst)
    if name == "model-spec":  # ignored by the fixture's .gitignore (not committed: the project's git would track it)
        (dst / "build").mkdir()
        (dst / "build/generated.py").write_text("# covers pv01 [^zz99]  (ignored by .gitignore)\n")
    return dst


def test_trace_json_counts_every_kind_of_evidence(tmp_path):
    root = copy(tmp_path, "model-spec")
    data = json.loads(run(root, "trace", "--format", "json").stdout)
    rows = {c["id"]: c for c in data["clauses"]}
    assert [e["count"] for e in rows["pv01"]["evidence"]["challenge prompts"]] == [3]
    assert [e["label"] for e in rows["pv01"]["evidence"]["tests"]] == ["tests/test_privacy.py::test_pv01"]
    assert [e["label"] for e in rows["pv02"]["evidence"]["tests"]] == ["tests/test_privacy.py::TestRefusal::test_locate_person"]
    assert {(c["path"], c["file_kind"]) for c in rows["pv01"]["citations"]} == {("tests/test_privacy.py", "test"), ("src/redact.py", "code")}
    assert rows["rt02"]["covered"] is False and rows["rt02"]["citations"][0]["file_kind"] == "config"
    assert not any(c["path"].startswith("build/") for r in rows.values() for c in r["citations"])  # .gitignore
    assert data["totals"]["covered"] == 3 and data["totals"]["clauses"] == 5
    assert {s["section"]: (s["covered"], s["clauses"]) for s in data["totals"]["bySection"]}["Assistant policy › Honesty"] == (0, 1)


def test_trace_every_format_and_fail_under(tmp_path):
    root = copy(tmp_path, "speckit")
    text = run(root, "trace").stdout
    assert "total: 3/6 clauses with evidence (50.0%)" in text
    md = run(root, "trace", "--format", "markdown").stdout
    assert md.startswith("## Traceability: 3/6") and "| `specs/002-trip-sharing/spec.md` | 2 | 1 | 50.0% |" in md
    rows = list(csv.DictReader(io.StringIO(run(root, "trace", "--format", "csv").stdout)))
    fr2 = [r for r in rows if r["id"] == "FR-002" and r["path"].startswith("specs/001")][0]
    assert fr2["tests"] == "1" and fr2["covered"] == "yes"
    html = run(root, "trace", "--format", "html").stdout
    assert html.startswith("<!doctype html>") and 'class="uncovered"' in html and "<script" in html and "src=" not in html
    assert run(root, "trace", "--fail-under", "50").returncode == 0
    r = run(root, "trace", "--fail-under", "60", "--format", "json", code=1)
    assert "50.0% is below --fail-under 60%" in r.stderr and json.loads(r.stdout)["totals"]["coverage"] == 50.0
    run(root, "trace", "--fail-under", "140", code=2)


def test_check_reports_citation_findings_on_code_files(tmp_path):
    root = copy(tmp_path, "speckit")
    out = json.loads(run(root, "check", "--no-language", "--format", "json", code=None).stdout)
    got = {(f["path"], f["code"], f["subject"]) for f in out if f["code"] in ("SPEC500", "SPEC501")}
    assert got == {("src/albums.py", "SPEC500", "FR-009"), ("tests/test_albums.py", "SPEC501", "FR-001")}


def test_rename_across_markdown_and_code_moves_the_challenge_file(tmp_path):
    root = copy(tmp_path, "model-spec")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    diff = run(root, "rename", "pv01", "pv09", "--dry-run").stdout
    assert "rename from examples/pv01.md\nrename to examples/pv09.md" in diff and "+    # “café” 🙂 covers pv09" in diff
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before  # dry run changes nothing
    run(root, "rename", "pv01", "pv09")
    assert not (root / "examples/pv01.md").exists() and (root / "examples/pv09.md").read_text().startswith("Examples for [^pv09]")
    assert "address[^pv09]" in (root / "spec.md").read_text(encoding="utf-8")
    assert "# “café” 🙂 covers pv09" in (root / "tests/test_privacy.py").read_text(encoding="utf-8")
    assert "# spec: pv09" in (root / "src/redact.py").read_text()
    assert "covers pv01" in (root / "build/generated.py").read_text()  # ignored by git: not ours to edit
    data = json.loads(run(root, "trace", "--format", "json").stdout)
    assert [c["id"] for c in data["clauses"]][0] == "pv09" and data["clauses"][0]["covered"]


def test_rename_refuses_on_an_unclassified_occurrence_and_changes_nothing(tmp_path):
    root = copy(tmp_path, "model-spec")
    (root / "tests/test_ids.py").write_text('IDS = ["pv02", "rt01"]\n')
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    r = run(root, "rename", "pv02", "pv07", code=1)
    assert "tests/test_ids.py:1:9" in r.stderr and "Nothing was changed" in r.stderr
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_rename_refuses_an_ambiguous_citation_and_takes_a_qualified_id(tmp_path):
    root = copy(tmp_path, "speckit")
    r = run(root, "rename", "FR-001", "FR-010", code=1)
    assert "defined in 2 scopes" in r.stderr and "001-photo-albums/FR-001" in r.stderr
    r = run(root, "rename", "001-photo-albums/FR-001", "FR-010", code=1)
    assert "tests/test_albums.py:7:7 (ambiguous: qualify it)" in r.stderr
    run(root, "rename", "001-photo-albums/FR-002", "FR-012")
    assert "covers 001-photo-albums/FR-012" in (root / "tests/test_albums.py").read_text()
    assert "**FR-012**" in (root / "specs/001-photo-albums/spec.md").read_text()
    assert "**FR-002**" in (root / "specs/002-trip-sharing/spec.md").read_text()  # the other feature's FR-002 stays


def test_rename_is_all_or_nothing_when_a_write_fails(tmp_path, monkeypatch):
    import os

    import pytest

    from spec_lsp.core.config import load_config
    from spec_lsp.core.navigation import rename_plan
    from spec_lsp.core.workspace import Workspace
    from spec_lsp.trace import cli as trace_cli

    root = copy(tmp_path, "model-spec")
    ws = Workspace(root, *load_config(root))
    ws.load()
    ws.load_citations(1)
    changes = trace_cli.plan_contents(ws, rename_plan(ws, trace_cli.symbol_for_id(ws, "pv01"), "pv09"))
    assert len(changes) == 4
    before = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    real, calls = os.replace, []

    def flaky(a, b):
        calls.append(b)
        if len(calls) == 3:  # two files already in place, then the disk fails
            raise OSError("disk full")
        return real(a, b)

    monkeypatch.setattr(trace_cli.os, "replace", flaky)
    with pytest.raises(OSError):
        trace_cli.write_all_or_nothing(root, changes)
    assert {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()} == before  # no temp files left either


def test_spec_lsp_own_outputs_are_not_read_as_citations(tmp_path):
    """A committed baseline, SARIF or findings file quotes IDs in its messages (retired ones, unknown ones):
    they are not citations, so `check` reports no unknown-citation on them; a real citation still is one."""
    root = copy(tmp_path, "model-spec")
    unknown = json.loads(run(root, "check", "--no-language", "--format", "json", "--fail-on", "never", "--select",
                             "SPEC500").stdout)
    before = {f["path"] for f in unknown}
    (root / "spec-lsp-baseline.json").write_text(json.dumps(
        {"version": 1, "findings": [{"rule": "unknown-citation", "message": "No clause [^zz98] exists"}]}))
    (root / "findings.json").write_text(json.dumps([{"code": "SPEC122", "message": "tag the clause with [^zz97]"}]))
    (root / "spec-lsp.sarif").write_text(json.dumps({"runs": [{"tool": {"driver": {"name": "spec-lsp"}},
                                                               "results": [{"message": {"text": "[^zz96]"}}]}]}))
    (root / "notes.json").write_text(json.dumps({"see": "spec: zz95"}))  # not ours: a citation like any other
    after = json.loads(run(root, "check", "--no-language", "--format", "json", "--fail-on", "never", "--select",
                           "SPEC500").stdout)
    new = {f["path"] for f in after} - before
    assert new == {"notes.json"}, after
