"""ears-state-trigger (SPEC217) through the real server (pytest-lsp, real spaCy model): enabled in `[rules]`, it
reports a Kiro criterion whose WHEN clause is a state, with a UTF-16 range; its quick fix rewrites WHEN -> WHILE,
and once applied the diagnostic goes.  The focused rule tests are tests/language/test_ears_r4.py."""

from __future__ import annotations

import pytest
from lsprotocol import types as T

from lsp_helpers import apply_workspace_edit, open_doc, start, uri, wait_for

pytestmark = pytest.mark.asyncio

REQ = ".kiro/specs/cart/requirements.md"
TEXT = """# Requirements Document

## Requirements

### Requirement 1: Checkout

**User Story:** As a shopper, I want a safe checkout, so that I never pay for nothing.

#### Acceptance Criteria

1. WHEN the cart 🛒 is empty, THE Shop SHALL disable the checkout button
2. WHEN the shopper clicks “Pay”, THE Shop SHALL charge the card
"""


async def test_server_reports_the_state_trigger_and_its_fix_applies(tmp_path, stop_clients):
    root = tmp_path / "ws"
    (root / REQ).parent.mkdir(parents=True)
    (root / REQ).write_text(TEXT, encoding="utf-8")
    (root / ".spec-lsp.toml").write_text('[rules]\nears-state-trigger = "warning"\n', encoding="utf-8")
    client = await start(root, init={"diagnostics": {"debounceMs": 0}})
    stop_clients.append(client)
    u = open_doc(client, root, REQ)

    def mine():
        return [d for d in client.diagnostics.get(u, []) if str(d.code) == "SPEC217"]

    await wait_for(lambda: mine(), timeout=120, what="the enabled ears-state-trigger diagnostic")
    (d,) = mine()  # criterion 2 is an event: silent
    assert d.severity == 2 and "WHILE" in d.message
    line = TEXT.split("\n")[10]
    assert d.range.start == T.Position(line=10, character=line.index("WHEN"))
    clause = "WHEN the cart 🛒 is empty"
    assert d.range.end.character - d.range.start.character == len(clause.encode("utf-16-le")) // 2  # UTF-16: 🛒 is 2
    acts = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=u), range=d.range, context=T.CodeActionContext(diagnostics=[d])))
    (act,) = [a for a in acts if a.edit is not None and any(e.new_text == "WHILE" for e in a.edit.changes.get(u, []))]
    apply_workspace_edit(root, act.edit)
    assert "1. WHILE the cart 🛒 is empty, THE Shop SHALL disable the checkout button\n" in (root / REQ).read_text(encoding="utf-8")
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=u, version=2),
        content_changes=[T.TextDocumentContentChangeWholeDocument(text=(root / REQ).read_text(encoding="utf-8"))]))
    await wait_for(lambda: any(p[0] == u and p[1] == 2 for p in client.published) and not mine(), timeout=60,
                   what="the diagnostic to go once the criterion is state-driven")
