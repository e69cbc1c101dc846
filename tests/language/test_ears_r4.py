"""ears-state-trigger (SPEC217), one rule, real spaCy model: an EARS criterion whose WHEN clause names a state is
flagged with one question (WHILE, or the event?); events, perfects, completions and RFC prose stay silent.  The rule
is turned on through the real CLI (`[rules]`) here; the real server is tests/lsp/test_ears_r4_server.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spec_lsp.language import LanguageEngine, LanguageSettings, SentenceInput
from spec_lsp.language import ears
from spec_lsp.language import rules as R
from spec_lsp.language.registry import LANGUAGE_RULES

RULE = "ears-state-trigger"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    e = LanguageEngine(LanguageSettings(enabled_rules=frozenset({RULE}), cache_dir=str(tmp_path_factory.mktemp("c"))))
    e.load()
    assert e.has_parser, e.status
    return e


def hits(e, text):
    (hs,) = e.analyze([SentenceInput(text)])
    return [h for h in hs if h.rule == RULE]


def check(e, text, expect):
    """`expect`: the flagged span, or None for silence."""
    got = [text[h.start:h.end] for h in hits(e, text)]
    assert got == ([expect] if expect else []), (text, got)


@pytest.mark.parametrize("text,span", [
    # copula + adjective / noun / prepositional predicate, existential
    ("WHEN the cart is empty, THE Shop SHALL disable the checkout button.", "WHEN the cart is empty"),
    ("WHEN the device is in maintenance mode, THE Controller SHALL reject commands.", "WHEN the device is in maintenance mode"),
    ("WHEN the Database connection is unavailable THEN the system SHALL return an error.", "WHEN the Database connection is unavailable"),
    ("WHEN there is no network connection, THE App SHALL queue requests.", "WHEN there is no network connection"),
    ("WHEN an abnormal reading is the first of the day THEN the system SHALL send an email.",
     "WHEN an abnormal reading is the first of the day"),
    # progressive aspect, a subjectless gerund
    ("WHEN the sync job is running, THE Service SHALL block writes.", "WHEN the sync job is running"),
    ("WHEN data is being loaded from the Backend, THE App SHALL show a spinner.", "WHEN data is being loaded from the Backend"),
    # stative possession (the parser reads "has X disabled" as a perfect: it is not)
    ("WHEN the document has unsaved changes, THE Editor SHALL show a dot.", "WHEN the document has unsaved changes"),
    ("WHEN a user has alerts enabled in the preferences THEN the system SHALL send a weekly digest.",
     "WHEN a user has alerts enabled in the preferences"),
    # adjectival passives: particle, un- prefix, aspect adverb, negation
    ("WHEN the user is logged in THEN the system SHALL show the dashboard.", "WHEN the user is logged in"),
    ("WHEN the draft is unsaved, THE Editor SHALL warn before closing.", "WHEN the draft is unsaved"),
    ("WHEN a slot is already allocated, THE Pool SHALL pick another slot.", "WHEN a slot is already allocated"),
    ("WHEN the profile is not configured, THE App SHALL open the setup page.", "WHEN the profile is not configured"),
    # non-ASCII: curly quotes, an emoji, Japanese with English EARS keywords (the -te iru aspect)
    ("WHEN the user’s “session” is active 🙂, THE App SHALL refresh the token.", "WHEN the user’s “session” is active 🙂"),
    ("2. WHEN スロットが既に割り当てられている時、THE Repo Pool SHALL 他のスロットを探す", "WHEN スロットが既に割り当てられている時"),
])
def test_state_triggers_are_flagged(eng, text, span):
    check(eng, text, span)
    (h,) = hits(eng, text)
    assert h.message.count("?") == 1 and "WHILE" in h.message and "not" in h.message


@pytest.mark.parametrize("text", [
    "WHEN the user becomes inactive, THE App SHALL log out.",                  # a change of state is an event
    "WHEN a file is uploaded, THE Service SHALL scan it.",                     # a verbal passive
    "WHEN the user submits the form, THE App SHALL validate it.",
    "WHEN the user clicks Save, THE Editor SHALL write the file.",
    "WHEN the temperature exceeds 40 °C, THE Controller SHALL stop the pump.",
    "WHEN the state changes to closed, THE App SHALL notify the owner.",
    "WHEN the gateway receives a request, THE Gateway SHALL log it.",
    "WHEN a user has logged in, THE App SHALL show the dashboard.",           # a perfect: the event happened
    "WHEN the update is successful THEN the system SHALL display a message.",  # the moment the update ends
    "WHEN the migration is complete THEN the system SHALL drop the old tables.",
    "WHEN the report is approved by an admin, THE System SHALL publish it.",   # a passive with its agent
    "WHEN a user creates a reading and has alerts enabled THEN the system SHALL send an email.",  # event + guard
    "When parsing these parameters, clients MUST NOT decode them.",            # RFC prose, not EARS
    "When the cart is empty, the shop must disable checkout.",                 # no EARS keyword
    "- WHEN a block contains no keywords (SHALL, SHOULD, MAY) and no header",  # a mentioned keyword, no response
    "WHILE the cart is empty, THE Shop SHALL disable the checkout button.",    # already state-driven
    "1. WHEN 接続が回復した時、THE Sync Engine SHALL 未送信の変更を送信する",   # Japanese, an event
    "THE Shop SHALL show the cart when it is empty.",                          # not an EARS WHEN clause
    "When the banner is narrower than 600 px, the layout SHALL stack the buttons.",  # prose "When", not the keyword
    # the blind development round (d2): where WHEN and WHILE mean the same, nothing to ask
    "WHEN displaying patient records THEN the system SHALL include an edit option.",  # a gerund: every display
    "WHEN a user has alerts disabled in the preferences THEN the system SHALL not send alerts.",  # a prohibition
    "WHEN the cart is empty, THE Shop SHALL NOT charge the card.",
    "For any image request, WHEN THROTTLING_ENABLED is False THEN the system SHALL schedule the image.",  # each request
])
def test_events_and_near_misses_stay_silent(eng, text):
    check(eng, text, None)


def test_the_while_rewrite_is_offered_only_where_it_is_exact(eng):
    (h,) = hits(eng, "WHEN the cart is empty, THE Shop SHALL disable checkout.")
    assert h.replacement == "WHILE"  # langpass turns it into a fix on the keyword, in formats with EARS templates
    (h,) = hits(eng, "WHEN the cart is empty THEN the Shop SHALL disable checkout.")
    assert h.replacement is None  # with THEN, the EARS form needs more than one word changed


def test_prefilter_no_when_no_parse(tmp_path):
    assert not R.could_fire("THE Shop SHALL disable checkout.", {RULE})
    assert not R.could_fire("When parsing X, clients MUST NOT decode it.", {RULE})
    assert not R.could_fire("When the cart is empty, the Shop SHALL disable checkout.", {RULE})
    assert R.could_fire("WHEN the cart is empty, THE Shop SHALL disable checkout.", {RULE})
    e = LanguageEngine(LanguageSettings(enabled_rules=frozenset({RULE}), cache_dir=str(tmp_path / "c")))
    e.load()
    e.analyze([SentenceInput("THE Shop SHALL disable checkout while the cart is empty.")])
    assert e.parsed_sentences == 0
    e.analyze([SentenceInput("WHEN the cart is empty, THE Shop SHALL disable checkout.")])
    assert e.parsed_sentences == 1


def test_registered_off_by_default_with_its_page():
    (r,) = [r for r in LANGUAGE_RULES if r.name == RULE]
    assert r.code == "SPEC217" and not r.enabled
    assert (REPO / r.doc).is_file()
    assert ears.RULE == RULE


KIRO_REQ = """# Requirements Document

