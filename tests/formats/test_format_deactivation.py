"""Format detection follows deletions as well as additions: deleting a repository's last spec-kit,
OpenSpec, Kiro or MDX file deactivates the format at once, and the incremental index equals a fresh
build (paranoid mode compares them after every update, formats detected again from the files)."""

from __future__ import annotations

from pathlib import Path

from helpers import memory_workspace

SPEC = "# Feature Specification: Albums\n\n## Requirements\n\n- **FR-001**: System MUST let users create an album “Porto 🌅”.\n"
TASKS = "# Tasks\n\n- [ ] T001 Build the album page (FR-001, FR-009)\n"
REQ = "### Requirement 1: A\n\n#### Acceptance Criteria\n\n1. THE X SHALL a\n"
KTASKS = "- [ ] 1. t\n  - _Requirements: 1.1_\n"
OSPEC = "## Requirements\n### Requirement: Login\nThe app SHALL log in.\n\n#### Scenario: Ok\n- **WHEN** ok\n- **THEN** in\n"


def names(ws) -> list[str]:
    return [f.name for f in ws.formats if not f.fallback]


def test_deleting_the_last_speckit_spec_deactivates_speckit_paranoid():
    ws = memory_workspace({"specs/001-a/spec.md": SPEC, "specs/001-a/tasks.md": TASKS})
    assert names(ws) == ["spec-kit"]
    assert "SPEC400" in [f.code for f in ws.findings("specs/001-a/tasks.md")]  # FR-009: unknown in the feature
    ws.remove_document("specs/001-a/spec.md")  # paranoid: compared with a fresh build, formats re-detected
    assert names(ws) == []
    assert ws.format_of("specs/001-a/tasks.md").fallback
    assert "SPEC400" not in [f.code for f in ws.findings("specs/001-a/tasks.md")]
    ws.set_document("specs/001-a/spec.md", SPEC)  # and back
    assert names(ws) == ["spec-kit"]
    assert ws.format_of("specs/001-a/tasks.md").name == "spec-kit"
    assert "SPEC400" in [f.code for f in ws.findings("specs/001-a/tasks.md")]


def test_one_of_two_features_deleted_keeps_speckit():
    ws = memory_workspace({"specs/001-a/spec.md": SPEC, "specs/002-b/spec.md": SPEC, "specs/002-b/tasks.md": TASKS})
    ws.remove_document("specs/001-a/spec.md")
    assert names(ws) == ["spec-kit"]
    assert ws.format_of("specs/002-b/tasks.md").name == "spec-kit"


def test_kiro_openspec_and_mdx_deactivate_on_their_last_file():
    ws = memory_workspace({".kiro/specs/f/requirements.md": REQ, ".kiro/specs/f/tasks.md": KTASKS,
                           "openspec/specs/auth/spec.md": OSPEC, "docs/intro.mdx": "# Intro\n\nUsers **MUST** sign in.\n"})
    assert sorted(names(ws)) == ["kiro", "mdx", "openspec"]
    ws.remove_document(".kiro/specs/f/requirements.md")
    assert "kiro" in names(ws)  # tasks.md is still a Kiro file
    ws.remove_document(".kiro/specs/f/tasks.md")
    assert "kiro" not in names(ws)
    ws.remove_document("openspec/specs/auth/spec.md")
    assert "openspec" not in names(ws)
    ws.remove_document("docs/intro.mdx")
    assert names(ws) == []


def test_a_format_detected_from_a_non_document_file_follows_it(tmp_path: Path):
    from spec_lsp.core.workspace import Workspace

    (tmp_path / ".specify" / "scripts").mkdir(parents=True)
    (tmp_path / "specs" / "notes").mkdir(parents=True)
    (tmp_path / "specs" / "notes" / "plan.md").write_text(TASKS, encoding="utf-8")
    ws = Workspace(tmp_path, paranoid=True)
    ws.load()
    assert names(ws) == []
    (tmp_path / ".specify" / "scripts" / "setup.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    ws.add_other_file(".specify/scripts/setup.sh")  # an addition activates, as detection would
    assert names(ws) == ["spec-kit"]
    (tmp_path / ".specify" / "scripts" / "setup.sh").unlink()
    ws.remove_other_file(".specify/scripts/setup.sh")
    assert names(ws) == []


def test_incremental_deletion_equals_a_fresh_build_on_disk(tmp_path: Path):
    from spec_lsp.core.workspace import Workspace

    feat = tmp_path / "specs" / "001-a"
    feat.mkdir(parents=True)
    (feat / "spec.md").write_text(SPEC, encoding="utf-8")
    (feat / "tasks.md").write_text(TASKS, encoding="utf-8")
    ws = Workspace(tmp_path, paranoid=True)
    ws.load()
    (feat / "spec.md").unlink()
    ws.remove_document("specs/001-a/spec.md")
    fresh = Workspace(tmp_path)
    fresh.load()
    assert names(ws) == names(fresh) == []
    assert ws.all_findings() == fresh.all_findings()
