"""Completion of clause IDs after `[^` and of anchors after `](#` or `](file.md#`."""

from __future__ import annotations

from lsprotocol import types as T

from ..core import navigation
from .common import at
from .server import SpecServer


def register(server: SpecServer) -> None:
    @server.feature(T.TEXT_DOCUMENT_COMPLETION, T.CompletionOptions(trigger_characters=["^", "#", "-"]))
    async def completion(ls: SpecServer, params: T.CompletionParams):
        got = await at(ls, params.text_document.uri, params.position)
        if got is None:
            return None
        r, rel, pos = got
        ix = ls.index_of(r, rel)
        off = ix.offset_at(params.position)
        cp = ix.client_position(off)
        line_start = ix.starts[cp.line]
        line = ix.text[line_start:ix.line_end(cp.line)]
        fmt = r.ws.format_of(rel)
        ctx = navigation.completion_context(line, off - line_start, _prefix_re(fmt.completion_prefix))
        if ctx is None:
            return None
        kind, prefix, file_part = ctx
        start = ix.client_position(off - len(prefix))
        end = params.position
        items = []
        if kind == "clause":
            for cid in r.ws.view.clause_ids():
                entries = r.ws.view.clause_entries(cid)
                sentence = entries[0][1].sentence if entries else ""
                items.append(T.CompletionItem(label=cid, kind=T.CompletionItemKind.Reference, detail=sentence[:80],
                                              documentation=T.MarkupContent(kind=T.MarkupKind.Markdown, value=navigation.clause_hover(r.ws, cid)),
                                              text_edit=T.TextEdit(range=T.Range(start=start, end=end), new_text=cid)))
        elif kind == "id":  # IDs of the current scope only (a spec-kit feature's own FR-…)
            for cid, sentence in navigation.id_candidates(r.ws, rel):
                if not cid.startswith(prefix):
                    continue
                items.append(T.CompletionItem(label=cid, kind=T.CompletionItemKind.Reference, detail=sentence[:80],
                                              text_edit=T.TextEdit(range=T.Range(start=start, end=end), new_text=cid)))
        else:
            for anchor, title, target in navigation.anchor_candidates(r.ws, rel, file_part):
                items.append(T.CompletionItem(label=anchor, kind=T.CompletionItemKind.Reference, detail=title,
                                              filter_text=anchor, sort_text=anchor,
                                              text_edit=T.TextEdit(range=T.Range(start=start, end=end), new_text=anchor)))
        return T.CompletionList(is_incomplete=False, items=items)


_PREFIX_RE: dict[str, object] = {}


def _prefix_re(src: str | None):
    if src is None:
        return None
    got = _PREFIX_RE.get(src)
    if got is None:
        import re

        got = _PREFIX_RE[src] = re.compile(src)
    return got
