"""A quick fix carries absolute ranges, so the server offers it only for a diagnostic it published for the text
the user has now: a diagnostic the client sends back from before an edit gets no replace fix (it would be applied
to text it was not computed on), while the republished one does, at its new place.  Real server over stdio."""

from __future__ import annotations

import pytest
from lsprotocol import types as T

from lsp_helpers import open_doc, start, wait_for

pytestmark = pytest.mark.asyncio

TEXT = "# Privacy “rules” {#privacy authority=usr}\n\nThe assistant must not reveal secrets.[^pv01]\n\n[^pv01]: x\n"


async def test_a_stale_diagnostic_gets_no_replace_fix(tmp_path, stop_clients):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "spec.md").write_text(TEXT, encoding="utf-8")
    client = await start(root, init={"diagnostics": {"debounceMs": 0}})
    stop_clients.append(client)
    u = open_doc(client, root, "spec.md")

    def bad_value():
        return [d for d in client.diagnostics.get(u, []) if str(d.code) == "SPEC130"]

    await wait_for(lambda: bad_value(), timeout=60, what="the unknown-attribute diagnostic")
    (old,) = bad_value()

    async def fixes(d):
        acts = await client.text_document_code_action_async(T.CodeActionParams(
            text_document=T.TextDocumentIdentifier(uri=u), range=d.range, context=T.CodeActionContext(diagnostics=[d])))
        return [e for a in acts or [] if a.edit and a.edit.changes for e in a.edit.changes.get(u, []) if e.new_text == "user"]

    assert [e.range for e in await fixes(old)] == [old.range]  # current: offered where it was found
    # the user types a line above the heading: the old diagnostic's range now points at other text
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=u, version=2),
        content_changes=[T.TextDocumentContentChangePartial(
            range=T.Range(start=T.Position(line=0, character=0), end=T.Position(line=0, character=0)), text="Intro\n\n")]))
    await wait_for(lambda: any(p[0] == u and p[1] == 2 for p in client.published) and bad_value()
                   and bad_value()[0].range.start.line == 2, timeout=60, what="the republished diagnostic")
    (new,) = bad_value()
    assert await fixes(old) == []  # stale: no fix computed on text the user no longer has
    assert [e.range for e in await fixes(new)] == [new.range]
