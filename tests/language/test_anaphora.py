"""SPEC211 ambiguous-pronoun (spec_lsp/language/anaphora.py): one linguistic class per case, each with the
near neighbour that must be treated the other way.  Real spaCy model, through the engine."""

from __future__ import annotations

import pytest

from spec_lsp.language import LanguageEngine, LanguageSettings, SentenceInput


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    e = LanguageEngine(LanguageSettings(enabled_rules=frozenset({"ambiguous-pronoun"}),
                                        cache_dir=str(tmp_path_factory.mktemp("cache"))))
    e.load()
    assert e.has_parser, e.status
    return e


def flagged(engine, text, context=""):
    """The pronouns SPEC211 flags in `text`."""
    (hits,) = engine.analyze([SentenceInput(text, context)])
    return [text[h.start:h.end] for h in hits if h.rule == "ambiguous-pronoun"]


@pytest.mark.parametrize("text,pronoun", [
    # a possessive with competing same-number nouns between the subject and the pronoun
    ("The gateway forwards the message to the broker with its signature.", "its"),
    ("The scheduler shall send the job to the worker with its priority.", "its"),
    # "their" with two plural antecedents
    ("The service moves records between the caches and the stores according to their limits.", "their"),
    # an object pronoun with two non-subject candidates and no parallel direct object
    ("When the process writes to the socket, the monitor closes it.", "it"),
    # non-ASCII text around the pronoun
    ("The “primary” node copies the log to the replica ☃ with its checksum.", "its"),
])
def test_ambiguous_pronoun_flagged(engine, text, pronoun):
    assert pronoun in flagged(engine, text)


@pytest.mark.parametrize("text", [
    # single agreeing antecedent: number ("they" has one plural noun)
    "The service stores the records until they expire.",
    # animacy: "it" does not refer to a person
    "The operator restarts the daemon when it stops responding.",
    # expletive / extraposed "it"
    "It is necessary that the client retries the request.",
    "It shall be possible for the operator to cancel the job.",
    "If the token expires, it is RECOMMENDED that the client refreshes the session.",
    # subject parallelism: the subject of the preceding clause
    "If the node enforces a gas cap, it MUST return the cap to the caller.",
    # a possessive with its own clause's subject and nothing in between
    "Each workset SHALL show its name.",
    # i-within-i: "the end of its route" cannot mean "the end"
    "The train may proceed to the end of its route.",
    # a compound modifier is not a referent ("storage" in "storage medium")
    "The storage medium shall keep its checksum.",
    # emphatic reflexive
    "The specification itself does not define the encoding.",
])
def test_resolvable_pronoun_not_flagged(engine, text):
    assert flagged(engine, text) == []


def test_binding_object_pronoun_is_not_its_clause_subject(engine):
    # "the monitor restarts it": "it" cannot be "the monitor", so only "the process" remains
    assert flagged(engine, "When the process crashes, the monitor restarts it.") == []
    # the same shape with a second non-subject noun stays ambiguous
    assert flagged(engine, "When the process writes to the socket, the monitor closes it.") == ["it"]


def test_previous_sentence_supplies_antecedents_only_when_needed(engine):
    ctx = "The client sends the request to the server."
    # a passive "It" (a patient) could be any earlier noun
    assert flagged(engine, "It must then be signed.", context=ctx) == ["It"]
    # an active subject "It" continues the previous subject
    assert flagged(engine, "It then waits for the reply.", context=ctx) == []
    # the sentence's own antecedent wins over the previous sentence (distance)
    assert flagged(engine, "The signer returns the digest after it finishes.", context=ctx) == []


def test_message_names_candidates(engine):
    (hits,) = engine.analyze([SentenceInput("The gateway forwards the message to the broker with its signature.")])
    (h,) = [h for h in hits if h.rule == "ambiguous-pronoun"]
    assert "“its”" in h.message and "“broker”" in h.message and "Repeat the noun" in h.message
