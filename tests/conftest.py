"""Fixtures shared by the tests (plain helpers live in helpers.py: module names must be unique)."""

from __future__ import annotations

import shutil

import pytest

from helpers import FIXTURES


@pytest.fixture
def fixture_copy(tmp_path):
    """Copy a fixtures/ workspace into a temporary directory and return its path."""

    def make(name: str):
        dst = tmp_path / name
        shutil.copytree(FIXTURES / name, dst)
        return dst

    return make


# Fast core tests first, then the language tests (spaCy), the server tests, the real editors last:
# a broken core shows up in seconds, not after minutes of editor start-up.
_ORDER = (("tests/editors/", 3), ("tests/lsp/", 2), ("tests/language/", 1))


def _rank(item) -> int:
    path = str(item.fspath).replace("\\", "/")
    for frag, rank in _ORDER:
        if frag in path:
            return rank
    return 0


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_rank)  # stable: the order within each group is kept
