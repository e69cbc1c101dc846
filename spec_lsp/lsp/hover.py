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
        h = navigation.hover(r.ws, rel, pos, evals=pass_rates(r.path))  # last `evals run` report, if any
        if h is None:
            return None
        text, rng = h
        return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value=text), range=crange(ls, r, rel, rng))
