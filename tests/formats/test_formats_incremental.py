"""OpenSpec and Kiro under edit sequences in paranoid mode: after every edit the incremental index
equals a fresh build (scope mates re-checked through `format_data`), and the findings follow."""

from __future__ import annotations

from helpers import memory_workspace

MAIN = "openspec/specs/auth/spec.md"
DELTA = "openspec/changes/c1/specs/auth/spec.md"
REQ = ".kiro/specs/f/requirements.md"
TASKS = ".kiro/specs/f/tasks.md"

M = ("## Requirements\n### Requirement: Login\nThe app SHALL log in “users” 🙂.\n\n#### Scenario: Ok\n- **WHEN** ok\n- **THEN** in\n\n"
     "#### Scenario: Bad\n- **WHEN** bad\n- **THEN** out\n")
D = "## MODIFIED Requirements\n### Requirement: Login\nThe app SHALL log in.\n\n#### Scenario: Ok\n- **WHEN** ok\n- **THEN** in\n"
R = "### Requirement 1: A\n\n#### Acceptance Criteria\n\n1. THE X SHALL a\n2. THE X SHALL b\n"
T = "- [ ] 1. t\n  - _Requirements: 1.1, 1.2_\n"


def codes(ws, path):
    return sorted(f.code for f in ws.findings(path))


def test_openspec_edit_sequence_paranoid():
    ws = memory_workspace({MAIN: M, DELTA: D})  # paranoid: every update is compared with a fresh build
    assert codes(ws, DELTA) == ["SPEC427"]
    ws.set_document(MAIN, M.replace("#### Scenario: Bad\n- **WHEN** bad\n- **THEN** out\n", ""))
    assert codes(ws, DELTA) == []
    ws.set_document(MAIN, M.replace("Requirement: Login", "Requirement: Sign in"))
    assert codes(ws, DELTA) == ["SPEC424"]
    ws.set_document(DELTA, D.replace("Requirement: Login", "Requirement: Sign in"))
    assert codes(ws, DELTA) == ["SPEC427"]
    ws.set_document(MAIN, M.replace("Requirement: Login", "Requirement: Sign in").replace("\r", "").replace("\n", "\r\n"))
    assert codes(ws, DELTA) == ["SPEC427"]
    ws.remove_document(MAIN)
    assert codes(ws, DELTA) == ["SPEC424"]


def test_kiro_edit_sequence_paranoid():
    ws = memory_workspace({REQ: R, TASKS: T})
    assert codes(ws, REQ) == [] and codes(ws, TASKS) == []
    ws.set_document(REQ, R + "3. THE X SHALL c\n")
    assert codes(ws, REQ) == ["SPEC441"]
    ws.set_document(TASKS, T.replace("1.1, 1.2", "1.1-1.3"))
    assert codes(ws, REQ) == []
    ws.set_document(REQ, R)
    assert codes(ws, TASKS) == ["SPEC440"]
    ws.remove_document(REQ)
    assert codes(ws, TASKS) == []  # nothing to resolve against: not a flood
