"""The command line as a user (or CI) runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from helpers import FIXTURES, REPO

SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-2.1.0-rtm.5.json").read_text())


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "spec_lsp", *args], capture_output=True, text=True, cwd=cwd or REPO, env=env, timeout=300)


def test_check_text_format_and_exit_codes():
    r = run("check", "fixtures/broken", "--no-language")
    assert r.returncode == 1, r.stderr
    first = r.stdout.splitlines()[0]
    assert first.startswith("fixtures/broken/examples/ct01.md:5:1: error SPEC104 ")  # relative to the cwd: clickable
    assert run("check", "fixtures/model-spec", "--no-language").returncode == 0
    assert run("check", "fixtures/broken", "--no-language", "--fail-on", "never").returncode == 0
    # requirements fixture: only information + warning findings
    assert run("check", "fixtures/requirements", "--no-language").returncode == 0
    assert run("check", "fixtures/requirements", "--no-language", "--fail-on", "warning").returncode == 1


def test_usage_errors_exit_2():
    assert run("check", "no/such/dir").returncode == 2
    assert run("check", "fixtures/broken", "--format", "xml").returncode == 2
    assert run("check", "fixtures/broken", "--select", "NOPE").returncode == 2
    assert run("frobnicate").returncode == 2


def test_config_error_exits_2_and_names_file_and_key(tmp_path):
    (tmp_path / "spec.md").write_text("Clause[^ab12].\n")
    (tmp_path / ".spec-lsp.toml").write_text('challenge-files = ["nope.md"]\n')
    r = run("check", str(tmp_path), "--no-language", "--format", "json")
    assert r.returncode == 2
    assert ".spec-lsp.toml: challenge-files:" in r.stderr
    data = json.loads(r.stdout)
    assert any(f["code"] == "SPEC001" and f["path"] == ".spec-lsp.toml" for f in data)
    assert any(f["code"] == "SPEC101" for f in data)  # defaults were used, the check still ran


def test_json_format_fields():
    r = run("check", "fixtures/broken", "--no-language", "--format", "json")
    data = json.loads(r.stdout)
    assert data, "expected findings"
    for f in data:
        assert set(f) >= {"path", "range", "severity", "code", "rule", "category", "message", "subject", "related"}
        assert f["severity"] in ("error", "warning", "information", "hint")
        assert f["category"] == "structure"
        assert set(f["range"]) == {"start", "end"} and set(f["range"]["start"]) == {"line", "character"}
    dup = [f for f in data if f["rule"] == "duplicate-clause-id"]
    assert len(dup) == 2 and dup[0]["related"][0]["path"] == "spec.md"


def test_select_ignore_by_code_prefix_name_category():
    def codes(*extra):
        return sorted({f["code"] for f in json.loads(run("check", "fixtures/broken", "--no-language", "--format", "json", *extra).stdout)})

    assert codes("--select", "SPEC11") == ["SPEC110", "SPEC111"]
    assert codes("--select", "duplicate-anchor,SPEC130") == ["SPEC111", "SPEC130"]
    assert "SPEC104" not in codes("--ignore", "malformed-challenge-file")
    assert codes("--ignore", "structure") == []


def test_show_waived_lists_reasons():
    data = json.loads(run("check", "fixtures/broken", "--no-language", "--format", "json", "--show-waived").stdout)
    waived = [f for f in data if f.get("waived")]
    assert [(f["subject"], f["waiverReason"]) for f in waived] == [("ct02", "tested by the integration suite, not by prompts")]


def test_sarif_is_valid_2_1_0():
    r = run("check", "fixtures/broken", "--no-language", "--format", "sarif")
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SARIF_SCHEMA)
    run0 = doc["runs"][0]
    assert run0["columnKind"] == "unicodeCodePoints"
    assert {x["ruleId"] for x in run0["results"]} >= {"SPEC110", "SPEC120"}
    ids = [r["id"] for r in run0["tool"]["driver"]["rules"]]
    for res in run0["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
        loc = res["locations"][0]["physicalLocation"]
        assert not loc["artifactLocation"]["uri"].startswith("/")  # relative, as code scanning wants


def test_rules_listing():
    r = run("rules", "--format", "json")
    rules = json.loads(r.stdout)
    by_code = {x["code"]: x for x in rules}
    assert by_code["SPEC101"]["name"] == "missing-challenge-file"
    assert all(set(x) >= {"code", "name", "category", "severity", "summary"} for x in rules)
    assert len(by_code) == len(rules)
    for x in rules:
        assert (REPO / x["doc"]).is_file(), f"rule {x['code']} has no documentation page {x['doc']}"


@pytest.mark.parametrize("fmt", ["json", "dot", "mermaid"])
def test_graph_formats(fmt):
    r = run("graph", "fixtures/model-spec", "--format", fmt)
    assert r.returncode == 0, r.stderr
    if fmt == "json":
        g = json.loads(r.stdout)
        kinds = {(e["source"], e["target"], e["kind"]) for e in g["edges"]}
        assert ("file:examples/rt02.md", "clause:rt02", "tests") in kinds
        assert ("section:spec.md#respect_time", "clause:rt02", "contains") in kinds
        assert ("section:guide.md#tone", "section:spec.md#respect_time", "references") in kinds
    elif fmt == "dot":
        assert r.stdout.startswith("digraph spec {") and "->" in r.stdout
    else:
        assert r.stdout.startswith("flowchart LR")


def test_check_single_file_reports_only_that_file():
    r = run("check", "fixtures/broken/spec.md", "--no-language", "--format", "json")
    paths = {f["path"] for f in json.loads(r.stdout)}
    assert paths == {"spec.md"}


# --- golden findings over fixtures/ ----------------------------------------------------------

GOLDEN = REPO / "tests" / "golden"


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "language"))
def test_golden_structural_findings(name):
    r = run("check", f"fixtures/{name}", "--no-language", "--format", "json", "--show-waived", "--fail-on", "never")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    golden = GOLDEN / f"{name}.json"
    if os.environ.get("SPEC_LSP_UPDATE_GOLDEN") or not golden.exists():
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(golden.read_text(encoding="utf-8"))
