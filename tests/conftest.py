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
