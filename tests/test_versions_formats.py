"""Spec versions for formats without IDs, through the format seam: OpenSpec requirements keyed by name
(evidence: their scenarios) and Kiro acceptance criteria keyed by number (evidence: citing tasks).
The project's fixtures/openspec and fixtures/kiro are copied into a temporary git repository."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

from versions_fixture import cli, git

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AUTH = "openspec/specs/auth/spec.md"
ALBUMS = ".kiro/specs/photo-albums/requirements.md"


def repo(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v1")
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    p = root / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, old
    p.write_text(text.replace(old, new), encoding="utf-8")


def test_openspec_lock_and_stale_evidence_by_requirement_name(tmp_path):
    root = repo(tmp_path, "openspec")
    cli(root, "lock", check=0)
    keys = list(tomllib.loads((root / "spec.lock").read_text(encoding="utf-8"))["clauses"])
    assert "openspec/specs/auth#Session expiry" in keys and "openspec/specs/billing#Monthly invoice" in keys
    edit(root, AUTH, "A session MUST end 30 minutes", "A session MUST end 15 minutes")
    r = cli(root, "check", "--no-language", "--format", "json", "--fail-on", "never", check=0)
    (f,) = [f for f in json.loads(r.stdout) if f["code"] == "SPEC520"]
    assert f["subject"] == "openspec/specs/auth#Session expiry"
    assert "Requirement: Session expiry (capability auth) was reworded since its evidence was last reviewed" in f["message"]
    assert "(Scenario: Idle session ends, Scenario: Activity keeps the session)" in f["message"]
    assert "lock --update 'openspec/specs/auth#Session expiry'" in f["message"]
    # changing a scenario's steps with it is a reviewed change
    edit(root, AUTH, "last request was 31 minutes ago", "last request was 16 minutes ago")
    r = cli(root, "check", "--no-language", "--format", "json", "--fail-on", "never", check=0)
    assert not [f for f in json.loads(r.stdout) if f["code"] == "SPEC520"]
    cli(root, "lock", "--update", "auth#Session expiry", check=0)
    assert cli(root, "lock", "--check").returncode == 0


def test_openspec_diff_keyed_on_requirement_names(tmp_path):
    root = repo(tmp_path, "openspec")
    edit(root, AUTH, "### Requirement: Sign-out", "### Requirement: Sign out everywhere")
    edit(root, AUTH, "A session MUST end 30 minutes", "A session MUST end 15 minutes")
    res = json.loads(cli(root, "diff", "HEAD", "--format", "json", check=0).stdout)
    (rn,) = res["renamed"]
    assert (rn["old_id"], rn["id"]) == ("openspec/specs/auth#Sign-out", "openspec/specs/auth#Sign out everywhere")
    assert rn["display"] == "Requirement: Sign out everywhere (capability auth)"
    (rw,) = res["reworded"]
    assert rw["id"] == "openspec/specs/auth#Session expiry" and ["-", " 30"] in rw["words"] and ["+", " 15"] in rw["words"]
    (st,) = res["evidence_stale"]  # its scenarios did not change
    assert st["id"] == "openspec/specs/auth#Session expiry"
    assert st["evidence_labels"] == ["Scenario: Idle session ends", "Scenario: Activity keeps the session"]
    assert res["added"] == [] and res["removed"] == []
    md = cli(root, "diff", "HEAD", "--format", "markdown", check=0).stdout
    assert "`Requirement: Sign-out (capability auth)` → `Requirement: Sign out everywhere (capability auth)`" in md


def test_kiro_diff_renumbered_criteria(tmp_path):
    """A criterion inserted at 2.2 renumbers the ones after it: renames on the same sentence, one addition;
    the task range `2.1-2.4` no longer covers the last one (its evidence is gone)."""
    root = repo(tmp_path, "kiro")
    edit(root, ALBUMS, "2. THE Album Service SHALL keep at most 5,000 photos per album\n3. WHILE",
         "2. WHEN a photo is already in the album, THE Album Service SHALL skip it 📎\n"
         "3. THE Album Service SHALL keep at most 5,000 photos per album\n4. WHILE")
    edit(root, ALBUMS, "4. WHERE the user", "5. WHERE the user")
    res = json.loads(cli(root, "diff", "HEAD", "--format", "json", check=0).stdout)
    scope = ".kiro/specs/photo-albums#"
    assert [(r["old_id"], r["id"]) for r in res["renamed"]] == [
        (scope + "2.2", scope + "2.3"), (scope + "2.3", scope + "2.4"), (scope + "2.4", scope + "2.5")]
    assert [r["id"] for r in res["added"]] == [scope + "2.2"]
    assert res["reworded"] == [] and res["removed"] == []
    gone = [r for r in res["evidence_changed"] if r["id"] == scope + "2.5"]
    assert gone and gone[0]["how"] == "removed"
