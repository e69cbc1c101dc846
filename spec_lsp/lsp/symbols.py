"""Document symbols (sections nested, clauses inside) and workspace symbols (IDs and titles)."""

from __future__ import annotations

from lsprotocol import types as T

from ..core.document import ChallengeDocument, SpecDocument
from .common import at, crange
from .server import SpecServer


def _fuzzy(query: str, text: str) -> bool:
    q = query.lower()
    t = text.lower()
    i = 0
    for ch in t:
        if i < len(q) and ch == q[i]:
            i += 1
    return i == len(q)


def register(server: SpecServer) -> None:
    @server.feature(T.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbols(ls: SpecServer, params: T.DocumentSymbolParams):
        got = await at(ls, params.text_document.uri)
        if got is None:
            return None
        r, rel, _ = got
        doc = r.ws.view.doc(rel)
        if isinstance(doc, ChallengeDocument):
            return [T.DocumentSymbol(name=e.title or "(untitled example)", kind=T.SymbolKind.Event,
                                     range=crange(ls, r, rel, e.block_range or e.range), selection_range=crange(ls, r, rel, e.range),
                                     detail=", ".join(e.roles)) for e in doc.examples]
        if not isinstance(doc, SpecDocument):
            return []
        from ..core.model import Position, Range

        nodes: list[T.DocumentSymbol] = []
        children: dict[int, list] = {}
        for i, s in enumerate(doc.sections):
            end_line = max(s.end_line - 1, s.line)
            full = Range(Position(s.line, 0), Position(end_line, 0))
            sym = T.DocumentSymbol(name=s.title or s.anchor, kind=T.SymbolKind.Module, detail=f"#{s.anchor}" + (f" · {s.authority}" if s.authority else ""),
                                   range=crange(ls, r, rel, full), selection_range=crange(ls, r, rel, s.title_range), children=[])
            children[i] = sym.children
            (children[s.parent] if s.parent is not None else nodes).append(sym)
        fmt = r.ws.format_of(rel)
        for c in doc.clauses:
            si = doc.section_at(c.range.start.line)
            sym = T.DocumentSymbol(name=fmt.symbol_name(c), kind=T.SymbolKind.Constant, detail=c.sentence[:80],
                                   range=crange(ls, r, rel, c.sentence_range if c.sentence_range.start <= c.range.start else c.range),
                                   selection_range=crange(ls, r, rel, c.range))
            (children[si] if si is not None else nodes).append(sym)
        return nodes

    @server.feature(T.WORKSPACE_SYMBOL)
    async def workspace_symbols(ls: SpecServer, params: T.WorkspaceSymbolParams):
        out = []
        for r in list(ls.roots.values()):
            if not r.ready.is_set():
                continue
            ls.flush(r)
            for doc in r.ws.view.spec_docs():
                uri = ls.uri_of(r, doc.path)
                for c in doc.clauses:
                    if _fuzzy(params.query, c.id) or (params.query and params.query.lower() in c.sentence.lower()):
                        out.append(T.WorkspaceSymbol(name=f"{r.ws.format_of(doc.path).symbol_name(c)} {c.sentence[:60]}", kind=T.SymbolKind.Constant,
                                                     location=T.Location(uri=uri, range=crange(ls, r, doc.path, c.range)), container_name=doc.path))
                for s in doc.sections:
                    if _fuzzy(params.query, s.title) or _fuzzy(params.query, s.anchor):
                        out.append(T.WorkspaceSymbol(name=f"{s.title} #{s.anchor}", kind=T.SymbolKind.Module,
                                                     location=T.Location(uri=uri, range=crange(ls, r, doc.path, s.title_range)), container_name=doc.path))
                if len(out) > 500:
                    return out
        return out
