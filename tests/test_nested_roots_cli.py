"""`spec-lsp check` and nested roots: a sub-directory with its own config is checked with its own settings
when a parent directory is checked, links into it from outside are not checked (another root), and a
directory argument covers the nested roots below it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import REPO

DOC = "# Guide\n\nSee [the albums](sub/spec.md#nothing-here) and [gone](missing.md).\n"
SPEC = "# Albums “🌅”\n\nThe system MUST store albums.\n\nSee [other](other.md).\n"


def check(cwd: Path, *args: str) -> list[dict]:
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", *args, "--no-language", "--format", "json", "--fail-on", "never"],
                       capture_output=True, text=True, cwd=cwd, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def make(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "docs" / "sub").mkdir(parents=True)
    (root / "docs" / "guide.md").write_text(DOC, encoding="utf-8")
    (root / "docs" / "sub" / "spec.md").write_text(SPEC, encoding="utf-8")
    (root / "docs" / "sub" / ".spec-lsp.toml").write_text('[rules]\nbroken-file-link = "hint"\n', encoding="utf-8")
    return root


def test_nested_root_checked_with_its_settings_and_links_into_it_skipped(tmp_path):
    root = make(tmp_path)
    got = {(f["root"], f["path"], f["code"], f["severity"]) for f in check(root, ".") if f["code"] in ("SPEC120", "SPEC121")}
    assert got == {(".", "docs/guide.md", "SPEC121", "error"), ("docs/sub", "spec.md", "SPEC121", "hint")}
    # a directory argument above the nested root covers it; a file in it is checked by it alone
    assert {f["root"] for f in check(root, "docs") if f["code"] == "SPEC121"} == {".", "docs/sub"}
    assert [(f["path"], f["severity"]) for f in check(root, "docs/sub/spec.md") if f["code"] == "SPEC121"] == [("spec.md", "hint")]
