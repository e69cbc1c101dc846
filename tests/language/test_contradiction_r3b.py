"""Contradictions (SPEC301), round 3b: declarative parameter statements ("The idle timeout is 90 seconds") as
proposition sources, and passive voice mapped onto the active ("X SHALL be sent by the system" / "The system
SHALL send X").  Each class: the conflict that must be reported next to its near neighbour that must not be.
Real spaCy model; the declarative cases go through the real CLI (the selection lives in the pipeline)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spec_lsp.language import ClauseMeta, ContradictionIndex, LanguageEngine, LanguageSettings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    e = LanguageEngine(LanguageSettings(cache_dir=str(tmp_path_factory.mktemp("c3b"))))
    e.load()
    assert e.has_parser, e.status
    return e


def kinds(engine, *stmts):
    idx = ContradictionIndex()
    for i, text in enumerate(stmts):
        idx.update(f"s{i}", engine.propositions(text), ClauseMeta(path="spec.md", clause_id=f"L{i + 1}"))
    return sorted(c.kind for c in idx.conflicts())


def _check(root: Path, select: str = "contradiction") -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_CACHE_DIR=str(root / ".cache"))
    p = subprocess.run([sys.executable, "-m", "spec_lsp", "check", "--select", select, "--format", "json", "--fail-on", "never", str(root)],
                       capture_output=True, text=True, env=env, cwd=root, timeout=300)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    return data["findings"] if isinstance(data, dict) else data


def _line(f: dict) -> int:
    return f["range"]["start"]["line"] if "range" in f else f["line"]


def _contra(fs: list[dict]) -> list[dict]:
    return [f for f in fs if f.get("rule") == "contradiction" or f.get("code") == "SPEC301"]


# -- declarative parameter statements -----------------------------------------------------------------------

OPT_IN = '[language]\ndeclarative-statements = true\n'


def test_declarative_statements_are_not_read_unless_asked_for(tmp_path):
    (tmp_path / "spec.md").write_text(
        "# Sessions\n\n## Requirements\n\n- FR-001: The idle timeout MUST be 30 seconds.\n\n"
        "## Assumptions\n\n- The idle timeout is 90 seconds.\n", encoding="utf-8")
    assert _contra(_check(tmp_path)) == []
    (tmp_path / ".spec-lsp.toml").write_text(OPT_IN, encoding="utf-8")
    assert {_line(f) for f in _contra(_check(tmp_path))} == {4, 8}


def test_a_declared_value_meets_a_required_one(tmp_path):
    (tmp_path / ".spec-lsp.toml").write_text(OPT_IN, encoding="utf-8")
    (tmp_path / "spec.md").write_text(
        "# Sessions\n\n## Requirements\n\n- FR-001: The idle timeout MUST be 30 seconds.\n"
        "- FR-002: Session transcripts MUST be private.\n\n"
        "## Assumptions — “défaut” 🚀\n\n- The idle timeout is 90 seconds.\n\n"
        "## Collaboration\n\nSession transcripts are public.\n", encoding="utf-8")
    fs = _contra(_check(tmp_path))
    kinds_by_line = {_line(f): f["message"] for f in fs}
    assert set(kinds_by_line) == {4, 5, 9, 13}, fs  # both pairs, reported on both sides
    assert "(parameter)" in kinds_by_line[9] and "(antonym)" in kinds_by_line[13]


def test_declarative_sentences_outside_the_specs_own_prose_are_not_read(tmp_path):
    (tmp_path / ".spec-lsp.toml").write_text(OPT_IN, encoding="utf-8")
    (tmp_path / "spec.md").write_text(
        "# Sessions\n\n## Requirements\n\n- FR-001: The idle timeout MUST be 30 seconds.\n"
        "- FR-002: Session transcripts MUST be private.\n\n"
        "## Rationale\n\nThe idle timeout is 90 seconds in the previous release.\n\n"
        "## Examples\n\nSession transcripts are public within the team workspace.\n\n"
        "## Notes\n\nFor example, the idle timeout is 60 seconds on kiosks.\n\n"
        "## Collaboration\n\nIf a team opts in, the idle timeout is 120 seconds. The idle timeout could be 45 seconds.\n\n"
        "| Setting | Value |\n|---|---|\n| The idle timeout is 75 seconds | yes |\n\n"
        "## Sharing\n\nSession transcripts are public within the team workspace.\n\n"  # scoped: "within …"
        "A session is invalid if any of these holds:\n\n- the idle timeout is 10 seconds; or\n"  # a fragment of a lead-in
        "- session transcripts are public.\n", encoding="utf-8")
    assert _contra(_check(tmp_path)) == []


def test_declarative_sentences_are_not_given_to_the_language_rules(tmp_path):
    (tmp_path / ".spec-lsp.toml").write_text(OPT_IN, encoding="utf-8")
    (tmp_path / "spec.md").write_text(
        "# Sessions\n\n## Requirements\n\n- FR-001: The retry delay MUST be reasonable.\n\n"
        "## Behaviour\n\nThe idle timeout is 90 seconds, which is reasonable.\n", encoding="utf-8")
    fs = _check(tmp_path, "vague-term,contradiction")
    vague = {_line(f) for f in fs if f.get("rule") == "vague-term"}
    assert 4 in vague, fs  # the rule fires on the normative statement
    assert 8 not in vague  # and does not read the declarative one


def test_declarative_value_of_a_verb(engine):
    # "Senders start the timer at 500 ms" states a value: read as a declarative source, at its main verb only;
    # read as a normative statement it is a description and says nothing
    from spec_lsp.language.contradiction import extract, normalize

    def decl(text):
        return extract(engine.nlp(normalize(text)), True)

    assert engine.propositions("Senders start the retransmission timer at 500 milliseconds.") == ()
    assert {p.number[1] for p in decl("Senders start the retransmission timer at 500 milliseconds.")} == {0.5}  # (the verb and, since r4, the timer it sets)
    assert decl("Senders would start the retransmission timer at 500 milliseconds.") == ()
    assert decl("Senders started the retransmission timer at 500 milliseconds.") == ()  # past: a report, not a parameter


# -- passive voice ---------------------------------------------------------------------------------------------

def test_passive_subject_is_the_object_and_agent_the_actor(engine):
    assert kinds(engine, "The pickup code SHALL be sent by the system.", "The system SHALL NOT send the pickup code.") == ["polarity"]
    assert kinds(engine, "The pickup code SHALL be sent by the courier.", "The system SHALL NOT send the pickup code.") == []


def test_agentless_passive_meets_any_actor_on_the_same_object(engine):
    assert kinds(engine, "Customer records MUST NOT be shared with third parties.",
                 "The service MUST share customer records with third parties.") == ["polarity"]
    assert kinds(engine, "Customer records MUST NOT be shared with third parties.",
                 "The service MUST share invoices with third parties.") == []


def test_two_agentless_passives_share_no_actor_for_bounds(engine):
    assert kinds(engine, "Cancellation notices SHALL be sent within 10 minutes of the cancellation.",
                 "The reminder SHALL be sent at least 60 minutes before departure.") == []
    assert kinds(engine, "Reminders SHALL be sent within 10 minutes of the booking.",
                 "Reminders SHALL be sent at least 60 minutes after the booking.") == ["bounds"]
