"""unverifiable-predicate (SPEC216), one rule, real spaCy model: requirements whose predicate no test can decide
are flagged; near misses that name an object, a reference, a bound, a version or an elaboration are not."""

from __future__ import annotations

import pytest

from spec_lsp.language import LanguageEngine, LanguageSettings, SentenceInput
from spec_lsp.language import rules as R

RULE = "unverifiable-predicate"


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    e = LanguageEngine(LanguageSettings(enabled_rules=frozenset({RULE}), cache_dir=str(tmp_path_factory.mktemp("c"))))
    e.load()
    assert e.has_parser, e.status
    return e


def spans(e, text):
    (hits,) = e.analyze([SentenceInput(text)])
    return [text[h.start:h.end] for h in hits if h.rule == RULE], hits


@pytest.mark.parametrize("text,span", [
    ("The dashboard SHALL work in all supported browsers.", "work in all supported browsers"),
    ("The app must function offline.", "function offline"),
    ("The editor should feel similar to the desktop app.", "feel similar"),
    ("The settings page must look modern.", "look modern"),
    ("Operators must be aware that the key rotates daily.", "be aware"),
    ("Wallets should be careful about making requests to URLs.", "be careful"),
    ("Uploads SHALL be limited.", "limited"),
    ("The server must handle malformed input appropriately.", "handle malformed input appropriately"),
    ("The client should support large files well.", "support large files well"),
    ("The new format MUST be backwards compatible.", "backwards compatible"),
    ("The API shall be compatible with existing clients.", "compatible"),
    ("The system SHALL support any number of tabs.", "any number of"),
    ("Errors SHOULD degrade gracefully.", "degrade gracefully"),
    ("WHEN a row is deleted THEN the list SHALL work consistently across “tables” 🚀.", "work consistently"),
])
def test_unverifiable_predicates(eng, text, span):
    got, hits = spans(eng, text)
    assert got == [span], got
    assert hits[0].message.count("?") >= 1 and "State" in hits[0].message


@pytest.mark.parametrize("text", [
    "Uploads SHALL be limited to 10 MB.",                               # a bound
    "The parser MUST be compatible with version 1.2 documents.",        # a version
    "The client MAY send any number of headers.",                       # a permission needs no test
    "The node MUST perform the check before import.",                   # an object: a concrete action
    "The tool must work as described in section 3.",                    # a named reference
    "The contract must operate on that block.",                         # a concrete operand
    "The server MUST NOT be limited by the client.",                    # negated
    "The implementation must decode the field correctly.",              # "correctly" is per the spec
    "The wallet should be well-formed JSON.",                           # a compound, not a manner
    "Developers should be careful to only leave slots set when intended.",  # the action follows
    "The call facilitators should work with the testing teams to propose an ordering.",  # purpose: an action
    "A rendered example of what a link should look like.",            # not a main clause: describes
    "The matrix should look like this:",                               # the example is the criterion
    "It should sound like a colleague: interested, offering expertise.",  # an elaboration follows
    "Rail logic MUST behave correctly when a step has no entry — no tab is wrongly locked.",
])
def test_near_misses(eng, text):
    assert spans(eng, text)[0] == []


def test_prefilter_never_parses_sentences_that_cannot_fire():
    assert not R.could_fire("The server SHALL reject requests without a token.", {RULE})
    assert not R.could_fire("The dashboard works in all supported browsers.", {RULE})  # no modal of obligation
    assert R.could_fire("The dashboard SHALL work in all supported browsers.", {RULE})
    assert R.could_fire("Errors should be handled appropriately.", {RULE})
