"""OpenSpec: parsing, and each rule (SPEC420–SPEC428) on its own, through the real workspace index."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import FIXTURES, REPO, memory_workspace
from spec_lsp.formats import openspec
from spec_lsp.formats.openspec_parse import classify, parse

MAIN = "openspec/specs/auth/spec.md"
DELTA = "openspec/changes/add-2fa/specs/auth/spec.md"
ARCHIVED = "openspec/changes/archive/2026-01-01-add-login/specs/auth/spec.md"

AUTH = """# auth Specification

## Purpose
Sign-in for the “Ledger” app 🔒.
## Requirements
### Requirement: Password sign-in
The service SHALL accept a registered address and its password.

#### Scenario: Correct credentials
- **WHEN** a user submits a registered address with its password
- **THEN** a session starts

#### Scenario: Wrong password
- **WHEN** the password is wrong
- **THEN** the service says “E-mail or password is wrong”

### Requirement: Session expiry
A session MUST end 30 minutes after its last request.

#### Scenario: Idle session ends
- **GIVEN** an idle session
- **WHEN** 31 minutes pass
- **THEN** the next request gets the sign-in page
"""


def found(ws, code: str, path: str | None = None):
    fs = ws.all_findings() if path is None else ws.findings(path)
    return [f for f in fs if f.code == code]


# -- parsing ---------------------------------------------------------------------------------


def test_classify_paths():
    assert classify(MAIN)[:3] == ("main", "openspec/", "auth")
    assert classify(DELTA)[0] == "delta" and classify(DELTA)[3] == "add-2fa"
    assert classify(ARCHIVED)[0] == "archived-delta" and classify(ARCHIVED)[4] is True
    assert classify("docs/openspec/specs/x/spec.md")[1] == "docs/openspec/"
    assert classify("openspec/changes/add-2fa/proposal.md") is None


def test_parse_main_spec_requirements_scenarios_and_positions():
    d = parse(MAIN, AUTH)
    assert [c.id for c in d.clauses] == ["Password sign-in", "Session expiry"]
    assert [e.label for e in d.evidence] == ["Scenario: Correct credentials", "Scenario: Wrong password", "Scenario: Idle session ends"]
    c = d.clauses[0]
    line = AUTH.split("\n")[c.range.start.line]
    assert line[c.range.start.character:c.range.end.character] == "Password sign-in"
    assert d.clauses[1].text.startswith("A session MUST")


def test_fenced_heading_is_not_a_requirement():
    text = AUTH + "\n```markdown\n### Requirement: Not real\n```\n"
    assert [c.id for c in parse(MAIN, text).clauses] == ["Password sign-in", "Session expiry"]


def test_crlf_and_cr_line_ends():
    for nl in ("\r\n", "\r"):
        d = parse(MAIN, AUTH.replace("\n", nl))
        assert [c.id for c in d.clauses] == ["Password sign-in", "Session expiry"]
        assert d.clauses[0].range.start.line == 5


def test_delta_operations_and_rename_pairs():
    text = ("## ADDED Requirements\n### Requirement: One-time code\nThe service SHALL ask for a code.\n\n"
            "#### Scenario: Code\n- **WHEN** a code is entered\n- **THEN** it is checked\n\n"
            "## REMOVED Requirements\n- `### Requirement: Legacy login`\n\n"
            "## RENAMED Requirements\n- FROM: `### Requirement: Session expiry`\n- TO: `### Requirement: Session timeout`\n")
    d = parse(DELTA, text)
    ops = [(r.op, r.name) for r in d.data.requirements]
    assert ops == [("ADDED", "One-time code"), ("REMOVED", "Legacy login")]
    (rn,) = d.data.renames
    assert (rn.from_name, rn.to_name, rn.problem) == ("Session expiry", "Session timeout", "")
    line = text.split("\n")[rn.from_range.start.line]
    assert line[rn.from_range.start.character:rn.from_range.end.character] == "Session expiry"


# -- rules -----------------------------------------------------------------------------------


def test_spec420_requirement_without_scenario_with_template_fix():
    text = AUTH + "\n### Requirement: Sign-out\nThe service SHALL end the session on sign-out.\n"
    ws = memory_workspace({MAIN: text})
    (f,) = found(ws, "SPEC420")
    assert f.subject == "Sign-out" and f.rule == "openspec-requirement-without-scenario"
    (fix,) = f.fixes
    assert "#### Scenario:" in fix.new_text and "**WHEN**" in fix.new_text and "**THEN**" in fix.new_text
    assert fix.range.start.line == text.split("\n").index("The service SHALL end the session on sign-out.")  # after its last line
    assert "{#" not in fix.new_text and "~~~xml" not in fix.new_text
    assert not found(memory_workspace({MAIN: AUTH}), "SPEC420")


def test_spec421_scenario_without_then():
    text = AUTH.replace("- **THEN** a session starts\n", "")
    ws = memory_workspace({MAIN: text})
    (f,) = found(ws, "SPEC421")
    assert "Correct credentials" in f.message and "THEN" in f.message
    empty = AUTH.replace("- **WHEN** the password is wrong\n- **THEN** the service says “E-mail or password is wrong”\n", "")
    (g,) = found(memory_workspace({MAIN: empty}), "SPEC421")
    assert "no steps" in g.message


def test_spec422_requirement_without_shall_or_must():
    text = AUTH.replace("A session MUST end", "A session ends")
    (f,) = found(memory_workspace({MAIN: text}), "SPEC422")
    assert f.subject == "Session expiry"
    # SHALL next to CJK text without spaces still counts; lower-case "shall" does not
    ok = AUTH.replace("A session MUST end 30 minutes", "会话SHALL在30分钟")
    assert not found(memory_workspace({MAIN: ok}), "SPEC422")
    low = AUTH.replace("A session MUST end", "A session shall end")
    assert found(memory_workspace({MAIN: low}), "SPEC422")


def test_spec423_duplicate_requirement_name():
    text = AUTH + "\n### Requirement: Session expiry\nIt SHALL end.\n\n#### Scenario: s\n- **WHEN** x\n- **THEN** y\n"
    (f,) = found(memory_workspace({MAIN: text}), "SPEC423")
    assert f.related and f.related[0].range.start.line == AUTH.split("\n").index("### Requirement: Session expiry")


def test_spec424_unknown_delta_target_with_closest_name():
    delta = ("## MODIFIED Requirements\n### Requirement: Sesion expiry\nA session MUST end after 20 minutes.\n\n"
             "#### Scenario: Idle session ends\n- **WHEN** idle\n- **THEN** ends\n")
    ws = memory_workspace({MAIN: AUTH, DELTA: delta})
    (f,) = found(ws, "SPEC424")
    assert "Session expiry" in f.message and f.fixes[0].new_text == "Session expiry"
    # after a rename in the same delta, the new name is the target
    delta2 = ("## RENAMED Requirements\n- FROM: `### Requirement: Session expiry`\n- TO: `### Requirement: Session timeout`\n\n"
              "## MODIFIED Requirements\n### Requirement: Session timeout\nA session MUST end after 20 minutes.\n\n"
              "#### Scenario: Idle session ends\n- **WHEN** idle\n- **THEN** ends\n")
    assert not found(memory_workspace({MAIN: AUTH, DELTA: delta2}), "SPEC424")
    removed = "## REMOVED Requirements\n### Requirement: Nope\n**Reason**: gone\n"
    assert found(memory_workspace({MAIN: AUTH, DELTA: removed}), "SPEC424")


def test_spec424_and_425_skip_archived_changes():
    archived = ("## ADDED Requirements\n### Requirement: Password sign-in\nThe service SHALL accept passwords.\n\n"
                "#### Scenario: s\n- **WHEN** x\n- **THEN** y\n\n"
                "## MODIFIED Requirements\n### Requirement: Renamed long ago\nIt SHALL be.\n\n#### Scenario: s\n- **WHEN** x\n- **THEN** y\n")
    ws = memory_workspace({MAIN: AUTH, ARCHIVED: archived})
    assert not found(ws, "SPEC424") and not found(ws, "SPEC425")
    active = archived
    ws2 = memory_workspace({MAIN: AUTH, DELTA: active})
    assert len(found(ws2, "SPEC425")) == 1 and len(found(ws2, "SPEC424")) == 1


def test_spec425_added_requirement_exists():
    delta = ("## ADDED Requirements\n### Requirement: Session expiry\nA session MUST end.\n\n"
             "#### Scenario: s\n- **WHEN** x\n- **THEN** y\n")
    (f,) = found(memory_workspace({MAIN: AUTH, DELTA: delta}), "SPEC425")
    assert "MODIFIED" in f.message and f.related[0].path == MAIN


def test_spec426_malformed_rename():
    ws = memory_workspace({MAIN: AUTH, DELTA: "## RENAMED Requirements\n- FROM: `### Requirement: Session expiry`\n"})
    (f,) = found(ws, "SPEC426")
    assert "FROM without a TO" in f.message
    (g,) = found(memory_workspace({MAIN: AUTH, DELTA: "## RENAMED Requirements\n\nNothing here.\n"}), "SPEC426")
    assert "no `FROM:`" in g.message
    ok = "## RENAMED Requirements\n- FROM: Session expiry\n- TO: Session timeout\n"
    assert not found(memory_workspace({MAIN: AUTH, DELTA: ok}), "SPEC426")


def test_spec427_modified_block_drops_a_scenario():
    delta = ("## MODIFIED Requirements\n### Requirement: Password sign-in\nThe service SHALL accept a registered address and a passkey.\n\n"
             "#### Scenario: Correct credentials\n- **WHEN** right\n- **THEN** a session starts\n")
    (f,) = found(memory_workspace({MAIN: AUTH, DELTA: delta}), "SPEC427")
    assert "Wrong password" in f.message and f.severity.label == "warning"
    assert f.related[0].path == MAIN
    # a block that brings new scenarios may reword the dropped ones: information
    delta2 = delta + "\n#### Scenario: Passkey\n- **WHEN** a passkey is used\n- **THEN** a session starts\n"
    (g,) = found(memory_workspace({MAIN: AUTH, DELTA: delta2}), "SPEC427")
    assert g.severity.label == "information"


def test_spec428_ignored_header_in_a_requirements_section():
    delta = "## ADDED Requirements\n### REQ-7: Suggestions\nThe catalog SHALL suggest.\n"
    (f,) = found(memory_workspace({MAIN: AUTH, DELTA: delta}), "SPEC428")
    assert "### Requirement: REQ-7: Suggestions" in f.message
    assert not found(memory_workspace({MAIN: AUTH}), "SPEC428")


def test_edit_of_main_spec_rechecks_the_delta():
    delta = ("## MODIFIED Requirements\n### Requirement: Session timeout\nA session MUST end.\n\n"
             "#### Scenario: Idle session ends\n- **WHEN** x\n- **THEN** y\n")
    ws = memory_workspace({MAIN: AUTH, DELTA: delta})
    assert found(ws, "SPEC424", DELTA)
    changed = ws.set_document(MAIN, AUTH.replace("Requirement: Session expiry", "Requirement: Session timeout"))
    assert DELTA in changed and not found(ws, "SPEC424", DELTA)


def test_rename_edits_cover_main_and_active_deltas_never_archive():
    delta = ("## MODIFIED Requirements\n### Requirement: Session expiry\nA session MUST end.\n\n"
             "#### Scenario: Idle session ends\n- **WHEN** x\n- **THEN** y\n")
    ws = memory_workspace({MAIN: AUTH, DELTA: delta, ARCHIVED: delta})
    link = "See [expiry](specs/auth/spec.md#requirement-session-expiry).\n"
    ws.set_document("openspec/project.md", link)
    edits = openspec.OpenSpecFormat().rename_edits(ws, MAIN, "Session expiry", "Session timeout")
    (lk_rng, lk_text), = edits.pop("openspec/project.md")
    assert lk_text == "requirement-session-timeout" and link[lk_rng.start.character:lk_rng.end.character] == "requirement-session-expiry"
    assert set(edits) == {MAIN, DELTA}
    for path, lst in edits.items():
        (rng, text), = lst
        line = ws.text(path).split("\n")[rng.start.line]
        assert line[rng.start.character:rng.end.character] == "Session expiry" and text == "Session timeout"
        assert "{#" not in text


# -- fixtures and the CLI ----------------------------------------------------------------------


def _cli(*args):
    import os
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "spec_lsp", "check", *args, "--no-language", "--format", "json"],
                          cwd=REPO, capture_output=True, text=True, env=env, timeout=300)


def test_fixture_clean_and_broken_through_the_cli():
    r = _cli(str(FIXTURES / "openspec"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert [f for f in json.loads(r.stdout) if f["code"].startswith("SPEC42")] == []
    r = _cli(str(FIXTURES / "openspec-broken"))
    got = {f["code"] for f in json.loads(r.stdout)}
    assert {f"SPEC42{i}" for i in range(9)} <= got, got
