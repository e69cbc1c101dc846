"""Evals in the editor: the "Export evals for this clause" code lens and its command (the export itself
is spec_lsp/evals/editor.py; files go under `.spec-lsp/evals/export/<id>/` in the workspace and the
promptfoo config is opened with window/showDocument)."""

from __future__ import annotations

from lsprotocol import types as T

from .common import RequestFailed, at, crange
from .server import SpecServer

EXPORT = "specLsp.exportClauseEvals"


def lenses(ls: SpecServer, r, rel: str, doc, uri: str) -> list[T.CodeLens]:
    out = []
    for c in doc.clauses:
        if r.ws.view.challenges(c.id):
            out.append(T.CodeLens(range=crange(ls, r, rel, c.tag_range),
                                  command=T.Command(title="Export evals for this clause", command=EXPORT, arguments=[uri, c.id])))
    return out


def register(server: SpecServer) -> None:
    @server.command(EXPORT)
    async def export_clause_evals(ls: SpecServer, spec_uri: str, clause_id: str) -> list[str]:
        from ..evals.editor import ExportRefused, export_clause

        got = await at(ls, spec_uri)
        if got is None:
            raise RequestFailed("Not a spec document of this workspace.")
        r, _rel, _ = got
        try:
            paths = export_clause(r.ws, clause_id)
        except ExportRefused as e:
            raise RequestFailed(str(e)) from e
        except OSError as e:
            raise RequestFailed(f"Could not write the eval files: {e}") from e
        uris = [p.resolve().as_uri() for p in paths]
        await ls.window_show_document_async(T.ShowDocumentParams(uri=uris[0], take_focus=True))
        ls.window_show_message(T.ShowMessageParams(type=T.MessageType.Info,
                                                   message=f"Exported evals for [^{clause_id}] to {paths[0].parent.parent.relative_to(r.path)}/"))
        return uris
