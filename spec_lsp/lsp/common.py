"""Helpers shared by the feature modules: locating a request, converting positions and ranges."""

from __future__ import annotations

import asyncio

from pygls.exceptions import JsonRpcException

from ..core.model import Position, Range
from .convert import from_client_pos, to_client_range
from .server import Root, SpecServer

REQUEST_FAILED = -32803


class RequestFailed(JsonRpcException):
    CODE = REQUEST_FAILED


async def at(ls: SpecServer, uri: str, position=None) -> tuple[Root, str, Position | None] | None:
    """The root, workspace-relative path and core position of a request; None if not ours."""
    loc = ls.locate(uri)
    if loc is None:
        return None
    r, rel = loc
    while not r.ready.is_set():  # the root may be rebuilt meanwhile: always wait for the current one
        try:
            await asyncio.wait_for(asyncio.shield(r.ready.wait()), timeout=0.5)
        except asyncio.TimeoutError:
            pass
        r = ls.roots.get(r.path, r)
    if rel not in r.ws.docs and rel not in r.ws.code:  # spec documents, and files scanned for citations
        return None
    pos = from_client_pos(ls.workspace.position_codec, ls.lines_of(r, rel), position) if position is not None else None
    return r, rel, pos


def crange(ls: SpecServer, r: Root, rel: str, rng: Range):
    return to_client_range(ls.workspace.position_codec, ls.lines_of(r, rel), rng)
