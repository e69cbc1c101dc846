"""Contradictions (SPEC301), round 4b: the general conflict signals of `spec_lsp/language/conflicts.py` over a
candidate pair of statements (polarity, quantity, exclusivity, antonym, closed set), with the predicate embedding
as a second candidate row.  One class or one guard per test, each next to a near neighbour that must stay silent.
Real spaCy model, real WordLlama model; one test through the real CLI with non-ASCII text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spec_lsp.language import ClauseMeta, ContradictionIndex, LanguageEngine, LanguageSettings, conflicts, semantic
from spec_lsp.language.langpass import _frame_vectors

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    e = LanguageEngine(LanguageSettings(cache_dir=str(tmp_path_factory.mktemp("c4b"))))
    e.load()
    assert e.has_parser, e.status
    return e


@pytest.fixture(autouse=True)
def model(semantic_model):
    """Every test here runs with the real embedding model (tests/language/conftest.py)."""
    return semantic_model


def found(engine, *stmts):
    """The (kind, detail) of each conflict among `stmts`, indexed as the language pass indexes them."""
    props = [engine.propositions(t) for t in stmts]
    vecs = _frame_vectors(props)
    idx = ContradictionIndex()
    for i, (p, v) in enumerate(zip(props, vecs)):
        idx.update(f"s{i}", p, ClauseMeta(path="spec.md", clause_id=f"L{i + 1}"), v)
    return sorted(c.kind for c in idx.conflicts())


def general(engine, a, b):
    return conflicts.detect(engine.propositions(a), engine.propositions(b))


# -- the predicate and the quantities ---------------------------------------------------------------------------

def test_predicate_drops_label_condition_modal_and_negation():
    assert conflicts.predicate("FR-7: WHEN a sync fails THEN the Mirror Service SHALL NOT retry the upload.") == "the Mirror Service retry the upload"
    assert conflicts.predicate("The hub must never cache a token.") == "The hub cache a token"


def test_quantities_convert_units_and_words_and_read_the_bound():
    (q,) = conflicts.quantities("Archives MUST NOT exceed 2 MiB.")
    assert q[:3] == ("size", "<=", 2 * 1048576)
    (q,) = conflicts.quantities("A clip shall last between three and five minutes.")
    assert q[:4] == ("time", "[]", 180.0, 300.0)
    (q,) = conflicts.quantities("The relay MUST accept frames of up to 9 KiB.")
    assert q[1] == ">="  # a capacity it must have, not a limit
    (q,) = conflicts.quantities("The scheduler SHALL NOT pick a node whose free memory is below 20 percent.")
    assert q[:3] == ("percent", ">=", 20.0)  # a prohibition of "below" is a floor


def test_numbers_that_name_things_are_not_quantities():
    assert conflicts.quantities("Status 102 shall be returned only when the request is pending.") == ()
    assert conflicts.quantities("Tooling that supports OAS 3.1 should read OAS 3.0 documents.") == ()
    assert conflicts.quantities("The relay MUST listen on port 8443.") == ()


def test_rates_read_a_maximum_and_a_period():
    (r,) = conflicts.rates("The crawler SHALL send no more than one probe per host per hour.")
    assert r[0] == "<=" and abs(r[1] - 1 / 3600) < 1e-12
    (r,) = conflicts.rates("A client MUST NOT send more than two probes per minute.")
    assert r[0] == "<=" and abs(r[1] - 2 / 60) < 1e-12
    (r,) = conflicts.rates("The crawler SHALL probe each host every 10 minutes.")
    assert r[0] == "=" and abs(r[1] - 1 / 600) < 1e-12
    assert conflicts.rates("The crawler SHALL finish a probe within 10 minutes.") == ()


# -- the classes ----------------------------------------------------------------------------------------------

def test_quantity_bound_against_a_range_for_one_thing(engine):
    a = "Every onboarding video, including partner clips, SHALL last at most 4 minutes."
    assert general(engine, a, "The welcome onboarding video SHALL last between six and eight minutes.")[0] == "bounds"
    assert general(engine, a, "The welcome onboarding video SHALL last between two and three minutes.") is None
    assert general(engine, a, "Support tickets SHALL be answered within 6 hours.") is None  # another thing


def test_quantity_exact_values_need_the_same_thing(engine):
    a = "THE Preview Service SHALL render previews of 640 pixels."
    assert general(engine, a, "THE Preview Service SHALL render previews of 320 pixels.")[0] == "parameter"
    assert general(engine, "Booking SHALL open 48 hours before the session.", "Booking SHALL close 2 hours before the session.") is None  # open/close


def test_quantity_under_a_condition_is_an_exception_to_a_capacity(engine):
    a = "THE Upload Service SHALL accept attachments of at least 40 MB."
    assert general(engine, a, "WHEN the workspace is on the free plan, THE Upload Service SHALL limit attachments to at most 4 MB.") is None


def test_rate_maximum_against_a_faster_period_even_under_a_condition(engine):
    a = "The crawler SHALL recompute host scores at most once every 30 minutes."
    assert general(engine, a, "WHILE a crawl is running, the crawler SHALL recompute host scores every 5 minutes.")[0] == "frequency"
    assert general(engine, a, "WHILE a crawl is running, the crawler SHALL recompute host scores every 2 hours.") is None  # slower: fine
    # the maximum is the invariant; a conditional maximum does not bind an unconditional period
    assert general(engine, "WHILE a crawl is running, the crawler SHALL recompute host scores at most once every 30 minutes.",
                   "The crawler SHALL recompute host scores every 5 minutes.") is None


def test_rate_and_bound_need_the_same_item(engine):
    a = "The bot SHALL post at most one summary comment per pull request per day."
    assert general(engine, a, "The bot SHALL post a summary comment every hour.")[0] == "frequency"
    assert general(engine, a, "The bot SHALL post a review comment every hour.") is None  # one head, another kind
    b = "The cache SHALL hold at most 500 entries."
    assert general(engine, b, "The cache SHALL hold at least 1000 entries.")[0] == "bounds"
    assert general(engine, b, "The queue SHALL hold at least 1000 entries.") is None  # another actor's entries


def test_a_proposition_rule_bound_on_another_item_is_silent(engine):
    # the proposition rules' bounds now also need the same item (conflicts.same_item)
    assert found(engine, "Every cookie a server sets MUST NOT exceed 4 KiB.", "Servers MUST accept session records of up to 64 KiB.") == []
    assert found(engine, "Every invoice carries a due date, and a server MUST NOT send a retry interval greater than 600 seconds.",
                 "Operators SHOULD keep archived invoices for at least five years.") == []
    assert found(engine, "The cache SHALL hold at most 500 entries.", "The cache SHALL hold at least 1000 entries.") == ["bounds"]


def test_disjoint_conditions_never_conflict(engine):
    assert general(engine, "WHILE the kiln is heating, the controller SHALL sample the temperature at most once every 10 seconds.",
                   "WHILE the kiln is cooling, the controller SHALL sample the temperature every 2 seconds.") is None


def test_polarity_needs_near_identical_predicates(engine):
    a = "The gateway must not compress responses to “legacy” clients."
    assert general(engine, a, "The gateway should compress responses to “legacy” clients.")[0] == "polarity"
    assert general(engine, a, "The gateway should log responses to “legacy” clients.") is None


def test_polarity_on_numbered_things_needs_the_same_numbers(engine):
    a = "The relay MUST NOT forward the frames of channel 3."
    assert general(engine, a, "The relay MUST forward the frames of channel 24.") is None
    assert general(engine, a, "The relay MUST forward the frames of channel 3.")[0] == "polarity"


def test_polarity_carve_out_is_an_exception(engine):
    a = "The gateway must not compress responses."
    assert general(engine, a, "Unless a client opts out, the gateway should compress responses.") is None


def test_exclusivity_only_by_one_means_against_another(engine):
    a = "THE Billing Service SHALL deliver invoices only by post."
    assert general(engine, a, "THE Billing Service SHALL deliver invoices by fax.")[0] == "exclusivity"
    assert general(engine, a, "THE Billing Service SHALL deliver receipts to clinic staff by fax.") is None  # another thing


def test_antonym_on_a_predicated_word_not_a_kind(engine):
    assert general(engine, "Exported ledgers MUST be encrypted.", "Exported ledgers MUST be plaintext.")[0] == "antonym"
    # "public key" / "private key" name two things; the word modifies a noun, it is not predicated
    assert general(engine, "The client MUST send the public key to the registry.", "The client MUST send the private key to the vault.") is None


def test_closed_set_against_a_value_outside_it(engine):
    a = "Each ticket SHALL carry exactly one of these priorities: Low, Normal, or Urgent."
    assert general(engine, a, "Support staff SHALL file each escalated ticket with the priority Critical.")[0] == "enumeration"
    assert general(engine, a, "Support staff SHALL file each escalated ticket with the priority Urgent.") is None  # in the set


def test_general_signals_through_the_index_with_non_ascii_text(engine):
    assert found(engine, "Café receipts MUST be stored only in the “Ledger” database.",
                 "Café receipts MUST be stored in the archive bucket 🧾.") == ["exclusivity"]


def test_without_the_semantic_layer_predicates_must_match_literally(engine, monkeypatch):
    monkeypatch.setattr(semantic, "_load", lambda: None)
    semantic.reset_for_tests()
    assert semantic.ensure_loaded() is None
    a = "The gateway must not compress responses to legacy clients."
    assert general(engine, a, "The gateway should compress responses to legacy clients.")[0] == "polarity"  # equal predicates
    assert general(engine, a, "The gateway should gzip responses to legacy clients.") is None


# -- the real CLI -------------------------------------------------------------------------------------------------

DOC = ("# Kiosk guide — “Atrium” 🎧\n\n## Requirements\n\n"
       "Every kiosk narration clip, including room introductions, SHALL last at most 3 minutes.\n\n"
       "The kiosk SHALL show the floor map in the visitor’s language.\n\n"
       "The lobby kiosk narration clip played at the door SHALL run between five and seven minutes.\n\n"
       "Support calls SHALL be answered within 10 minutes.\n")


def test_cli_reports_a_general_conflict(tmp_path):
    (tmp_path / "atrium.md").write_text(DOC, encoding="utf-8")
    e = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_CACHE_DIR=str(tmp_path / ".cache"))
    p = subprocess.run([sys.executable, "-m", "spec_lsp", "check", "--select", "contradiction", "--format", "json", "--fail-on", "never",
                        str(tmp_path)], capture_output=True, text=True, env=e, cwd=tmp_path, timeout=300)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    fs = [f for f in (data["findings"] if isinstance(data, dict) else data) if f.get("code") == "SPEC301" or f.get("rule") == "contradiction"]
    assert {f["range"]["start"]["line"] for f in fs} == {4, 8}, fs
    assert all("(bounds)" in f["message"] and "atrium.md:" in f["message"] for f in fs)
