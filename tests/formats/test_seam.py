"""The format seam itself: registry, detection, config that cannot work, roots, Model Spec vocabulary."""

from __future__ import annotations

import subprocess
import sys

from helpers import MODEL_SPEC, REPO, check, memory_workspace


def test_every_format_rule_is_registered_with_a_page():
    from spec_lsp.core.rules import all_rules
    from spec_lsp.formats import all_formats

    codes = {r.code for r in all_rules()}
    for f in all_formats():
        assert f.name and f.title
        for r in f.rules:
            assert r.code in codes and (REPO / r.doc).is_file()


def test_fallback_formats_are_always_active_and_last():
    from spec_lsp.formats import detect

    names = [f.name for f in detect(["specs/001-x/spec.md"])]
    assert names == ["spec-kit", "model-spec", "id-patterns"]
    assert [f.name for f in detect(["README.md"])] == ["model-spec", "id-patterns"]
    assert [f.name for f in detect(["specs/001-x/spec.md"], forced=("model-spec",))] == ["model-spec", "id-patterns"]


def test_platform_authority_is_a_hint_not_an_error():
    spec = "# Spec\n\n## Chain of command {#chain authority=platform}\n\nThe assistant must follow it.[^ab12]\n"
    got = check({"spec.md": spec, "examples/ab12.md": "Examples for [^ab12] in Chain of command:\n"},
                [("spec.md", 3, "authority=root")], select="historical-attribute-value")
    assert got[0].severity.name.lower().startswith("info")
    assert got[0].fixes[0].new_text == "root"
    check({"spec.md": spec}, [], select="unknown-attribute-value")
    check({"spec.md": spec.replace("platform", "admin")}, [("spec.md", 3)], select="unknown-attribute-value")


def _config_problems(toml: str, tmp_path):
    from spec_lsp.core.config import load_config

    (tmp_path / ".spec-lsp.toml").write_text(toml, encoding="utf-8")
    return load_config(tmp_path)


def test_settings_that_cannot_work_are_invalid_config(tmp_path):
    cfg, probs = _config_problems(
        'include = ["node_modules/**/*.md", ".kiro/**/*.md"]\n'
        'challenge-files = ["examples/*/{id}.md"]\n'
        'id-patterns = ["^### Requirement \\\\d+", "REQ-\\\\d+"]\n'
        'format = ["spec-kit", "asciidoc"]\n', tmp_path)
    by_key = {p.key: p for p in probs}
    assert "always skipped" in by_key["include"].reason and "node_modules" in by_key["include"].reason
    assert "glob" in by_key["challenge-files"].reason
    assert "only matches headings" in by_key["id-patterns"].reason
    assert "asciidoc" in by_key["format"].reason
    assert all(p.path == ".spec-lsp.toml" and p.line > 0 or p.key == "include" for p in probs)
    assert cfg.id_patterns == ("REQ-\\d+",) and cfg.formats == ("spec-kit",)
    assert cfg.challenge_files == ("examples/{id}.md",)  # the default is used


def test_include_of_a_dot_directory_is_read(tmp_path):
    (tmp_path / ".spec-lsp.toml").write_text('include = [".notes/**/*.md", "**/*.md"]\nid-patterns = ["REQ-\\\\d+"]\n')
    (tmp_path / ".notes").mkdir()
    (tmp_path / ".notes" / "a.md").write_text("REQ-1: The tool MUST read dot-directories named in include.\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "b.md").write_text("REQ-2: Not read.\n")
    from spec_lsp.core.config import load_config
    from spec_lsp.core.workspace import Workspace

    cfg, _ = load_config(tmp_path)
    ws = Workspace(tmp_path, cfg)
    ws.load()
    assert ".notes/a.md" in ws.docs and ".hidden/b.md" not in ws.docs


def test_root_is_the_git_repository_and_paths_only_filter(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "docs").mkdir()
    (repo / "docs" / "a.md").write_text("# A\n\nSee [b](../other/b.md#missing).\n")
    (repo / "other").mkdir()
    (repo / "other" / "b.md").write_text("# B\n")
    (repo / "other" / "c.md").write_text("# C\n\n[x](nowhere.md)\n")
    out = subprocess.run([sys.executable, "-m", "spec_lsp", "check", "docs", "--no-language", "--fail-on", "never"],
                         cwd=repo, capture_output=True, text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert "docs/a.md:3" in out.stdout and "SPEC120" in out.stdout  # the link out of docs/ was checked
    assert "c.md" not in out.stdout  # other paths: filtered out


def test_lone_file_without_repository_is_its_own_root(tmp_path):
    from spec_lsp.core.config import find_root

    (tmp_path / "x").mkdir()
    f = tmp_path / "x" / "one.md"
    f.write_text("# One\n")
    assert find_root(f) == (tmp_path / "x").resolve() or (tmp_path / ".git").exists()


def test_model_spec_findings_unchanged():
    if not MODEL_SPEC.exists():
        import pytest

        pytest.skip("corpus not available")
    out = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(MODEL_SPEC), "--no-language", "--format", "json"],
                         cwd=REPO, capture_output=True, text=True)
    import json

    got = sorted((f["code"], f["path"], f["range"]["start"]["line"]) for f in json.loads(out.stdout))
    # the four clauses without a challenge file have examples in their sections: SPEC542 (which replaces SPEC101)
    assert got == [("SPEC102", "examples/91ld.md", 0), ("SPEC102", "examples/lds1.md", 0), ("SPEC103", "examples/3kvn.md", 0),
                   ("SPEC542", "model_spec.md", 3598), ("SPEC542", "model_spec.md", 3632), ("SPEC542", "model_spec.md", 3634),
                   ("SPEC542", "model_spec.md", 3956)]


def test_memory_workspace_activates_a_format_on_its_first_file():
    ws = memory_workspace({"README.md": "# Readme\n", "specs/001-a/tasks.md": "- [ ] T001 Do (FR-001)\n"})
    assert ws.format_of("specs/001-a/tasks.md").name == "model-spec"  # a tasks.md alone says nothing
    ws.set_document("specs/001-a/spec.md", "- **FR-001**: System MUST do.\n")  # paranoid: equals a fresh build
    assert ws.format_of("specs/001-a/tasks.md").name == "spec-kit"
    assert not ws.findings("specs/001-a/tasks.md")
    ws.set_document("specs/001-a/tasks.md", "- [ ] T001 Do (FR-002)\n")
    assert [f.code for f in ws.findings("specs/001-a/tasks.md")] == ["SPEC400"]


def test_doctor_reports_root_config_formats_and_counts():
    from helpers import FIXTURES

    out = subprocess.run([sys.executable, "-m", "spec_lsp", "doctor", str(FIXTURES / "speckit" / "specs"), "--format", "json"],
                         cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    import json

    rep = json.loads(out.stdout)
    assert rep["root"].endswith("fixtures/speckit") and rep["config"] == ".spec-lsp.toml"
    sk = next(r for r in rep["formats"] if r["format"] == "spec-kit")
    assert sk["how"] == "detected"
    # 6 + 2 clauses in 001, 4 + 1 in 002; evidence: tasks citing them; references: mentions + ranges
    assert sk["clauses"] == 13 and sk["evidence"] > 0 and sk["references"] > 0
    text = subprocess.run([sys.executable, "-m", "spec_lsp", "doctor", str(FIXTURES / "speckit")], cwd=REPO,
                          capture_output=True, text=True).stdout
    assert "spec-kit" in text and "clauses" in text and "root:" in text
