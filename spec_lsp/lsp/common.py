"""Helpers shared by the feature modules: locating a request, converting positions and ranges."""

from __future__ import annotations

import asyncio

from ..core.model import Position, Range
from .server import Refusal, Root, SpecServer

REQUEST_FAILED = Refusal.CODE
RequestFailed = Refusal  # an ordinary refusal: an error response, logged at info level


async def ready_root(ls: SpecServer, r: Root) -> Root:
    """Wait until the root is indexed (it may be rebuilt meanwhile: always the current one), then bring its
    index up to the latest text of every open document (a debounced check pending runs now)."""
    while not r.ready.is_set():
        try:
            await asyncio.wait_for(asyncio.shield(r.ready.wait()), timeout=0.5)
        except asyncio.TimeoutError:
            pass
        r = ls.roots.get(r.path, r)
    r = ls.roots.get(r.path, r)
    ls.flush(r)
    return r


async def at(ls: SpecServer, uri: str, position=None) -> tuple[Root, str, Position | None] | None:
    """The root, workspace-relative path and core position of a request; None if not ours."""
    loc = ls.locate(uri)
    if loc is None:
        return None
    r, rel = loc
    r = await ready_root(ls, r)
    if rel not in r.ws.docs and rel not in r.ws.code:  # spec documents, and files scanned for citations
        return None
    pos = ls.index_of(r, rel).from_client(position) if position is not None else None
    return r, rel, pos


def crange(ls: SpecServer, r: Root, rel: str, rng: Range):
    return ls.index_of(r, rel).to_client_range(rng)
