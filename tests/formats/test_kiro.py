"""Kiro: parsing (criteria N.M, tasks, references) and each rule (SPEC440–SPEC446) on its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers import FIXTURES, REPO, memory_workspace
from spec_lsp.formats.kiro import ears_problem
from spec_lsp.formats.kiro_parse import expand, parse

F = ".kiro/specs/albums"
REQ, TASKS, DESIGN = f"{F}/requirements.md", f"{F}/tasks.md", f"{F}/design.md"

REQUIREMENTS = """# Requirements Document

## Requirements

### Requirement 1: Create albums

**User Story:** As a photographer, I want albums 📷, so that I can group photos.

#### Acceptance Criteria

1. WHEN a user submits an album name THEN the system SHALL create an empty album
2. WHEN the name is empty, THE Album Service SHALL reject it with “Name required”
3. IF an album with that name exists, THEN THE Album Service SHALL append “(2)”

### Requirement 2

**User Story:** As a photographer, I want to add photos.

#### Acceptance Criteria

1. THE Album Service SHALL keep at most 5,000 photos per album
2. WHEN 接続が回復した時、THE Album Service SHALL 未送信の写真を送信する
"""

TASKS_MD = """# Implementation Plan

- [ ] 1. Album model
  - _Requirements: 1.1-1.3_
- [ ]* 1.1 Property test
  - **Validates: Requirements 1.1**
- [x] 2. Photos
  - _Requirements: 2.1, 2.2_
