"""The citation index: the repository listing (git and .gitignore without git, links out of the root),
and incremental updates under paranoid mode (an edit of a test file re-checks the clause's document)."""

from __future__ import annotations

import os
import subprocess

from spec_lsp.core.config import Config
from spec_lsp.core.workspace import Workspace
from spec_lsp.trace.index import scan_text
from spec_lsp.trace.repo_files import is_ignored, list_repo_files

SPEC = "# Policy {#policy authority=root}\n\nNever reveal an address[^pv01]. Refuse politely[^pv02].\n"


def _repo(tmp_path, git: bool):
    root = tmp_path / "r"
    (root / "tests").mkdir(parents=True)
    (root / "out").mkdir()
    (root / ".gitignore").write_text("out/\n*.log\n")
    (root / "spec.md").write_text(SPEC)
    (root / "tests/test_a.py").write_text("# covers pv01\n")
    (root / "out/gen.py").write_text("# covers pv02\n")
    (root / "x.log").write_text("[^pv02]\n")
    (root / "logo.png").write_bytes(b"\x89PNG\0\0")
    (root / "nb.ipynb").write_text('{"cells": [{"source": ["# covers pv02\\n"]}]}')
    outside = tmp_path / "outside.py"
    outside.write_text("# covers pv02\n")
    os.symlink(outside, root / "link.py")
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_listing_respects_gitignore_with_and_without_git(tmp_path):
    for git in (True, False):
        root = _repo(tmp_path / ("g" if git else "p"), git)
        got = [f.path for f in list_repo_files(root, use_git=git)]
        assert got == [".gitignore", "nb.ipynb", "spec.md", "tests/test_a.py"], (git, got)
        assert is_ignored(root, "out/new.py") and is_ignored(root, "y.log") and not is_ignored(root, "tests/test_b.py")


def test_workspace_scan_and_incremental_update_under_paranoid_mode(tmp_path):
    root = _repo(tmp_path, True)
    ws = Workspace(root, Config(), paranoid=True)
    ws.load()
    ws.load_citations()
    assert sorted(ws.code) == [".gitignore", "nb.ipynb", "tests/test_a.py"]
    # pv01 is covered by the test; the notebook's citation of pv02 is a citation, not evidence (not a test file)
    assert [f.subject for f in ws.findings("spec.md") if f.code == "SPEC101"] == ["pv02"]
    (root / "tests/test_a.py").write_text("# covers pv01 and pv02\n")
    assert ws.rescan_code("tests/test_a.py") == {"spec.md"}  # the test file has no findings of its own
    assert [f.subject for f in ws.findings("spec.md") if f.code == "SPEC101"] == []
    (root / "tests/test_a.py").write_text("# nothing\n")
    assert "spec.md" in ws.rescan_code("tests/test_a.py")
    assert sorted(f.subject for f in ws.findings("spec.md") if f.code == "SPEC101") == ["pv01", "pv02"]
    ws.set_code("tests/test_b.py", scan_text("tests/test_b.py", "@spec('pv02')\n", ws.scan_spec()))
    assert [f.subject for f in ws.findings("spec.md") if f.code == "SPEC101"] == ["pv01"]
    # a line moved above a citation changes no fingerprint: nothing is re-checked
    (root / "tests/test_b.py").write_text("\n\n@spec('pv02')\n")
    assert ws.rescan_code("tests/test_b.py") == set()


def test_rename_from_a_citation_in_a_test_file(tmp_path):
    from spec_lsp.core.model import Position
    from spec_lsp.core.navigation import prepare_rename, rename_plan, symbol_at

    root = _repo(tmp_path, True)
    (root / "examples").mkdir()
    (root / "examples/pv01.md").write_text("Examples for [^pv01] in Policy:\n\n**Example**: x\n")
    ws = Workspace(root, Config())
    ws.load()
    ws.load_citations()
    sym = symbol_at(ws, "tests/test_a.py", Position(0, 10))
    assert sym is not None and sym.name == "pv01" and sym.role == "citation"
    plan = rename_plan(ws, prepare_rename(ws, "tests/test_a.py", Position(0, 10)), "pv09")
    assert sorted(plan.edits) == ["examples/pv01.md", "spec.md", "tests/test_a.py"]
    assert plan.file_renames == [("examples/pv01.md", "examples/pv09.md")]
