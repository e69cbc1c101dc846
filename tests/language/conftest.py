"""Fixtures shared by the language tests that need the real embedding model (contradiction rounds 4 and 4b)."""

from __future__ import annotations

import pytest

from spec_lsp.language import semantic


@pytest.fixture
def semantic_model():
    """The real embedding model, loaded as the language pass loads it; reset before and after the test."""
    semantic.reset_for_tests()
    m = semantic.ensure_loaded()
    assert m is not None, "wordllama is part of the nlp extra and must be installed for these tests"
    yield m
    semantic.reset_for_tests()
