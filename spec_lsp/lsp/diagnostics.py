"""Pull diagnostics (textDocument/diagnostic, workspace/diagnostic) with result ids and unchanged reports."""

from __future__ import annotations

from lsprotocol import types as T

from .common import at
from .server import SpecServer


def register(server: SpecServer) -> None:
    opts = T.DiagnosticOptions(identifier="spec-lsp", inter_file_dependencies=True, workspace_diagnostics=True)

    @server.feature(T.TEXT_DOCUMENT_DIAGNOSTIC, opts)
    async def document_diagnostic(ls: SpecServer, params: T.DocumentDiagnosticParams):
        got = await at(ls, params.text_document.uri)
        if got is None:  # not a document; spec.lock (invalid-lock-file) has findings all the same
            loc = ls.locate(params.text_document.uri)
            if loc is None or not loc[0].ready.is_set() or loc[1] in loc[0].ws.docs or not loc[0].ws.is_spec_path(loc[1]):
                return T.RelatedFullDocumentDiagnosticReport(items=[])
            got = (*loc, None)
        r, rel, _ = got
        uri = ls.uri_of(r, rel)
        diags = ls.diagnostics_for(r, rel)
        prev = ls.pull_results.get(uri)
        if prev is not None and prev[1] == diags:
            result_id = prev[0]
        else:
            ls._result_counter += 1
            result_id = str(ls._result_counter)
            ls.pull_results[uri] = (result_id, diags)
        if params.previous_result_id is not None and params.previous_result_id == result_id:
            return T.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return T.RelatedFullDocumentDiagnosticReport(items=diags, result_id=result_id)

    @server.feature(T.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(ls: SpecServer, params: T.WorkspaceDiagnosticParams):
        previous = {p.uri: p.value for p in (params.previous_result_ids or [])}
        items = []
        for r in list(ls.roots.values()):
            if not r.ready.is_set():
                await r.ready.wait()
            ls.flush(r)
            for rel in sorted(set(r.ws.docs) | set(r.ws.finding_paths())):  # (spec.lock's findings too)
                uri = ls.uri_of(r, rel)
                diags = ls.diagnostics_for(r, rel)
                prev = ls.pull_results.get(uri)
                if prev is not None and prev[1] == diags:
                    rid = prev[0]
                else:
                    ls._result_counter += 1
                    rid = str(ls._result_counter)
                    ls.pull_results[uri] = (rid, diags)
                ot = ls.open_text(uri)
                version = ot[1] if ot else None
                if previous.get(uri) == rid:
                    items.append(T.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, version=version, result_id=rid))
                else:
                    items.append(T.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=version, items=diags, result_id=rid))
        return T.WorkspaceDiagnosticReport(items=items)