## Introduction

Carts hold a shopper’s items 🛒.

## Requirements

### Requirement 1: Checkout

**User Story:** As a shopper, I want checkout to be safe, so that I do not pay for nothing.

#### Acceptance Criteria

1. WHEN the cart is empty, THE Shop SHALL disable the checkout button
2. WHEN the shopper clicks “Pay”, THE Shop SHALL charge the card
3. WHEN the session is active THEN the Shop SHALL keep the cart
"""

PLAIN = """# Cart

WHEN the cart is empty, THE Shop SHALL disable the checkout button.
"""


def run_cli(root: Path, cache: Path) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_CACHE_DIR=str(cache))
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(root), "--format", "json", "--fail-on", "never"],
                       capture_output=True, text=True, cwd=REPO, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_cli_with_the_rule_enabled_in_rules(tmp_path):
    root = tmp_path / "ws"
    req = root / ".kiro" / "specs" / "cart" / "requirements.md"
    req.parent.mkdir(parents=True)
    req.write_text(KIRO_REQ, encoding="utf-8")
    (root / "notes.md").write_text(PLAIN, encoding="utf-8")
    assert not [f for f in run_cli(root, tmp_path / "c") if f["code"] == "SPEC217"]  # off by default
    (root / ".spec-lsp.toml").write_text('[rules]\nears-state-trigger = "warning"\n', encoding="utf-8")
    fs = [f for f in run_cli(root, tmp_path / "c") if f["code"] == "SPEC217"]
    kiro = sorted((f for f in fs if f["path"].endswith("requirements.md")), key=lambda f: f["range"]["start"]["line"])
    assert [f["range"]["start"]["line"] for f in kiro] == [14, 16]  # criteria 1 and 3 (0-based lines); not the click (an event)
    assert all(f["severity"] == "warning" and f["rule"] == RULE for f in kiro)
    assert "“WHEN the cart is empty”" in kiro[0]["message"] and "WHILE the cart is empty" in kiro[0]["message"]
    # the exact rewrite in Kiro: WHEN -> WHILE on the keyword; none with THEN, none outside a format with EARS templates
    fix = [x for x in kiro[0].get("fixes") or [] if x["kind"] == "replace"]
    assert [(x["newText"], x["range"]["start"]["line"], x["range"]["start"]["character"], x["range"]["end"]["character"])
            for x in fix] == [("WHILE", 14, 3, 7)]
    assert not [x for x in kiro[1].get("fixes") or [] if x["newText"] == "WHILE"]
    (plain,) = [f for f in fs if f["path"].endswith("notes.md")]
    assert plain["range"]["start"]["line"] == 2 and not [x for x in plain.get("fixes") or [] if x["newText"] == "WHILE"]
