"""Language rules on spec-kit requirement lines (real spaCy model, through the CLI)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import FIXTURES, REPO

pytest.importorskip("spacy")


def _check(path, *extra):
    out = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(path), "--format", "json", "--fail-on", "never", *extra],
                         cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("ident", ["FR-004", "FR-010", "FR-123a"])
def test_list_item_requirement_is_linted_like_the_paragraph(tmp_path, ident):
    sentence = "System SHOULD show appropriate feedback while an invitation is sent."
    d = tmp_path / "specs" / "001-x"
    d.mkdir(parents=True)
    (d / "spec.md").write_text(f"# S\n\n## Requirements\n\n- **{ident}**: {sentence}\n\n{sentence}\n", encoding="utf-8")
    (tmp_path / ".spec-lsp.toml").write_text("")
    got = [f for f in _check(tmp_path, "--select", "vague-term") if f["path"] == "specs/001-x/spec.md"]
    lines = sorted(f["range"]["start"]["line"] + 1 for f in got)
    assert lines == [5, 7], got  # the list item (whatever its ID) and the paragraph


def test_needs_clarification_named_in_a_checklist_is_not_a_placeholder():
    got = _check(FIXTURES / "speckit", "--select", "placeholder,needs-clarification")
    where = sorted((f["code"], f["path"], f["range"]["start"]["line"] + 1) for f in got)
    assert where == [("SPEC402", "specs/001-photo-albums/spec.md", 26)]
