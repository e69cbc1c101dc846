"""Spec versions in a format with scopes (spec-kit: FR-001 restarts in every feature): scope-qualified
spec.lock keys, stale-evidence / reused-id / lock --update per feature, evidence from the format's
hook (citing tasks), diff keyed per feature with renumbered requirements, and old bare-key locks."""

from __future__ import annotations

import json
import tomllib

from speckit_versions_fixture import ALBUMS, ALBUMS_SPEC, ALBUMS_TASKS, SHARING, SHARING_SPEC, files
from versions_fixture import cli, git, write

from spec_lsp.core.config import load_config
from spec_lsp.core.workspace import Workspace
from spec_lsp.versions.lock import LOCK_FILE

A1 = f"{ALBUMS}#FR-001"
S1 = f"{SHARING}#FR-001"


def findings(root, code):
    r = cli(root, "check", "--no-language", "--format", "json", "--fail-on", "never", check=0)
    return [f for f in json.loads(r.stdout) if f["code"] == code]


def locked(root):
    return tomllib.loads((root / LOCK_FILE).read_text(encoding="utf-8"))


def test_lock_keys_are_scope_qualified(tmp_path):
    write(tmp_path, files())
    cli(tmp_path, "lock", check=0)
    data = locked(tmp_path)
    assert sorted(data["clauses"]) == [A1, f"{ALBUMS}#FR-002", f"{ALBUMS}#FR-003", f"{ALBUMS}#SC-001", S1, f"{SHARING}#FR-002"]
    # both FR-001 are entries of their own: different sentences, different evidence (their own tasks)
    assert data["clauses"][A1]["sentence"] != data["clauses"][S1]["sentence"]
    assert data["clauses"][A1]["evidence"] != data["clauses"][S1]["evidence"]
    assert data["clauses"][f"{ALBUMS}#SC-001"]["evidence"] == "none"  # no task cites a success criterion
    assert cli(tmp_path, "lock", "--check").returncode == 0


def test_stale_evidence_and_accept_per_feature(tmp_path):
    write(tmp_path, files())
    cli(tmp_path, "lock", check=0)
    write(tmp_path, {f"{SHARING}/spec.md": SHARING_SPEC.replace("with a link", "with a private link")})
    (f,) = findings(tmp_path, "SPEC520")  # feature 002's FR-001 only; 001's FR-001 is untouched
    assert f["path"] == f"{SHARING}/spec.md" and f["subject"] == S1
    assert "FR-001 (feature 002-trip-sharing) was reworded since its evidence was last reviewed" in f["message"]
    assert f"review {SHARING}/tasks.md (T020)" in f["message"] and f"lock --update '{S1}'" in f["message"]
    # a bare ID that two features define is ambiguous; the key, or its end after a '/', is not
    r = cli(tmp_path, "lock", "--update", "FR-001")
    assert r.returncode == 2 and A1 in r.stderr and S1 in r.stderr
    cli(tmp_path, "lock", "--update", "002-trip-sharing#FR-001", check=0)
    assert findings(tmp_path, "SPEC520") == []
    assert locked(tmp_path)["clauses"][S1]["text"] == "System MUST let a traveller share a trip with a private link."


def test_changed_task_is_changed_evidence(tmp_path):
    """Rewording a requirement and the task that cites it together is a reviewed change: not stale."""
    write(tmp_path, files())
    cli(tmp_path, "lock", check=0)
    write(tmp_path, {f"{ALBUMS}/spec.md": ALBUMS_SPEC.replace("from selected photos", "from up to 500 selected photos"),
                     f"{ALBUMS}/tasks.md": ALBUMS_TASKS.replace("Album creation endpoint", "Album creation endpoint, 500-photo cap")})
    assert findings(tmp_path, "SPEC520") == []
    # the task of another requirement changing does not count as FR-001's evidence
    write(tmp_path, {f"{ALBUMS}/tasks.md": ALBUMS_TASKS.replace("Rename endpoint", "Rename endpoint (PATCH)")})
    assert [f["subject"] for f in findings(tmp_path, "SPEC520")] == [A1]


def test_reused_id_is_per_feature(tmp_path):
    write(tmp_path, files())
    cli(tmp_path, "lock", check=0)
    gone = ALBUMS_SPEC.replace("- **FR-003**: System MUST keep a photo in every album it was added to.\n", "")
    write(tmp_path, {f"{ALBUMS}/spec.md": gone,
                     f"{ALBUMS}/tasks.md": ALBUMS_TASKS.replace("- [ ] T012 [US1] Keep photos when an album is renamed (FR-003)\n", "")})
    cli(tmp_path, "lock", check=0)
    assert list(locked(tmp_path)["retired"]) == [f"{ALBUMS}#FR-003"]
    # FR-003 appearing in the other feature is a new clause there, not a reuse
    write(tmp_path, {f"{SHARING}/spec.md": SHARING_SPEC + "- **FR-003**: System MUST expire links after 30 days.\n"})
    assert findings(tmp_path, "SPEC521") == []
    # back in its own feature on another sentence: reused
    write(tmp_path, {f"{ALBUMS}/spec.md": gone.replace("\n\n## Success", "\n- **FR-003**: System MUST print albums as “photo books” 📖.\n\n## Success")})
    (f,) = findings(tmp_path, "SPEC521")
    assert f["subject"] == f"{ALBUMS}#FR-003" and f["path"] == f"{ALBUMS}/spec.md" and f["severity"] == "error"
    assert "FR-003 (feature 001-photo-albums) was retired (it said: “System MUST keep a photo" in f["message"]


