"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the real `pre-commit try-repo` in a temporary git
repository: pre-commit installs this repository's package (and its dependencies, from the package index)
into its own environment, then runs the hook on the staged Markdown files."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRE_COMMIT = shutil.which("pre-commit")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (test extra)")]


@pytest.fixture
def pc_home(tmp_path) -> Path:
    """pre-commit's home (try-repo builds the hook's environment afresh in a temporary store anyway)."""
    return tmp_path / "pre-commit-home"


def git_repo(tmp_path: Path, fixture: str, extra: dict[str, str] | None = None) -> Path:
    repo = tmp_path / fixture
    shutil.copytree(REPO / "fixtures" / fixture, repo)
    for name, text in (extra or {}).items():
        (repo / name).write_text(text, encoding="utf-8")
    env = git_env(tmp_path)
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "spec"]):
        subprocess.run(["git", *cmd], cwd=repo, check=True, env=env, capture_output=True)
    return repo


def git_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GIT_", "VIRTUAL_ENV"))}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org",
               GIT_CONFIG_NOSYSTEM="1", HOME=str(tmp_path))
    return env


def try_repo(repo: Path, hook: str, pc_home: Path, *extra: str) -> subprocess.CompletedProcess:
    env = git_env(repo.parent)
    env["PRE_COMMIT_HOME"] = str(pc_home)
    env["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    return subprocess.run([PRE_COMMIT, "try-repo", str(REPO), hook, "--all-files", "--color", "never", *extra],
                          cwd=repo, capture_output=True, text=True, env=env, timeout=1800)


def test_structure_hook_passes_on_a_clean_spec(tmp_path, pc_home):
    repo = git_repo(tmp_path, "model-spec")
    r = try_repo(repo, "spec-lsp-check", pc_home)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "spec-lsp check (structure)" in r.stdout and "Passed" in r.stdout


def test_structure_hook_fails_on_a_broken_spec(tmp_path, pc_home):
    repo = git_repo(tmp_path, "broken")
    r = try_repo(repo, "spec-lsp-check", pc_home)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Failed" in r.stdout
    assert "spec.md:17:" in r.stdout and "SPEC120" in r.stdout  # the hook prints the findings


def test_language_hook_runs_the_parser_rules(tmp_path, pc_home):
    """The language hook's environment has spaCy and the model (the `nlp` extra): a parser rule
    (subjective-language needs part-of-speech tags) reports next to a structural error, which fails the hook."""
    # (a section titled "Notes" is not normative; subjective-language needs the parser and, like every language
    # rule, is off by default: the repository's config turns it on)
    notes = "# Privacy\n\nSee [the rules](#nowhere).\n\nThe interface must be intuitive.\n"
    repo = git_repo(tmp_path, "model-spec", {"notes.md": notes, ".spec-lsp.toml": '[rules]\nsubjective-language = "information"\n'})
    r = try_repo(repo, "spec-lsp-check-language", pc_home)
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "notes.md:3:" in out and "SPEC120" in out, out
    assert "notes.md:5:" in out and "SPEC202" in out, out  # only with spaCy and the model
    assert "spaCy is not installed" not in out and "No spaCy English model" not in out
