"""Go to definition, find references and document links."""

from __future__ import annotations

from lsprotocol import types as T

from ..core import navigation
from ..core.checks import resolve_link
from ..core.document import SpecDocument
from .common import at, crange
from .server import SpecServer

DECLARATION_ROLES = {"definition", "heading", "implicit-heading"}


def register(server: SpecServer) -> None:
    @server.feature(T.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: SpecServer, params: T.DefinitionParams):
        got = await at(ls, params.text_document.uri, params.position)
        if got is None:
            return None
        r, rel, pos = got
        sym = navigation.symbol_at(r.ws, rel, pos)
        if sym is None:
            return None
        out = []
        for path, rng in navigation.definitions(r.ws, sym):
            out.append(T.Location(uri=ls.uri_of(r, path), range=crange(ls, r, path, rng)))
        return out or None

    @server.feature(T.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: SpecServer, params: T.ReferenceParams):
        got = await at(ls, params.text_document.uri, params.position)
        if got is None:
            return None
        r, rel, pos = got
        sym = navigation.symbol_at(r.ws, rel, pos)
        if sym is None:
            return None
        include = params.context.include_declaration if params.context else True
        out = []
        for oc in navigation.occurrences(r.ws, sym):
            if not include and oc.role in DECLARATION_ROLES:
                continue
            out.append(T.Location(uri=ls.uri_of(r, oc.path), range=crange(ls, r, oc.path, oc.range)))
        return out

    @server.feature(T.TEXT_DOCUMENT_DOCUMENT_LINK)
    async def document_links(ls: SpecServer, params: T.DocumentLinkParams):
        got = await at(ls, params.text_document.uri)
        if got is None:
            return None
        r, rel, _ = got
        doc = r.ws.view.doc(rel)
        if not isinstance(doc, SpecDocument):
            return []
        out = []
        for c in doc.clauses:
            for ch in r.ws.view.challenges(c.id):
                out.append(T.DocumentLink(range=crange(ls, r, rel, c.tag_range), target=ls.uri_of(r, ch.path),
                                          tooltip=f"Challenge prompts for [^{c.id}] ({len(ch.examples)})"))
                break
        for lk in doc.links:
            target, _anchor, ok = navigation.link_target(r.ws, rel, lk)
            if ok and target and (r.ws.view.has(target) or (r.path / target).is_file()):
                out.append(T.DocumentLink(range=crange(ls, r, rel, lk.target_range), target=ls.uri_of(r, target)))
        return out
