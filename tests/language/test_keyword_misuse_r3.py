"""keyword-misuse (SPEC215) on the dependency parse (real spaCy model): a lower-case "must"/"shall" that
prescribes in the main clause is flagged; one in a relative, adverbial or complement clause, a mention, an
inference, a lower-case "should" (ordinary advice under RFC 8174) and the inverted conditional are not."""

from __future__ import annotations

import pytest

from spec_lsp.language import LanguageEngine, LanguageSettings, SentenceInput


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    e = LanguageEngine(LanguageSettings(enabled_rules=frozenset({"keyword-misuse"}), cache_dir=str(tmp_path_factory.mktemp("c"))))
    e.load()
    assert e.has_parser, e.status
    return e


def spans(e, text, rfc=True):
    (hits,) = e.analyze([SentenceInput(text, "", rfc)])
    return [text[h.start:h.end] for h in hits if h.rule == "keyword-misuse"], hits


@pytest.mark.parametrize("text,span", [
    ("Each withdrawal request must appear in the requests list in the order returned by the queue.", "must"),
    ("The params member must be an array of two strings.", "must"),
    ("If the user rejects the request, the wallet must not return a result.", "must not"),
    ("The payload field, if not zero, must be the number of the block that includes it.", "must"),
    ("The implementation shall then derive the key and encrypt it.", "shall"),
    ("Must be a string of at most 64 characters — “émoji 🚀” are counted as one.", "Must"),
])
def test_prescriptive_lower_case_keyword(eng, text, span):
    got, hits = spans(eng, text)
    assert got == [span], got
    assert "MUST" in hits[0].message or "SHALL" in hits[0].message
    assert hits[0].replacement == span.upper()


@pytest.mark.parametrize("text", [
    # a relative clause describes the noun
    "Temporary writes still create state that must be processed and stored for one period.",
    "The account is the address where rewards must be credited.",
    "JSON Schema provides anyOf, which allows several schemas of which exactly one must be valid.",
    # a clausal complement or an adverbial clause
    "Some types neither require nor forbid values, which means care must be taken with them.",
    "If the value must be padded, the client pads it with zeros.",
    # an inference, a consequence
    "The request must have been signed by a previous owner.",
    "It MUST NOT be empty and therefore must always hold a 20-byte address.",
    # mentions: code and quotation marks
    "The `must` field of the rule object is a boolean.",
    "The word “must” is reserved by this document.",
    # lower-case "should" is advice in ordinary English; "Should …" opens an inverted conditional
    "Authors should prefer the newer fields.",
    "Should the server receive another message, it MUST close the connection.",
    # already upper case
    "The server MUST reject the request.",
])
def test_ordinary_english_is_left_alone(eng, text):
    assert spans(eng, text)[0] == []


def test_only_in_documents_that_declare_bcp14(eng):
    text = "Each request must appear in the list."
    assert spans(eng, text, rfc=True)[0] == ["must"]
    assert spans(eng, text, rfc=False)[0] == []


def test_text_fallback_without_a_parser(tmp_path, monkeypatch):
    monkeypatch.setenv("SPEC_LSP_NO_MODEL", "1")
    e = LanguageEngine(LanguageSettings(enabled_rules=frozenset({"keyword-misuse"}), cache_dir=str(tmp_path)))
    e.load()
    assert not e.has_parser
    assert spans(e, "Each request must appear in the list.")[0] == ["must"]
    assert spans(e, "It creates state that must be stored.")[0] == []
    assert spans(e, "Authors should prefer the newer fields.")[0] == []
