"""Fixtures for the language-server tests (helpers live in lsp_helpers.py)."""

from __future__ import annotations

import asyncio

import pytest_asyncio


@pytest_asyncio.fixture
async def stop_clients():
    clients: list[LanguageClient] = []
    yield clients
    for c in clients:
        try:
            await asyncio.wait_for(c.shutdown_session(), 10)
        except Exception:
            pass
        try:
            await c.stop()
        except Exception:
            pass
