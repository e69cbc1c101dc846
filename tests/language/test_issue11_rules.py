"""Issue 11 behaviours of the ambiguity rules, one rule per test (real spaCy model): vague predicates and
unbounded limits by dependency pattern, hedges under nested verbs, criteria that follow, grammatical messages,
and what no longer fires (plain "and/or", "etc." illustrating a named category, permissions, compounds)."""

from __future__ import annotations

import pytest

from spec_lsp.language import LanguageEngine, LanguageSettings, SentenceInput
from spec_lsp.language.rules import third_person


def engine_for(tmp_path_factory, rule: str) -> LanguageEngine:
    e = LanguageEngine(LanguageSettings(enabled_rules=frozenset({rule}), cache_dir=str(tmp_path_factory.mktemp("c"))))
    e.load()
    assert e.has_parser, e.status
    return e


@pytest.fixture(scope="module")
def vague(tmp_path_factory):
    return engine_for(tmp_path_factory, "vague-term")


def spans(e, text):
    (hits,) = e.analyze([SentenceInput(text)])
    return [text[h.start:h.end] for h in hits], hits


@pytest.mark.parametrize("text,span", [
    ("The plugin SHALL work in all supported IDE versions.", "work"),
    ("The dialog should feel similar to the native one.", "feel similar"),
    ("The server SHOULD be aware that the cache is shared.", "be aware"),
    ("The number of retries SHALL be limited.", "limited"),
    ("The client SHOULD retry the request or handle the errors in other, appropriate ways.", "appropriate"),
])
def test_vague_predicates_and_nested_hedges(vague, text, span):
    got, hits = spans(vague, text)
    assert span in got, got
    h = hits[got.index(span)]
    assert h.message.count("?") == 1  # one concrete question


@pytest.mark.parametrize("text", [
    "The number of retries SHALL be limited to 3.",
    "The banner's actions MUST continue to work unchanged.",
    "The service SHALL operate on the requirement block.",
    "The menu items SHALL be appropriate to the chip's current state.",
])
def test_vague_term_leaves_stated_criteria_alone(vague, text):
    assert spans(vague, text)[0] == []


def test_timing_phrase_under_a_nested_verb(tmp_path_factory):
    e = engine_for(tmp_path_factory, "vague-timing")
    got, _ = spans(e, "The server should make a best-effort attempt to reply as quickly as possible.")
    assert "as quickly as possible" in got
    assert spans(e, "The RPC call must return as soon as the user is prompted.")[0] == []
    assert spans(e, "The Fast-Forward link SHALL be visible.")[0] == []


def test_weak_modal_best_effort_and_not_a_noun(tmp_path_factory):
    e = engine_for(tmp_path_factory, "weak-modal")
    assert "best-effort" in spans(e, "The recorder MUST be best-effort.")[0]
    assert spans(e, "An attempt to load data from a negative address should be treated as an invalid opcode.")[0] == []


def test_superlative_compounds_and_adverbs(tmp_path_factory):
    e = engine_for(tmp_path_factory, "superlative")
    assert "best" in spans(e, "Responses SHOULD best align with the user intent.")[0]
    assert spans(e, "Scheduled values should receive worst-case-block testing.")[0] == []
    assert spans(e, "The client MUST connect to the nearest node.")[0] == []


def test_and_or_only_in_longer_lists(tmp_path_factory):
    e = engine_for(tmp_path_factory, "coordination-ambiguity")
    assert spans(e, "The parameter MUST be included in the path item and/or in each operation.")[0] == []
    assert "and/or" in spans(e, "The client must accept text, audio, images and/or video.")[0]


def test_open_ended_list_after_a_named_category_or_examples(tmp_path_factory):
    e = engine_for(tmp_path_factory, "open-ended-list")
    assert spans(e, "The assistant must not target protected groups (race, religion, disability, etc.).")[0] == []
    assert spans(e, "Formats such as email, uuid, and so on, MAY be used.")[0] == []
    assert "etc." in spans(e, "Links MUST work in this repository, its forks, the main site, etc.")[0]


def test_loophole_not_in_a_permission(tmp_path_factory):
    e = engine_for(tmp_path_factory, "loophole")
    assert spans(e, "The metadata MAY be used by tooling as required.")[0] == []
    assert spans(e, "The miner MUST pad the nonce with as many zeroes as needed.")[0] == []
    assert "if possible" in spans(e, "Implementations MUST cache the result if possible.")[0]


def test_placeholder_not_a_passive_definition(tmp_path_factory):
    e = engine_for(tmp_path_factory, "placeholder")
    assert spans(e, "Such cases would have to be defined as illegal types.")[0] == []
    assert "TBD" in spans(e, "The delays MUST be bounded by a maximum (value TBD).")[0]


def test_passive_message_names_no_assistant_and_conjugates(tmp_path_factory):
    e = engine_for(tmp_path_factory, "passive-without-agent")
    _, hits = spans(e, "Installation logs must be installed and kept.")
    (h,) = [h for h in hits if "installed" in h.message]
    assert "assistant" not in h.message and "installs" in h.message and "instals" not in h.message
    assert third_person("verify") == "verifies"
