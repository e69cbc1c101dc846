"""Contradictions (SPEC301), round 3: one focused case per class of false report that was fixed, each with the
real conflict that must still be reported next to its near neighbour that must not be.  Real spaCy model."""

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
    e = LanguageEngine(LanguageSettings(cache_dir=str(tmp_path_factory.mktemp("c3"))))
    e.load()
    assert e.has_parser, e.status
    return e


def kinds(engine, *stmts):
    """stmts: text, or (text, path, section)."""
    idx = ContradictionIndex()
    for i, s in enumerate(stmts):
        text, path, section = (s, "spec.md", "") if isinstance(s, str) else s
        idx.update(f"s{i}", engine.propositions(text), ClauseMeta(path=path, section=section, clause_id=f"L{i + 1}"))
    return sorted(c.kind for c in idx.conflicts())


# -- a description is not a value ------------------------------------------------------------------------

def test_descriptive_value_is_not_a_parameter(engine):
    assert kinds(engine, "The compression field MUST be zstd.", "The compression field MUST be brotli.") == ["parameter"]
    assert kinds(engine, "The compression field MUST be zstd.",
                 "The compression field MUST be the algorithm named in the request header.") == []


# -- per-object fields: a bare "the X" or a one-word attribute belongs to its section -----------------------

def test_bare_definite_subject_belongs_to_its_section(engine):
    same = [("The array MUST be empty.", "spec.md", "server-object"), ("The array MUST NOT be empty.", "spec.md", "server-object")]
    assert kinds(engine, *same) == ["polarity"]
    assert kinds(engine, ("The array MUST be empty.", "spec.md", "server-object"),
                 ("The array MUST NOT be empty.", "spec.md", "security-requirement-object")) == []


def test_one_word_attribute_in_two_sections_of_one_document(engine):
    assert kinds(engine, ("Format MUST be json.", "spec.md", "request-object"), ("Format MUST be xml.", "spec.md", "request-object")) == ["parameter"]
    assert kinds(engine, ("Format MUST be json.", "spec.md", "request-object"), ("Format MUST be xml.", "spec.md", "response-object")) == []


def test_versions_of_one_document_are_not_compared(engine):
    assert kinds(engine, ("The idle timeout MUST be 30 seconds.", "versions/3.0.0.md", ""),
                 ("The idle timeout MUST be 90 seconds.", "versions/3.1.0.md", "")) == []
    assert kinds(engine, ("The idle timeout MUST be 30 seconds.", "versions/1.2.md", ""),
                 ("The idle timeout MUST be 90 seconds.", "versions/3.0.0.md", "")) == []
    assert kinds(engine, ("The idle timeout MUST be 30 seconds.", "versions/spec.md", ""),
                 ("The idle timeout MUST be 90 seconds.", "versions/ops.md", "")) == ["parameter"]


def test_sibling_feature_folders_are_one_spec(engine):
    a = ("The session timeout MUST be 30 minutes.", "specs/booking/spec.md", "")
    assert kinds(engine, a, ("The session timeout MUST be 45 minutes.", "specs/notifications/spec.md", "")) == ["parameter"]
    assert kinds(engine, a, ("The session timeout MUST be 45 minutes.", "specs/notifications/notes.md", "")) == []
    assert kinds(engine, a, ("The session timeout MUST be 45 minutes.", "other/notifications/spec.md", "")) == []


def test_different_modifiers_of_the_actor_are_different_things(engine):
    assert kinds(engine, "Small lockers MUST accept parcels weighing up to 5 kg.",
                 "Large lockers MUST accept parcels weighing up to 25 kg.") == []
    assert kinds(engine, "The locker MUST accept parcels weighing up to 25 kg.",
                 "The locker MUST accept parcels weighing no more than 10 kg.") == ["bounds"]


# -- conditions ------------------------------------------------------------------------------------------

def test_even_when_is_not_a_condition(engine):
    assert kinds(engine, "The assistant must not reveal the answer key, even when the student asks for it.",
                 "The assistant must reveal the answer key.") == ["polarity"]
    assert kinds(engine, "The assistant must not reveal the answer key.",
                 "When the teacher asks for it, the assistant must reveal the answer key.") == []


def test_if_then_condition_ends_at_then(engine):
    a = "IF no limit is configured THEN the service SHALL set the page size to 50."
    assert kinds(engine, a, "IF no limit has been configured THEN the service SHALL set the page size to 20.") == ["parameter"]
    assert kinds(engine, a, "IF a limit is configured THEN the service SHALL set the page size to 20.") == []


def test_an_allowed_value_set_holds_under_every_condition(engine):
    a = "The vehicle category SHALL be one of car, van, or bicycle."
    assert kinds(engine, a, "When a passenger declares a trailer, the system SHALL record the vehicle category as trailer.") == ["enumeration"]
    assert kinds(engine, a, "When a passenger declares a minibus, the system SHALL record the vehicle category as van.") == []
    assert kinds(engine, "The items field MUST be one of string, number, or boolean.", "The items field MUST be present if the type is array.") == []


def test_an_upper_limit_holds_under_every_condition_but_not_the_reverse(engine):
    assert kinds(engine, "The gateway SHALL support no more than 12 tenants.",
                 "WHEN an operator enables bulk mode THEN the gateway SHALL accept configurations of up to 24 tenants.") == ["bounds"]
    assert kinds(engine, "WHEN the account is a trial, THE Upload Service SHALL limit uploads to at most 5 MB.",
                 "THE Upload Service SHALL accept uploads of at least 50 MB.") == []