def test_bare_key_lock_from_before_scopes_is_rekeyed(tmp_path):
    write(tmp_path, files())
    old = ('version = 1\n\n[clauses]\nFR-001 = { sentence = "0000000000000000", evidence = "none", text = "old" }\n\n'
           '[retired]\nFR-009 = { sentence = "1111111111111111", text = "gone" }\n')
    write(tmp_path, {LOCK_FILE: old})
    assert findings(tmp_path, "SPEC520") == [] and findings(tmp_path, "SPEC521") == []
    cli(tmp_path, "lock", check=0)
    data = locked(tmp_path)
    assert "FR-001" not in data["clauses"] and "FR-001" not in data["retired"]  # re-keyed, not retired
    assert A1 in data["clauses"] and S1 in data["clauses"]
    assert data["retired"] == {"FR-009": {"sentence": "1111111111111111", "text": "gone"}}  # no scoped successor: kept


def test_incremental_evidence_dependency_on_tasks(tmp_path):
    """The stale verdict of spec.md reads tasks.md's text: editing a task re-checks spec.md (paranoid mode
    compares every step with a fresh build)."""
    write(tmp_path, files())
    cli(tmp_path, "lock", check=0)
    cfg, _ = load_config(tmp_path)
    ws = Workspace(tmp_path, cfg, paranoid=True)
    ws.load()
    spec, tasks = f"{ALBUMS}/spec.md", f"{ALBUMS}/tasks.md"
    ws.set_document(spec, ALBUMS_SPEC.replace("from selected photos", "from the selected photos"))
    assert [f.subject for f in ws.findings(spec) if f.code == "SPEC520"] == [A1]
    changed = ws.set_document(tasks, ALBUMS_TASKS.replace("Album creation endpoint", "Album creation endpoint (reviewed)"))
    assert spec in changed and not [f for f in ws.findings(spec) if f.code == "SPEC520"]
    # the other feature's documents are not re-checked by it
    assert not any(p.startswith(SHARING) for p in changed)


def _repo(root):
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write(root, files())
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v1")
    git(root, "tag", "v1")
    return root


def test_diff_is_keyed_per_feature(tmp_path):
    root = _repo(tmp_path / "repo")
    write(root, {f"{SHARING}/spec.md": SHARING_SPEC.replace("with a link", "with a private link")})
    res = json.loads(cli(root, "diff", "v1", "--format", "json", check=0).stdout)
    assert [r["id"] for r in res["reworded"]] == [S1]  # 001's FR-001 did not change
    r = res["reworded"][0]
    assert r["display"] == "FR-001 (feature 002-trip-sharing)" and r["scope"] == SHARING
    assert [x["id"] for x in res["evidence_stale"]] == [S1] and res["evidence_stale"][0]["evidence"] == [f"{SHARING}/tasks.md"]
    assert res["added"] == [] and res["removed"] == [] and res["renamed"] == []
    text = cli(root, "diff", "v1", check=0).stdout
    assert "reworded  FR-001 (feature 002-trip-sharing)" in text and "{+private+}" in text
    md = cli(root, "diff", "v1", "--format", "markdown", check=0).stdout
    assert "`FR-001 (feature 002-trip-sharing)`" in md and "evidence unchanged: review" in md


def test_diff_renumbered_requirements_are_renames(tmp_path):
    """A requirement inserted at FR-001 shifts the others: same sentences under new numbers are renames,
    the new text is the one addition (not three rewordings)."""
    root = _repo(tmp_path / "repo")
    spec = ALBUMS_SPEC.replace("- **FR-003**: System MUST keep", "- **FR-004**: System MUST keep") \
        .replace("- **FR-002**: System MUST let users rename", "- **FR-003**: System MUST let users rename") \
        .replace("- **FR-001**: System MUST let users create", "- **FR-001**: System MUST ask before deleting photos.\n- **FR-002**: System MUST let users create")
    write(root, {f"{ALBUMS}/spec.md": spec})
    res = json.loads(cli(root, "diff", "v1", "--format", "json", check=0).stdout)
    assert [(r["old_id"], r["id"]) for r in res["renamed"]] == [
        (A1, f"{ALBUMS}#FR-002"), (f"{ALBUMS}#FR-002", f"{ALBUMS}#FR-003"), (f"{ALBUMS}#FR-003", f"{ALBUMS}#FR-004")]
    assert [(r["id"], r["sentence"]) for r in res["added"]] == [(A1, "System MUST ask before deleting photos.")]
    assert res["reworded"] == [] and res["removed"] == []
    # the tasks still cite the old numbers: the renamed clauses' evidence changed (FR-002's task now cites creation)
    assert {r["id"] for r in res["evidence_changed"]} >= {f"{ALBUMS}#FR-002", f"{ALBUMS}#FR-003"}
    text = cli(root, "diff", "v1", check=0).stdout
    assert "renamed   FR-001 (feature 001-photo-albums) → FR-002 (feature 001-photo-albums)" in text
