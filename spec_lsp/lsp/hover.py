"""textDocument/hover: the clause behind a tag or ID, the section behind an anchor link, and the rule
page's summary (with a link to the page) for each diagnostic at the position."""

from __future__ import annotations

from lsprotocol import types as T

from ..core import navigation
from ..core.model import Position
from ..core.rule_docs import hover_markdown
from ..core.rules import find_rule
from ..evals.editor import pass_rates
from .common import at, crange
from .server import SpecServer


def _rule_notes(ls: SpecServer, r, rel: str, pos: Position):
    """Markdown for the rules of the findings whose range holds `pos`, and the first such range."""
    notes: list[str] = []
    seen: set[str] = set()
    first = None
    for f in r.ws.findings(rel):
        s, e = f.range.start, f.range.end
        if (s.line, s.character) <= (pos.line, pos.character) <= (e.line, e.character) and f.code not in seen:
            rule = find_rule(f.code)
            if rule is None:
                continue
            seen.add(f.code)
            notes.append(hover_markdown(rule, r.ws.config.docs_url))
            first = first or f.range
    return notes, first


def register(server: SpecServer) -> None:
    @server.feature(T.TEXT_DOCUMENT_HOVER)
    async def hover(ls: SpecServer, params: T.HoverParams) -> T.Hover | None:
        got = await at(ls, params.text_document.uri, params.position)
        if got is None:
            return None
        r, rel, pos = got
        h = navigation.hover(r.ws, rel, pos, await _base(ls, r), evals=pass_rates(r.path))  # + last `evals run` report
        notes, frange = _rule_notes(ls, r, rel, pos)
        if h is None and not notes:
            return None
        text, rng = h if h is not None else ("", frange)
        value = "\n\n---\n\n".join(([text] if text else []) + notes)
        return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value=value), range=crange(ls, r, rel, rng))


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
