"""Contradictions (SPEC301) over statements without IDs: each conflict kind and a near neighbour that must not
be reported (same actor and verb, another object, condition or value).  Real spaCy model."""

from __future__ import annotations

import pytest

from spec_lsp.language import ClauseMeta, ContradictionIndex, LanguageEngine, LanguageSettings


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    e = LanguageEngine(LanguageSettings(cache_dir=str(tmp_path_factory.mktemp("c"))))
    e.load()
    assert e.has_parser, e.status
    return e


def kinds(engine, *texts):
    idx = ContradictionIndex()
    for i, t in enumerate(texts):
        idx.update(f"s{i}", engine.propositions(t), ClauseMeta(path="spec.md", clause_id=f"L{i + 1}"))
    return sorted(c.kind for c in idx.conflicts())


@pytest.mark.parametrize("kind,a,b,neighbour", [
    ("polarity", "The server MUST log the request identifier.", "The server MUST NOT log the request identifier.",
     "During maintenance, the server MUST NOT log the request identifier."),
    ("polarity", "FR-001: System MUST allow users to create albums.", "FR-009: System MUST NOT allow users to create albums.",
     "FR-002: System MUST NOT allow an album to contain another album."),
    ("exclusivity", "Clients MUST authenticate only via mutual TLS.", "Clients MAY authenticate via bearer tokens.",
     "Operators MUST authenticate via hardware keys."),
    ("antonym", "The export endpoint MUST be synchronous.", "The export endpoint MUST be asynchronous.",
     "The export endpoint MUST be idempotent."),
    ("enumeration", "The compression field MUST be one of gzip, br, or identity.", "The compression field MUST be zstd.",
     "The archive field MUST be zstd."),
    ("bounds", "THE Upload Service SHALL limit uploads to at most 20 MB.", "THE Upload Service SHALL accept uploads of at least 50 MB.",
     "WHEN the account is a trial, THE Upload Service SHALL limit uploads to at most 5 MB."),
    ("frequency", "THE Backup Job SHALL run once a day.", "THE Backup Job SHALL run every Saturday at midnight.",
     "THE Backup Job SHALL verify archives every Saturday at midnight."),
    ("parameter", "The idle timeout MUST be 30 seconds.", "The idle timeout MUST be 90 seconds.",
     "The idle timeout for administrative sessions MUST be 10 minutes."),
])
def test_kind_and_near_neighbour(engine, kind, a, b, neighbour):
    assert kinds(engine, a, b) == [kind]
    assert kinds(engine, a, neighbour) == []


def test_conditions_separate_statements(engine):
    assert kinds(engine, "WHEN a payment fails, THE Billing Service SHALL send a notification email.",
                 "WHEN a payment succeeds, THE Billing Service SHALL NOT send a notification email.") == []
    assert kinds(engine, "If the timestamp < FORK_TIMESTAMP, clients MUST NOT apply the new rule.",
                 "If the timestamp >= FORK_TIMESTAMP, clients MUST apply the new rule.") == []


def test_a_message_names_the_other_statement_and_the_kind(engine):
    idx = ContradictionIndex()
    idx.update("a", engine.propositions("The idle timeout MUST be 30 seconds."), ClauseMeta(path="a/spec.md", clause_id="L3"))
    idx.update("b", engine.propositions("The idle timeout MUST be 90 seconds."), ClauseMeta(path="a/ops.md", clause_id="L9"))
    (cf,) = idx.conflicts()
    assert "a/ops.md:9" in cf.message_for_a and "(parameter)" in cf.message_for_a and "30 seconds" in cf.message_for_a


def test_candidates_not_all_pairs(engine):
    idx = ContradictionIndex()
    n = 300
    for i in range(n):
        idx.update(i, engine.propositions(f"Component{i} MUST store record {i}."), ClauseMeta(path="spec.md"))
    idx.conflicts()
    assert idx.comparisons < n * 5  # distinct actors: candidates, not n²/2 = 44,850 pairs
