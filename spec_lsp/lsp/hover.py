"""textDocument/hover: the clause behind a tag or ID, the section behind an anchor link."""

from __future__ import annotations

from lsprotocol import types as T

from ..core import navigation
from ..evals.editor import pass_rates
from .common import at, crange
from .server import SpecServer


def register(server: SpecServer) -> None:
    @server.feature(T.TEXT_DOCUMENT_HOVER)
    async def hover(ls: SpecServer, params: T.HoverParams) -> T.Hover | None:
        got = await at(ls, params.text_document.uri, params.position)
        if got is None:
            return None
        r, rel, pos = got
        h = navigation.hover(r.ws, rel, pos, await _base(ls, r), evals=pass_rates(r.path))  # + last `evals run` report
        if h is None:
            return None
        text, rng = h
        return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value=text), range=crange(ls, r, rel, rng))


async def _base(ls: SpecServer, r):
    """The `diff.base` revision's clause hashes (read with git in a worker thread, cached per commit)."""
    rev = r.ws.config.diff_base
    if not rev:
        return None
    import asyncio

    from ..versions.base import SourceError, base_hashes

    try:
        return await asyncio.get_running_loop().run_in_executor(None, base_hashes, r.path, rev)
    except (SourceError, OSError) as e:
        ls.log(f"diff.base {rev!r}: {e}")
        return None