# -- quantities ------------------------------------------------------------------------------------------

def test_capacity_up_to_and_no_more_than(engine):
    a = "The system SHALL allow at most 9 seats per booking."
    assert kinds(engine, a, "The system SHALL let a travel agent reserve up to 40 seats per booking.") == ["bounds"]
    assert kinds(engine, a, "The system SHALL let a travel agent reserve up to 4 seats per booking.") == []


def test_numbers_in_words_and_be_able_to(engine):
    a = "System MUST allow a nurse to hold no more than 3 pending swap requests."
    assert kinds(engine, a, "Nurses MUST be able to keep five open swap requests.") == ["bounds"]
    assert kinds(engine, a, "Nurses MUST be able to keep two open swap requests.") == []


def test_frequency_against_a_bound_on_the_period(engine):
    bound = "Senders MUST NOT send heartbeats more often than once every five minutes."
    assert kinds(engine, "Senders MUST send a heartbeat every 30 seconds.", bound) == ["frequency"]
    assert kinds(engine, "Senders MUST send a heartbeat every 10 minutes.", bound) == []
    assert kinds(engine, "While idle, senders MUST send a heartbeat every 30 seconds.", bound) == ["frequency"]


def test_a_rate_limit_on_a_thing_holds_whatever_the_verb(engine):
    bound = "Senders MUST NOT send keepalives more often than once every five minutes."
    assert kinds(engine, "A sender MUST transmit a keepalive every 30 seconds.", bound) == ["frequency"]
    assert kinds(engine, "A sender MUST transmit a status report every 30 seconds.", bound) == []
    assert kinds(engine, "A collector MUST transmit a keepalive every 30 seconds.", bound) == []


def test_a_verb_the_tagger_reads_as_a_noun(engine):
    assert kinds(engine, "Online check-in SHALL close 30 minutes before the scheduled departure.",
                 "Online check-in closes 45 minutes before the scheduled departure, so the reminder SHALL be sent an hour before.") == ["parameter"]
    assert kinds(engine, "Online check-in SHALL close 30 minutes before the scheduled departure.",
                 "Online check-in SHALL open 24 hours before the scheduled departure.") == []


def test_solely_restricts_like_only(engine):
    assert kinds(engine, "The system SHALL deliver critical alerts solely through the siren panel.",
                 "The system SHALL deliver critical alerts through email.") == ["exclusivity"]
    assert kinds(engine, "The system SHALL deliver critical alerts solely through the siren panel.",
                 "The system SHALL deliver warnings through email.") == []


# -- the real pipeline: several statements on one line are separate statements -------------------------------

def _check(root: Path) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_CACHE_DIR=str(root / ".cache"))
    p = subprocess.run([sys.executable, "-m", "spec_lsp", "check", "--select", "contradiction", "--format", "json", "--fail-on", "never", str(root)],
                       capture_output=True, text=True, env=env, cwd=root, timeout=300)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    fs = data["findings"] if isinstance(data, dict) else data
    return [f for f in fs if f.get("rule") == "contradiction" or f.get("code") == "SPEC301"]


def test_statements_sharing_a_line_are_each_compared(tmp_path):
    (tmp_path / "proto.md").write_text(
        "# Reports\n\nThe key words “MUST” and “MUST NOT” are to be interpreted as described in RFC 2119.\n\n"
        "## Format\n\nA report MUST contain at least one reading. A report MUST NOT contain more than 32 readings. "
        "Each record MUST NOT exceed 64 octets.\n\n"
        "## Interoperability\n\nImplementations MUST support reports that carry 100 readings.\n", encoding="utf-8")
    fs = _check(tmp_path)
    lines = sorted(f["range"]["start"]["line"] if "range" in f else f["line"] for f in fs)
    assert len(fs) == 2, fs  # the pair, reported on both statements
    assert any("(bounds)" in f["message"] for f in fs)
    assert any("proto.md:" in f["message"] and "32 readings" in json.dumps(f) for f in fs), fs
    assert lines[0] != lines[1]


def test_table_rows_are_about_their_own_field(tmp_path):
    (tmp_path / "spec.md").write_text(
        "# Objects\n\nThe key words “MUST” are to be interpreted as in RFC 2119.\n\n## Parameter Object\n\n"
        "Field | Type | Description\n---|---|---\n"
        "kind | string | The value MUST be one of “query”, “header” or “path”.\n"
        "style | string | The value MUST be “simple”.\n\n"
        "## Limits\n\nThe upload limit MUST be 10 MB. Uploads MUST be chunked 🚀.\n\nThe upload limit MUST be 20 MB.\n", encoding="utf-8")
    fs = _check(tmp_path)
    assert {f["range"]["start"]["line"] for f in fs} == {13, 15}, fs  # the two limits, not the two table rows
    assert all("(parameter)" in f["message"] for f in fs)


def test_list_labels_with_a_dash_are_conditions(engine):
    assert kinds(engine, "type - Value MUST be json.", "items - Value MUST be xml.") == []
    assert kinds(engine, "The page size MUST be 50.", "The page size MUST be 20.") == ["parameter"]