"""


def found(ws, code: str, path: str | None = None):
    fs = ws.all_findings() if path is None else ws.findings(path)
    return [f for f in fs if f.code == code]


# -- parsing ---------------------------------------------------------------------------------


def test_criteria_ids_are_derived_from_requirement_number_and_list_index():
    d = parse(REQ, REQUIREMENTS)
    assert [c.id for c in d.clauses] == ["1", "1.1", "1.2", "1.3", "2", "2.1", "2.2"]
    c = next(c for c in d.clauses if c.id == "2.2")
    line = REQUIREMENTS.split("\n")[c.range.start.line]
    assert line[c.range.start.character:c.range.end.character] == "2."
    assert c.text.startswith("WHEN 接続")
    assert d.clauses[0].display == "Requirement 1: Create albums" and d.clauses[4].display == "Requirement 2"


def test_tasks_optional_flags_and_references():
    d = parse(TASKS, TASKS_MD)
    assert [(t.id, t.optional, t.done) for t in d.data.tasks] == [("1", False, False), ("1.1", True, False), ("2", False, True)]
    order = ["1", "1.1", "1.2", "1.3", "2", "2.1", "2.2"]
    rl = d.data.ref_lines
    assert rl[0].owner == "task 1" and expand(rl[0].tokens[0], order) == ("1.1", "1.2", "1.3")
    assert rl[1].role == "validates" and rl[1].owner == "task 1.1"


def test_reference_forms():
    text = "- [ ] 1. x\n  - _Requirements: All_\n- [ ] 2. y\n  - _Requirements: すべて_\n- [ ] 3. z\n  - _Requirements: R2.1, FR-1.1, 7.1–7.10, 3_\n"
    d = parse(TASKS, text)
    kinds = [[t.kind for t in rl.tokens] for rl in d.data.ref_lines]
    assert kinds == [["all"], ["all"], ["id", "prefixed", "range", "requirement"]]
    assert d.data.ref_lines[2].tokens[0].ids == ("2.1",)


def test_free_form_requirements_define_only_written_ids():
    text = "# Export\n\n- FR-1.1: Notes export as Markdown\n- NFR-1.1: 1,000 notes in 60 s\n\n### 2.1 Formats\nText.\n"
    d = parse(REQ, text)
    assert [c.id for c in d.clauses] == ["FR-1.1", "NFR-1.1", "2.1"]
    assert d.data.free_form


def test_ears_shapes():
    assert ears_problem("WHEN a user submits a name THEN the system SHALL create it") is None
    assert ears_problem("WHEN 接続が回復した時、THE Sync Engine SHALL 送信する") is None
    assert ears_problem("WHERE captions are on, THE Service SHALL store them") is None
    assert ears_problem("The dashboard shows the queue")[0] == "SPEC442"
    assert ears_problem("WHEN the upload fails, an error appears")[0] == "SPEC443"
    assert ears_problem("THEN THE Cart SHALL keep items")[0] == "SPEC444"
    assert "capitals" in ears_problem("The system shall log it")[1]


# -- rules -----------------------------------------------------------------------------------


def test_clean_feature_has_no_kiro_findings():
    ws = memory_workspace({REQ: REQUIREMENTS, TASKS: TASKS_MD})
    assert [f for f in ws.all_findings() if f.code.startswith("SPEC44")] == []


def test_spec440_unknown_reference_with_suggestion():
    ws = memory_workspace({REQ: REQUIREMENTS, TASKS: TASKS_MD.replace("2.1, 2.2", "2.1, 2.2, 2.9")})
    (f,) = found(ws, "SPEC440")
    assert f.subject == "2.9" and f.path == TASKS
    line = ws.text(TASKS).split("\n")[f.range.start.line]
    assert line[f.range.start.character:f.range.end.character] == "2.9"
    bad_range = memory_workspace({REQ: REQUIREMENTS, TASKS: TASKS_MD.replace("1.1-1.3", "1.1-1.7")})
    assert "1.7" in found(bad_range, "SPEC440")[0].message
    design = "### Property 1: x\n\n**Validates: Requirements 3.1**\n"
    (g,) = found(memory_workspace({REQ: REQUIREMENTS, TASKS: TASKS_MD, DESIGN: design}), "SPEC440")
    assert g.path == DESIGN


def test_spec440_is_quiet_without_requirements_or_ids():
    assert not found(memory_workspace({TASKS: TASKS_MD}), "SPEC440")
    free = "# Notes\n\nSome prose without IDs.\n"
    assert not found(memory_workspace({REQ: free, TASKS: TASKS_MD}), "SPEC440")


def test_spec441_criterion_cited_by_no_task():
    ws = memory_workspace({REQ: REQUIREMENTS, TASKS: TASKS_MD.replace("2.1, 2.2", "2.1")})
    (f,) = found(ws, "SPEC441")
    assert f.subject == "2.2" and f.path == REQ
    # All covers everything; a tasks file that cites nothing is not a flood
    assert not found(memory_workspace({REQ: REQUIREMENTS, TASKS: "- [ ] 1. x\n  - _Requirements: All_\n"}), "SPEC441")
    assert not found(memory_workspace({REQ: REQUIREMENTS, TASKS: "- [ ] 1. x\n- [ ] 2. y\n"}), "SPEC441")


def test_spec441_follows_edits_of_tasks_md():
    ws = memory_workspace({REQ: REQUIREMENTS, TASKS: TASKS_MD.replace("2.1, 2.2", "2.1")})
    assert found(ws, "SPEC441", REQ)
    changed = ws.set_document(TASKS, TASKS_MD)
    assert REQ in changed and not found(ws, "SPEC441", REQ)


def test_spec442_443_444_malformed_ears():
    bad = REQUIREMENTS.replace("1. THE Album Service SHALL keep", "1. The album keeps") \
                      .replace("2. WHEN the name is empty, THE Album Service SHALL reject it", "2. WHEN the name is empty, it is rejected") \
                      .replace("3. IF an album with that name exists, THEN", "3. THEN")
    ws = memory_workspace({REQ: bad, TASKS: TASKS_MD})
    assert [f.subject for f in found(ws, "SPEC442")] == ["2.1"]
    assert [f.subject for f in found(ws, "SPEC443")] == ["1.2"]
    assert [f.subject for f in found(ws, "SPEC444")] == ["1.3"]


def test_spec445_requirement_without_criteria_with_template_fix():
    text = REQUIREMENTS + "\n### Requirement 3: Share\n\n**User Story:** As a photographer, I want to share.\n"
    (f,) = found(memory_workspace({REQ: text}), "SPEC445")
    assert f.subject == "3"
    (fix,) = f.fixes
    assert "#### Acceptance Criteria" in fix.new_text and "SHALL" in fix.new_text and "xml" not in fix.new_text


def test_spec446_duplicate_requirement_number():
    text = REQUIREMENTS + "\n### Requirement 2: Again\n\n#### Acceptance Criteria\n\n1. THE Album Service SHALL x\n"
    (f,) = found(memory_workspace({REQ: text}), "SPEC446")
    assert f.related[0].range.start.line == REQUIREMENTS.split("\n").index("### Requirement 2")


def test_two_features_with_equal_ids_are_separate_scopes():
    other = ".kiro/specs/sharing"
    ws = memory_workspace({REQ: REQUIREMENTS, TASKS: TASKS_MD,
                           f"{other}/requirements.md": REQUIREMENTS.split("### Requirement 2")[0],
                           f"{other}/tasks.md": "- [ ] 1. x\n  - _Requirements: 2.1_\n"})
    (f,) = found(ws, "SPEC440")
    assert f.path == f"{other}/tasks.md"


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "spec_lsp", "check", *args, "--no-language", "--format", "json"],
                          cwd=REPO, capture_output=True, text=True, env=env, timeout=300)


def test_fixtures_through_the_cli_read_the_dot_kiro_directory():
    r = _cli(str(FIXTURES / "kiro"))
    assert r.returncode == 0 and [f for f in json.loads(r.stdout) if f["code"].startswith("SPEC44")] == []
    r = _cli(str(FIXTURES / "kiro-broken"))
    got = {f["code"] for f in json.loads(r.stdout)}
    assert {f"SPEC44{i}" for i in range(7)} <= got, got
    assert all(".kiro/specs/" in f["path"] for f in json.loads(r.stdout))


def test_spec447_misnumbered_criterion_gets_the_number_markdown_shows():
    text = REQUIREMENTS.replace("3. IF an album", "2. IF an album")
    ws = memory_workspace({REQ: text})
    (f,) = found(ws, "SPEC447")
    assert f.subject == "1.3" and f.fixes[0].new_text == "3."
    line = text.split("\n")[f.range.start.line]
    assert line[f.range.start.character:f.range.end.character] == "2."
    assert not found(ws, "SPEC110")  # no duplicate 1.2: the item is criterion 1.3
    assert [c.id for c in parse(REQ, text).clauses][:4] == ["1", "1.1", "1.2", "1.3"]
