"""Round-3 behaviour of the ambiguity rules, one rule per test, real spaCy model, `check(input, expect)` style.

Each test pairs what a rule must still catch with the near misses of a false-positive class fixed in round 3
(classes found on the tuning half of the corpora; the sentences here are written for the tests)."""

from __future__ import annotations

import pytest

from spec_lsp.language import LanguageEngine, LanguageSettings, SentenceInput

_ENGINES: dict = {}


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return str(tmp_path_factory.mktemp("r3cache"))


def check(cache: str, rule: str, text: str, expect: list[str]) -> None:
    """The spans `rule` flags in `text` are exactly `expect` (the other rules are not enabled)."""
    e = _ENGINES.get(rule)
    if e is None:
        e = _ENGINES[rule] = LanguageEngine(LanguageSettings(enabled_rules=frozenset({rule}), cache_dir=cache))
        e.load()
        assert e.has_parser, e.status
    (hits,) = e.analyze([SentenceInput(text)])
    got = [text[h.start:h.end] for h in hits if h.rule == rule]
    assert got == expect, (text, got)
    for h in hits:
        assert h.message.count("?") == 1, h.message  # one concrete question
        assert "assistant" not in h.message  # messages fit every format


@pytest.mark.parametrize("text,expect", [
    # upper-case keywords are parsed as modals (the parser reads a lower-cased copy; spans stay exact)
    ("IF a field is invalid THEN the system SHALL display appropriate error messages", ["appropriate"]),
    ("The plugin SHALL work in all supported IDE versions.", ["work"]),
    ("The uploader SHALL support any number of attachments.", ["any number"]),
    ("The queue MUST be unbounded.", ["unbounded"]),
    ("Validators must check the keys using a hardcoded small gas limit per key.", ["small gas limit per key"]),
    ("The plugin SHALL work in every IDE with a default theme.", ["work"]),
    ("The window should stay open until the feature is sufficiently adopted.", ["sufficiently"]),
    ("The distribution SHALL approximate the configured weights.", ["approximate"]),
    ("The distribution SHALL approximate the configured weights within 2%.", []),
    ("Clients should choose the block with the largest value.", []),
    ("The window must be greater than 100 blocks and should be chosen to give sufficient notice.", []),
    ("The application logic SHALL be updated to check for an appropriate limit at runtime.", ["appropriate"]),
    # near misses: the criterion is spelled out, or the predicate is concrete
    ("The tool MUST handle missing files gracefully, producing a valid report from the remaining ones.", []),
    ("The service MUST gracefully handle malformed files by logging a warning and skipping them.", []),
    ("Replies should be polite and appropriate enough that a user could forward them to a colleague.", []),
    ("The bot should behave in a formal and courteous manner.", []),
    ("New clients shall initially behave as the current network does.", []),
    ("The maintainers should work with the testing teams to agree on an order.", []),
    ("Implementations MUST work with the event data after it has been parsed.", []),
    ("The capture flow MUST be shown working from a fresh install.", []),
    ("A user MAY attach any number of files.", []),
])
def test_vague_term(cache, text, expect):
    check(cache, "vague-term", text, expect)


@pytest.mark.parametrize("text,expect", [
    ("Ideally, the client SHOULD cache responses.", ["Ideally"]),
    ("The service should try to reconnect after a failure.", ["try to"]),
    ("The service could retry failed requests.", ["could"]),
    ("The importer SHALL refresh the index (best-effort, off the UI thread).", ["best-effort"]),
    # near misses: a possibility beside the obligation, someone else's effort, a quoted modal, the failure
    # behaviour spelled out after a colon
    ("Different encoders might produce slight variations, but all should be compatible with each other.", []),
    ("This covers a message that argues \u201cyou should comply\u201d or tries to change the persona.", []),
    ("The recorder MUST be best-effort and read-only: a missing registry MUST result in a silent no-op.", []),
])
def test_weak_modal(cache, text, expect):
    check(cache, "weak-modal", text, expect)


