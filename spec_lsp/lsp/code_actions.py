"""Code actions: the quick fixes findings carry, creating a missing challenge file, inserting a waiver."""

from __future__ import annotations

from lsprotocol import types as T

from ..core.document import SpecDocument
from ..core.model import Position, Range
from .code_lens import create_file_edit
from .common import at, crange
from .rename import refresh_closed
from .server import SpecServer

LOCK_CODES = ("SPEC520", "SPEC521")


def accept_action(ls: SpecServer, r, d: T.Diagnostic) -> T.CodeAction | None:
    """An edit of spec.lock, computed on its current text, that accepts the diagnostic's clause."""
    from ..versions.lock import LOCK_FILE, accept_edit, accept_title

    cid = d.data["subject"]
    # an edit of another file: computed on its text as it is on disk now (re-read and re-indexed if it
    # changed without a watcher event), never on a stale index
    refresh_closed(ls, r, {LOCK_FILE})
    got = accept_edit(r.ws, [cid])
    if got is None:
        return None
    rng, text = got
    ix = ls.index_of(r, LOCK_FILE)
    edit = T.TextEdit(range=ix.to_client_range(rng), new_text=text)
    return T.CodeAction(title=accept_title(r.ws, cid, d.code), kind=T.CodeActionKind.QuickFix, diagnostics=[d],
                        edit=T.WorkspaceEdit(changes={ls.uri_of(r, LOCK_FILE): [edit]}))


def current(ls: SpecServer, uri: str, d: T.Diagnostic) -> bool:
    """Is `d` (sent back by the client) one the server published for the text as it is now?  A replace fix
    carries absolute ranges, so it is offered only for a diagnostic that is still current."""
    got = ls.pull_results.get(uri)
    if got is None:
        return False
    return any(p.code == d.code and p.range == d.range and p.message == d.message for p in got[1])


def register(server: SpecServer) -> None:
    @server.feature(T.TEXT_DOCUMENT_CODE_ACTION, T.CodeActionOptions(code_action_kinds=[T.CodeActionKind.QuickFix]))
    async def code_actions(ls: SpecServer, params: T.CodeActionParams):
        got = await at(ls, params.text_document.uri)
        if got is None:
            return None
        r, rel, _ = got
        uri = params.text_document.uri
        doc = r.ws.view.doc(rel)
        ix = ls.index_of(r, rel)
        out: list[T.CodeAction] = []
        seen_create: set[str] = set()
        for d in params.context.diagnostics:
            if d.source != "spec-lsp" or not isinstance(d.data, dict):
                continue
            for fx in d.data.get("fixes", []):
                if fx.get("kind") == "replace" and "range" in fx:
                    if not current(ls, ls.uri_of(r, rel), d):
                        continue  # computed on text the user no longer has: the next publish brings a fresh one
                    rg = fx["range"]
                    rng = Range(Position(rg["start"]["line"], rg["start"]["character"]), Position(rg["end"]["line"], rg["end"]["character"]))
                    edit = T.WorkspaceEdit(changes={uri: [T.TextEdit(range=crange(ls, r, rel, rng), new_text=fx["newText"])]})
                    out.append(T.CodeAction(title=fx["title"], kind=T.CodeActionKind.QuickFix, diagnostics=[d], edit=edit, is_preferred=True))
                elif fx.get("kind") == "create-file" and d.data.get("subject"):
                    cid = d.data["subject"]
                    edit = create_file_edit(ls, r, rel, cid, fx.get("newText"))
                    if edit is not None and cid not in seen_create:
                        seen_create.add(cid)
                        out.append(T.CodeAction(title=fx["title"], kind=T.CodeActionKind.QuickFix, diagnostics=[d], edit=edit, is_preferred=True))
            if d.code in LOCK_CODES and d.data.get("subject"):  # spec.lock: accept this clause (spec_lsp/versions/)
                act = accept_action(ls, r, d)
                if act is not None:
                    out.append(act)
            if isinstance(doc, SpecDocument) and d.data.get("category") in ("language", "consistency") and current(ls, ls.uri_of(r, rel), d):
                line = min(max(d.range.start.line, 0), ix.line_count() - 1)
                comment = f"<!-- spec-lsp: allow {d.code} -- TODO: say why this rule does not apply here -->"
                if rel.endswith(".mdx"):  # MDX has no HTML comments; `{/* spec-lsp: … */}` is the waiver there
                    comment = f"{{/* spec-lsp: allow {d.code} -- TODO: say why this rule does not apply here */}}"
                lt = ix.line_text(line)
                if lt.lstrip().startswith("#"):  # a heading: a waiver line directly above it
                    indent = len(lt) - len(lt.lstrip())
                    ins, text = T.Position(line=line, character=0), " " * indent + comment + "\n"
                else:  # at the end of the finding's line: invisible when rendered, never splits a paragraph or list
                    ins = ix.client_position(ix.starts[line] + len(lt.rstrip()))
                    text = " " + comment
                edit = T.WorkspaceEdit(changes={uri: [T.TextEdit(range=T.Range(start=ins, end=ins), new_text=text)]})
                out.append(T.CodeAction(title=f"Waive {d.code} ({d.data.get('rule')}) here, with a reason", kind=T.CodeActionKind.QuickFix, diagnostics=[d], edit=edit))
        # a clause under the cursor without challenge prompts, even when SPEC101 is turned off
        if isinstance(doc, SpecDocument):
            pos = ix.from_client(params.range.start)
            for c in doc.clauses:
                if c.tag_range.start <= pos <= c.tag_range.end and c.id not in seen_create and not r.ws.view.challenges(c.id):
                    edit = create_file_edit(ls, r, rel, c.id)
                    if edit is not None:
                        out.append(T.CodeAction(title=f"Create {r.ws.challenge_path_for(c.id)}", kind=T.CodeActionKind.QuickFix, edit=edit))
        return out
