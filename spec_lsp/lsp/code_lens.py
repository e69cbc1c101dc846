"""Code lens on each clause tag: how many challenge prompts it has, with a command to open or create them."""

from __future__ import annotations

from lsprotocol import types as T

from ..core.checks import challenge_template_text, clause_section_title
from ..core.document import SpecDocument
from ..core.navigation import RenameError
from . import evals_lens
from .common import RequestFailed, at, crange
from .server import SpecServer

OPEN = "specLsp.openChallengeFile"
CREATE = "specLsp.createChallengeFile"


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _lens_title(ev) -> str:
    """`cited by T012, T015 · 2 tests` / `3 scenarios · 1 test`."""
    tasks = [e.label for e in ev if e.kind == "task"]
    parts = []
    if tasks:
        parts.append("cited by " + ", ".join(tasks[:6]) + ("…" if len(tasks) > 6 else ""))
    kinds: dict[str, int] = {}
    for e in ev:
        if e.kind != "task":
            kinds[e.kind] = kinds.get(e.kind, 0) + 1
    parts += [_n(n, k) for k, n in kinds.items()]
    return " · ".join(parts)


def register(server: SpecServer) -> None:
    @server.feature(T.TEXT_DOCUMENT_CODE_LENS)
    async def code_lens(ls: SpecServer, params: T.CodeLensParams):
        got = await at(ls, params.text_document.uri)
        if got is None:
            return None
        r, rel, _ = got
        doc = r.ws.view.doc(rel)
        if not isinstance(doc, SpecDocument):
            return []
        out = []
        fmt = r.ws.format_of(rel)
        from ..trace.resolve import code_evidence, full_evidence

        if not fmt.uses_challenge_files:  # the format's evidence (spec-kit: the tasks that cite it), and tests
            for c in doc.clauses:
                ev = full_evidence(r.ws, rel, c)
                rng = crange(ls, r, rel, c.tag_range)
                if ev:
                    title = _lens_title(ev)
                    out.append(T.CodeLens(range=rng, command=T.Command(title=title, command=OPEN, arguments=[ls.uri_of(r, ev[0].path)])))
                else:
                    out.append(T.CodeLens(range=rng, command=T.Command(title="no evidence", command=OPEN,
                                                                      arguments=[params.text_document.uri])))
            return out
        for c in doc.clauses:
            chs = r.ws.view.challenges(c.id)
            rng = crange(ls, r, rel, c.tag_range)
            tests = code_evidence(r.ws, rel, c)
            if chs:
                n = sum(len(d.examples) for d in chs)
                title = f"{n} challenge prompt{'s' if n != 1 else ''}" + (f" · {_n(len(tests), 'test')}" if tests else "")
                out.append(T.CodeLens(range=rng, command=T.Command(title=title, command=OPEN, arguments=[ls.uri_of(r, chs[0].path)])))
            elif tests:
                out.append(T.CodeLens(range=rng, command=T.Command(title=f"no challenge prompts · {_n(len(tests), 'test')}",
                                                                  command=OPEN, arguments=[ls.uri_of(r, tests[0].path)])))
            else:
                out.append(T.CodeLens(range=rng, command=T.Command(title="no challenge prompts", command=CREATE,
                                                                  arguments=[params.text_document.uri, c.id])))
        out.extend(evals_lens.lenses(ls, r, rel, doc, params.text_document.uri))  # "Export evals for this clause"
        return out

    @server.command(OPEN)
    async def open_challenge(ls: SpecServer, uri: str) -> None:
        await ls.window_show_document_async(T.ShowDocumentParams(uri=uri, take_focus=True))

    @server.command(CREATE)
    async def create_challenge(ls: SpecServer, spec_uri: str, clause_id: str) -> None:
        got = await at(ls, spec_uri)
        if got is None:
            raise RequestFailed("Not a spec document.")
        r, rel, _ = got
        if not isinstance(clause_id, str):
            raise RequestFailed("The clause ID must be a string.")
        if r.ws.view.challenges(clause_id):
            raise RequestFailed(f"[^{clause_id}] already has a challenge file.")
        try:
            check_new_path(r, None, r.ws.challenge_path_for(clause_id))
        except RenameError as e:
            raise RequestFailed(str(e)) from None
        edit = create_file_edit(ls, r, rel, clause_id)
        if edit is None:
            raise RequestFailed("The editor cannot create files through a workspace edit.")
        res = await ls.workspace_apply_edit_async(T.ApplyWorkspaceEditParams(edit=edit, label=f"Create challenge prompts for [^{clause_id}]"))
        if res.applied:
            await ls.window_show_document_async(T.ShowDocumentParams(uri=ls.uri_of(r, r.ws.challenge_path_for(clause_id)), take_focus=True))


def create_file_edit(ls: SpecServer, r, rel: str, clause_id: str, text: str | None = None) -> T.WorkspaceEdit | None:
    """Create a clause's challenge file, or None when the editor cannot or the path is not safe: it must be
    a plain path inside the workspace (a tag like `[^../../x/pwn]` is refused) that exists in no form."""
    if not ls.supports_document_changes() or "create" not in ls.resource_operations():
        return None
    path = r.ws.challenge_path_for(clause_id)
    try:
        check_new_path(r, None, path)
    except RenameError as e:
        ls.log(f"no create-file fix for [^{clause_id}]: {e}", T.MessageType.Info)
        return None
    doc = r.ws.view.doc(rel)
    clause = next((c for c in doc.clauses if c.id == clause_id), None) if isinstance(doc, SpecDocument) else None
    title = clause_section_title(doc, clause) if clause is not None else ""
    uri = ls.uri_of(r, path)
    body = text if text is not None else challenge_template_text(clause_id, title)
    return T.WorkspaceEdit(document_changes=[
        T.CreateFile(kind="create", uri=uri, options=T.CreateFileOptions(overwrite=False, ignore_if_exists=False)),
        T.TextDocumentEdit(text_document=T.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                           edits=[T.TextEdit(range=T.Range(start=T.Position(line=0, character=0), end=T.Position(line=0, character=0)), new_text=body)]),
    ])


from .rename import check_new_path  # noqa: E402  (rename imports nothing from here)