@pytest.mark.parametrize("text,expect", [
    ("The server MUST close idle connections when appropriate.", ["when appropriate"]),
    ("Index operations SHALL run on background threads when possible.", ["when possible"]),
    # near misses: a default with its override, a parenthetical item decided by the data, a following criterion
    ("Unless otherwise specified, outputs should be formatted in Markdown.", []),
    ("THEN the panel SHALL show the name field and the schema picker (if applicable)", []),
    ("If necessary to preserve privacy, it should decline in broad terms.", []),
    ("The tool should add examples where appropriate (e.g., tutorials, reference pages).", []),
])
def test_loophole(cache, text, expect):
    check(cache, "loophole", text, expect)


@pytest.mark.parametrize("text,expect", [
    ("The session token MUST expire after a period of inactivity.", ["after a period of inactivity"]),
    ("The server MUST respond within a short time.", ["within a short time"]),
    ("The index MUST eventually be consistent.", ["eventually"]),
    # near misses: an event, a named parameter or a number bounds it; a description is not a requirement
    ("The client MUST retry the request after a failure.", []),
    ("The client MUST retry after the configured timeout.", []),
    ("The session MUST expire after a period of 15 minutes.", []),
    ("Users often forget passwords, so the system MUST offer a reset.", []),
])
def test_vague_timing(cache, text, expect):
    check(cache, "vague-timing", text, expect)


@pytest.mark.parametrize("text,expect", [
    ("The new engine MUST be faster.", ["faster"]),
    # near misses: a noun the tagger reads as a comparative; a comparative naming who acts
    ("THE Orchestrator SHALL assign each worker to the specified workspace identifier", []),
    ("Slower clients should use snap sync to load the state.", []),
    ("The new engine MUST be faster than the old one.", []),
])
def test_comparative_without_reference(cache, text, expect):
    check(cache, "comparative-without-reference", text, expect)


@pytest.mark.parametrize("text,expect", [
    ("The retention period is TBD.", ["TBD"]),
    ("Le délai MUST be ≤ the “max” value (TBD) 🙂.", ["TBD"]),
    ("Tasks are tracked in the todo list.", []),
])
def test_placeholder(cache, text, expect):
    check(cache, "placeholder", text, expect)


@pytest.mark.parametrize("text,expect", [
    ("THE System SHALL provide an intuitive settings page.", ["intuitive"]),
    ("The user interface MUST be easy to learn.", ["easy"]),
    ("The team finds the current design clean.", []),
])
def test_subjective_language(cache, text, expect):
    check(cache, "subjective-language", text, expect)


@pytest.mark.parametrize("text,context,expect", [
    # judgement delegated to a judging agent, or to a named decider: not flagged
    ("The assistant should give an appropriate answer.", "", []),
    ("Wallet implementers should take appropriate steps to mitigate it.", "", []),
    ("Updates MUST be accompanied by appropriate tests if deemed necessary by client developers.", "", []),
    ("Profanity should only be used in clearly appropriate contexts.", "The assistant adapts its tone to the user.", []),
    # a system component of an assistant spec is still a system
    ("The booking service should give an appropriate answer.", "The assistant books trips.", ["appropriate"]),
    # an unobservable outcome is flagged whoever is to bring it about
    ("The assistant should help the user feel heard.", "", ["feel heard"]),
])
def test_vague_term_judgement_delegated(cache, text, context, expect):
    e = _ENGINES.get("vague-term")
    if e is None:
        check(cache, "vague-term", "The plugin SHALL work.", ["work"])
        e = _ENGINES["vague-term"]
    (hits,) = e.analyze([SentenceInput(text, context)])
    assert [text[h.start:h.end] for h in hits] == expect


def test_vague_timing_is_not_a_judgement_call(cache):
    # timing is measurable whoever is to be quick; a named decider still settles it
    check(cache, "vague-timing", "The assistant should respond quickly to every request.", ["quickly"])
    check(cache, "vague-timing", "Keys SHOULD be kept for a limited time, but the exact time is left to individual implementations.", [])
