"""One spaCy parse per distinct text (issue 11, speed): a statement's rules, the context sentence the pronoun
rule reads and its propositions share a parse, and sharing never changes what is found.  Real model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from spec_lsp.language import LanguageEngine, LanguageSettings, SentenceInput
from spec_lsp.language.contradiction import normalize
from spec_lsp.language.registry import LANGUAGE_RULES

ALL = frozenset(r.name for r in LANGUAGE_RULES)
ROOT = Path(__file__).resolve().parents[2]

# written for this test: lower-case statements (the proposition parse reads them unchanged), one with an
# upper-case keyword (its proposition parse reads a lower-cased copy, a text of its own), a pronoun whose
# context is the statement before it, and non-ASCII punctuation
STATEMENTS = [
    "The gateway must reject a request whose token has expired.",
    "It should log the rejection with the client’s address “as received”.",
    "The relay MUST forward every frame within 200 ms.",
    "The cache must not store responses marked private 🙂.",
]


def _engine(tmp_path, name):
    e = LanguageEngine(LanguageSettings(enabled_rules=ALL, cache_dir=str(tmp_path / name)))
    e.load()
    assert e.has_parser, e.status
    return e


def _inputs():
    return [SentenceInput(t, STATEMENTS[i - 1] if i else "", False) for i, t in enumerate(STATEMENTS)]


def test_rules_and_propositions_share_one_parse(tmp_path):
    e = _engine(tmp_path, "shared")
    hits, props = e.analyze_with_props(_inputs(), STATEMENTS)
    # the distinct texts: the four statements as the rules read them, as the propositions read them (an
    # upper-case keyword lower-cased) and the pronoun's context (the first statement): five today, where
    # separate passes parse 4 (rules) + 1 (the pronoun's context) + 4 (propositions)
    distinct = {e._rules_parse_text(t) for t in STATEMENTS} | {normalize(t) for t in STATEMENTS} | {STATEMENTS[0]}
    assert len(distinct) <= 5
    assert e.parsed_sentences == len(distinct)
    assert len(hits) == len(props) == len(STATEMENTS)


def test_sharing_finds_what_separate_passes_find(tmp_path):
    shared = _engine(tmp_path, "a")
    hits, props = shared.analyze_with_props(_inputs(), STATEMENTS)
    apart = _engine(tmp_path, "b")
    assert apart.analyze(_inputs()) == hits
    assert apart.propositions_many(STATEMENTS) == props


def test_a_context_is_parsed_only_for_a_pronoun(tmp_path):
    e = _engine(tmp_path, "ctx")
    e.set_enabled({"ambiguous-pronoun"})
    no_pronoun = SentenceInput("The relay MUST forward every frame.", "A context sentence nobody reads here.", False)
    e.analyze([no_pronoun])
    assert e.parsed_sentences == 0  # the prefilter: no pronoun, nothing to parse
    with_pronoun = SentenceInput("It MUST forward every frame to them.", "The relay and the gateways exchange frames.", False)
    e.analyze([with_pronoun])
    assert e.parsed_sentences == 2  # the sentence, then its context (it has a pronoun)


def test_the_cache_answers_both_halves(tmp_path):
    e1 = _engine(tmp_path, "disk")
    first = e1.analyze_with_props(_inputs(), STATEMENTS)
    e1.flush()
    e2 = _engine(tmp_path, "disk")
    assert e2.analyze_with_props(_inputs(), STATEMENTS) == first
    assert e2.parsed_sentences == 0


def test_cli_jobs_give_the_same_findings(tmp_path):
    """`check --jobs 2` shards the statements and their propositions together: the same findings as one process."""
    import json

    spec = tmp_path / "ws" / "spec.md"
    spec.parent.mkdir()
    body = ["# Relay", "", "The key words MUST and SHOULD are to be interpreted as described in RFC 2119.", ""]
    for i in range(110):  # the parallel path needs ≥ 200 statements (one a paragraph)
        body += [f"The relay MUST forward the frames of channel {i}.", "", f"The relay MUST NOT forward the frames of channel {i}.", ""]
    spec.write_text("\n".join(body), encoding="utf-8")
    got = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}.json"
        env = {"PYTHONPATH": str(ROOT), "SPEC_LSP_CACHE_DIR": str(tmp_path / f"cache-{jobs}"), "PATH": "/usr/bin:/bin"}
        r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(spec.parent), "--select", "language,consistency",
                            "--jobs", jobs, "--format", "json", "--fail-on", "never", "-o", str(out)],
                           capture_output=True, text=True, env=env, timeout=600)
        assert r.returncode == 0, r.stderr
        got[jobs] = sorted(json.dumps(f, sort_keys=True) for f in json.loads(out.read_text(encoding="utf-8")))
    assert any('"SPEC301"' in f for f in got["1"]), "the contradictions are found"
    assert got["1"] == got["2"]
