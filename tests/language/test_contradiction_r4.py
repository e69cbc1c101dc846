"""Contradictions (SPEC301), round 4: lexical-semantic knowledge (WordLlama phrase embeddings) and the conflict
classes added with it.  One conflict kind or one guard per test, each next to a near miss that must not be
reported.  Real spaCy model, real embedding model; the fallback (no semantic layer) is tested by patching the
loader, in-process and through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spec_lsp.language import ClauseMeta, ContradictionIndex, LanguageEngine, LanguageSettings, semantic
from spec_lsp.language.langpass import _frame_vectors

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    e = LanguageEngine(LanguageSettings(cache_dir=str(tmp_path_factory.mktemp("c4"))))
    e.load()
    assert e.has_parser, e.status
    return e


@pytest.fixture(autouse=True)
def model(semantic_model):
    """Every test here runs with the real embedding model (tests/language/conftest.py)."""
    return semantic_model


def kinds(engine, *stmts, vectors=True):
    """stmts: text, or (text, path).  Statements are indexed as the language pass indexes them: with their
    frame embeddings (semantic candidates) unless `vectors` is False."""
    items = [(s, "spec.md") if isinstance(s, str) else s for s in stmts]
    props = [engine.propositions(t) for t, _ in items]
    vecs = _frame_vectors(props) if vectors else [None] * len(props)
    idx = ContradictionIndex()
    for i, ((_, path), p, v) in enumerate(zip(items, props, vecs)):
        idx.update(f"s{i}", p, ClauseMeta(path=path, clause_id=f"L{i + 1}"), v)
    return sorted(c.kind for c in idx.conflicts())


# -- the same parameter under two names ----------------------------------------------------------------------

def test_same_parameter_under_two_names(engine):
    a = "The initial retransmission timeout MUST be 2 seconds."
    assert kinds(engine, a, "The retransmission timer MUST be 500 milliseconds.") == ["parameter"]
    assert kinds(engine, a, "The retransmission timer MUST be 2000 milliseconds.") == []  # units converted: equal


def test_near_synonym_heads_need_a_shared_modifier_and_no_contrast(engine):
    # different things of one kind, or different heads with nothing in common: not one parameter
    assert kinds(engine, "The client timeout MUST be 30 seconds.", "The server timeout MUST be 90 seconds.") == []
    assert kinds(engine, "The minimum retry delay MUST be 1 second.", "The maximum retry delay MUST be 60 seconds.") == []
    assert kinds(engine, "The gas limit MUST be 30000.", "The gas price MUST be 20.") == []
    assert kinds(engine, "The idle timeout MUST be 30 seconds.", "The idle timeout for administrative sessions MUST be 10 minutes.") == []


def test_semantic_candidates_find_pairs_that_share_no_literal_key(engine):
    a, b = "Eligibility checks MUST be synchronous.", "Eligibility validation MUST be asynchronous."
    assert kinds(engine, a, b) == ["antonym"]
    idx = ContradictionIndex()
    props = [engine.propositions(a), engine.propositions(b)]
    for i, p in enumerate(props):  # no frame embeddings: the literal index has no key in common
        idx.update(f"s{i}", p, ClauseMeta(path="spec.md", clause_id=f"L{i + 1}"))
    assert idx.conflicts() == [] and idx.comparisons == 0


def test_validity_period_stated_as_expiry_and_as_remaining_valid(engine):
    a = "A pickup code MUST remain valid for 72 hours after the recipient is notified."
    assert kinds(engine, a, "Pickup codes MUST expire five days after the arrival notification is sent.") == ["parameter"]
    assert kinds(engine, a, "Pickup codes MUST expire three days after the arrival notification is sent.") == []
    assert kinds(engine, "Session tokens MUST be valid for 30 minutes.", "Session tokens MUST expire 2 hours after login.") == ["parameter"]
    assert kinds(engine, a, "Locker doors MUST expire five days after the arrival notification is sent.") == []


def test_starting_a_timer_at_a_value_states_it(engine):
    a = "A sender MUST set its initial retransmission timeout to 2 seconds."
    assert kinds(engine, a, "Senders MUST start the retransmission timer at 500 milliseconds.") == ["parameter"]
    assert kinds(engine, a, "Senders MUST start the retransmission timer at 2000 milliseconds.") == []
    assert kinds(engine, a, "Senders MUST start the keepalive timer at 500 milliseconds.") == []


# -- conflict classes added in round 4 --------------------------------------------------------------------------

def test_comparative_bound_of_a_refusal(engine):
    a = "Parcels heavier than 15 kg MUST be refused at drop-off."
    assert kinds(engine, a, "Lockers MUST accept parcels weighing up to 25 kg.") == ["bounds"]
    assert kinds(engine, a, "Lockers MUST accept parcels weighing up to 10 kg.") == []
    assert kinds(engine, "Parcels heavier than 15 kg MUST be accepted.", "Lockers MUST accept parcels weighing up to 25 kg.") == []


def test_agentless_rate_bound_holds_whatever_the_verb(engine):
    bound = "Soil moisture SHALL be read no more often than once per hour."
    assert kinds(engine, "The controller SHALL sample soil moisture every 10 minutes.", bound) == ["frequency"]
    assert kinds(engine, "The controller SHALL sample soil moisture every 2 hours.", bound) == []
    assert kinds(engine, "The controller SHALL sample air temperature every 10 minutes.", bound) == []


def test_use_a_parameter_of_a_value(engine):
    a = "IF no threshold is configured THEN the controller SHALL use a default moisture threshold of 30 percent."
    assert kinds(engine, a, "IF no threshold is configured THEN the system SHALL set the default moisture threshold to 25 percent.") == ["parameter"]
    assert kinds(engine, a, "IF no threshold is configured THEN the system SHALL set the default moisture threshold to 30 percent.") == []


def test_keeping_a_state_against_the_opposite_action(engine):
    a = "WHILE a frost warning is active, the controller SHALL keep every irrigation valve closed."
    assert kinds(engine, a, "WHILE a frost warning is active, the controller SHALL open the irrigation valves.") == ["polarity"]
    assert kinds(engine, a, "WHILE the tank is being refilled, the controller SHALL open the irrigation valves.") == []
    # a state verb without an object is an event at a time, not a prohibition
    assert kinds(engine, "Online check-in SHALL close 30 minutes before the departure.",
                 "Online check-in SHALL open 24 hours before the departure.") == []


def test_a_things_own_schedule_against_a_period_for_sending_it(engine):
    a = "Digest emails should go out only on Mondays."
    assert kinds(engine, a, "When digests are enabled, the assistant should send the digest emails every day.") == ["frequency"]
    assert kinds(engine, a, "When digests are enabled, the assistant should send the digest emails every Monday.") == []
    assert kinds(engine, a, "When digests are enabled, the assistant should send the usage reports every day.") == []


def test_allowed_means_against_another_means(engine):
    a = "The pickup code MUST be delivered through one of the following channels: SMS, email, or push notification."
    assert kinds(engine, a, "The system MUST send the pickup code by voice call.") == ["enumeration"]
    assert kinds(engine, a, "The system MUST send the pickup code by SMS.") == []
    assert kinds(engine, a, "The system MUST send the receipt by voice call.") == []


def test_prohibition_even_in_a_case_against_an_obligation_in_that_case(engine):
    a = "The assistant must not reveal the answer key, even when the student asks for it repeatedly."
    assert kinds(engine, a, "When the student asks for the answer key, the assistant must reveal the answer key.") == ["polarity"]
    # without "even when", an obligation under a condition is an exception to the prohibition
    assert kinds(engine, "The assistant must not reveal the answer key.",
                 "When the student asks for the answer key, the assistant must reveal the answer key.") == []
    # a case the prohibition does not name
    assert kinds(engine, a, "When the teacher unlocks the exam, the assistant must reveal the answer key.") == []


def test_receiving_a_notification_is_the_converse_of_notifying(engine):
    a = "The system MUST notify the ward manager as soon as a colleague accepts a swap request."
    assert kinds(engine, a, "Ward managers MUST NOT receive a notification about accepted swaps.") == ["polarity"]
    assert kinds(engine, a, "Nurses MUST NOT receive a notification about accepted swaps.") == []
    assert kinds(engine, a, "Ward managers MUST NOT receive a payment about accepted swaps.") == []


def test_an_attribute_with_allowed_values_against_another_value(engine):
    a = "Every alert SHALL carry a severity of info, warning, or critical."
    assert kinds(engine, a, "IF the CO₂ level exceeds 5000 ppm THEN the system SHALL raise an alert with severity emergency.") == ["enumeration"]
    assert kinds(engine, a, "IF the CO₂ level exceeds 5000 ppm THEN the system SHALL raise an alert with severity critical.") == []
    assert kinds(engine, a, "IF the CO₂ level exceeds 5000 ppm THEN the system SHALL open a ticket with severity emergency.") == []


# -- the fallback: no semantic layer ------------------------------------------------------------------------------

def test_without_the_semantic_layer_matching_is_literal(engine, monkeypatch):
    monkeypatch.setattr(semantic, "_load", lambda: None)
    semantic.reset_for_tests()
    assert semantic.ensure_loaded() is None and semantic.vectors(["a b"]) is None
    assert semantic.similarity("timer", "timer") == 1.0 and semantic.similarity("timer", "timeout") == 0.0
    assert _frame_vectors([engine.propositions("The retransmission timer MUST be 500 milliseconds.")]) == [None]
    # the soft pair is not reported; a literal pair still is
    assert kinds(engine, "The initial retransmission timeout MUST be 2 seconds.", "The retransmission timer MUST be 500 milliseconds.") == []
    assert kinds(engine, "The retransmission timer MUST be 2 seconds.", "The retransmission timer MUST be 500 milliseconds.") == ["parameter"]


def test_a_broken_install_degrades_to_literal_matching(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def broken(name, *a, **k):
        if name.startswith(("wordllama", "tokenizers")):  # (the bundled model is read without wordllama's imports)
            raise ImportError("simulated: wordllama is not installed")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", broken)
    semantic.reset_for_tests()
    assert semantic.ensure_loaded() is None


# -- the real CLI -------------------------------------------------------------------------------------------------

DOC = ("# Sensor reports — “CSRP” 📡\n\nThe key words “MUST” and “MUST NOT” are to be interpreted as described in RFC 2119.\n\n"
       "## Retransmission\n\nThe initial retransmission timeout MUST be 2 seconds. The sender’s report MUST carry a sequence number.\n\n"
       "## Timers\n\nThe retransmission timer MUST be 500 milliseconds.\n\nThe client timeout MUST be 30 seconds.\n\n"
       "The server timeout MUST be 90 seconds.\n")


def _check(root: Path, **env) -> tuple[list[dict], str]:
    e = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_CACHE_DIR=str(root / ".cache"), **env)
    p = subprocess.run([sys.executable, "-m", "spec_lsp", "check", "--select", "contradiction", "--format", "json", "--fail-on", "never", str(root)],
                       capture_output=True, text=True, env=e, cwd=root, timeout=300)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    fs = data["findings"] if isinstance(data, dict) else data
    return [f for f in fs if f.get("rule") == "contradiction" or f.get("code") == "SPEC301"], p.stderr


def test_cli_reports_a_parameter_named_two_ways(tmp_path):
    (tmp_path / "csrp.md").write_text(DOC, encoding="utf-8")
    fs, _ = _check(tmp_path)
    assert {f["range"]["start"]["line"] for f in fs} == {6, 10}, fs  # the timeout and the timer, not the client/server pair
    assert all("(parameter)" in f["message"] and "csrp.md:" in f["message"] for f in fs)
    assert fs[0]["range"]["start"]["character"] == 0


def test_cli_without_the_semantic_layer_is_literal_and_quiet(tmp_path):
    (tmp_path / "csrp.md").write_text(DOC, encoding="utf-8")
    fs, err = _check(tmp_path, SPEC_LSP_SEMANTIC="0")
    assert fs == []
    assert "wordllama" not in err.lower() and "semantic" not in err.lower()
