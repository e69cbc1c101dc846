"""OpenSpec and Kiro navigation through the real server (stdio): requirement ↔ evidence, references,
hover, document symbols with the format's names, completion of IDs in scope, rename (OpenSpec by name)."""

from __future__ import annotations

import json
import subprocess
import sys

from lsprotocol import types as T

from lsp_helpers import REPO, apply_workspace_edit, copy_fixture, indexed, open_doc, pos_of, start, uri

MAIN = "openspec/specs/auth/spec.md"
DELTA = "openspec/changes/add-two-factor/specs/auth/spec.md"
ARCHIVED = "openspec/changes/archive/2026-01-10-add-login/specs/auth/spec.md"
BILLING = "openspec/specs/billing/spec.md"
K = ".kiro/specs/photo-albums"


def _td(u: str) -> T.TextDocumentIdentifier:
    return T.TextDocumentIdentifier(uri=u)


def _core_codes(root) -> list[str]:
    import os

    env = dict(os.environ, PYTHONPATH=str(REPO))
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(root), "--no-language", "--format", "json", "--fail-on", "never"],
                       capture_output=True, text=True, env=env, timeout=300)
    return sorted(f["code"] for f in json.loads(r.stdout))


# -- OpenSpec ----------------------------------------------------------------------------------


async def test_openspec_hover_definition_references_symbols(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "openspec")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, MAIN)
    p = pos_of(root, MAIN, "Session expiry", 3)
    h = await client.text_document_hover_async(T.HoverParams(text_document=_td(u), position=p))
    assert h is not None
    assert "**Requirement: Session expiry**" in h.contents.value and "capability auth" in h.contents.value
    assert "2 scenarios" in h.contents.value and "MUST end 30 minutes" in h.contents.value
    # requirement → its scenarios
    d = await client.text_document_definition_async(T.DefinitionParams(text_document=_td(u), position=p))
    lines = (root / MAIN).read_text(encoding="utf-8").split("\n")
    assert sorted(lines[loc.range.start.line] for loc in d) == ["#### Scenario: Activity keeps the session", "#### Scenario: Idle session ends"]
    # a delta's MODIFIED header → the requirement in the main spec
    du = open_doc(client, root, DELTA)
    dp = pos_of(root, DELTA, "Session expiry", 2)
    back = await client.text_document_definition_async(T.DefinitionParams(text_document=_td(du), position=dp))
    assert [(loc.uri, loc.range.start.line) for loc in back] == [(u, p.line)]
    refs = await client.text_document_references_async(T.ReferenceParams(text_document=_td(u), position=p,
                                                                           context=T.ReferenceContext(include_declaration=False)))
    assert [(r.uri, r.range.start.line) for r in refs] == [(du, dp.line)]
    syms = await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=_td(u)))

    def names(ss):
        for s in ss:
            yield s.name
            yield from names(s.children or [])
    assert {"Requirement: Password sign-in", "Requirement: Session expiry", "Requirement: Sign-out"} <= set(names(syms))


async def test_openspec_completion_of_requirement_names_in_a_delta(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "openspec")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    du = open_doc(client, root, DELTA)
    text = (root / DELTA).read_text(encoding="utf-8")
    new = text + "\n## REMOVED Requirements\n### Requirement: "
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=du, version=2),
        content_changes=[T.TextDocumentContentChangeWholeDocument(text=new)]))
    last = new.split("\n")
    pos = T.Position(line=len(last) - 1, character=len(last[-1]))
    got = await client.text_document_completion_async(T.CompletionParams(text_document=_td(du), position=pos))
    labels = {i.label for i in got.items}
    assert {"Password sign-in", "Session expiry", "Sign-out"} <= labels
    assert "Monthly invoice" not in labels  # another capability
    item = next(i for i in got.items if i.label == "Password sign-in")
    assert item.text_edit.range.start.character == len("### Requirement: ")
    # a typed prefix narrows the list
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=du, version=3),
        content_changes=[T.TextDocumentContentChangeWholeDocument(text=new + "Se")]))
    got = await client.text_document_completion_async(T.CompletionParams(text_document=_td(du), position=T.Position(line=pos.line, character=pos.character + 2)))
    assert {i.label for i in got.items} == {"Session expiry"}


async def test_openspec_rename_by_name_heading_deltas_and_links_never_an_injected_id(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "openspec")
    archived_before = (root / ARCHIVED).read_text(encoding="utf-8")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, MAIN)
    p = pos_of(root, MAIN, "Requirement: Session expiry", 2)  # on the word "Requirement"
    prep = await client.text_document_prepare_rename_async(T.PrepareRenameParams(text_document=_td(u), position=p))
    assert prep.placeholder == "Session expiry"
    edit = await client.text_document_rename_async(T.RenameParams(text_document=_td(u), position=p, new_name="Session timeout"))
    apply_workspace_edit(root, edit)
    main = (root / MAIN).read_text(encoding="utf-8")
    assert "### Requirement: Session timeout\n" in main and "Session expiry" not in main and "{#" not in main
    assert "### Requirement: Session timeout\n" in (root / DELTA).read_text(encoding="utf-8")
    assert "(../auth/spec.md#requirement-session-timeout)" in (root / BILLING).read_text(encoding="utf-8")
    assert (root / ARCHIVED).read_text(encoding="utf-8") == archived_before  # history is not rewritten
    assert [c for c in _core_codes(root) if c.startswith("SPEC4") or c.startswith("SPEC12")] == []


async def test_openspec_heading_anchor_rename_is_refused(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "openspec")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    u = open_doc(client, root, MAIN)
    p = pos_of(root, MAIN, "## Purpose", 4)
    try:
        await client.text_document_rename_async(T.RenameParams(text_document=_td(u), position=p, new_name="why"))
    except Exception as e:  # a refusal is an error response with a message
        assert "anchors" in str(e)
    else:
        raise AssertionError("an anchor rename in an OpenSpec heading must be refused")
    assert "{#" not in (root / MAIN).read_text(encoding="utf-8")


# -- Kiro --------------------------------------------------------------------------------------


async def test_kiro_criterion_hover_evidence_references_completion(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "kiro")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root, n_files=sum(1 for _ in root.rglob("*.md")))
    ru = open_doc(client, root, f"{K}/requirements.md")
    p = pos_of(root, f"{K}/requirements.md", "3. IF an album")  # criterion 1.3
    h = await client.text_document_hover_async(T.HoverParams(text_document=_td(ru), position=p))
    assert h is not None
    v = h.contents.value
    assert "**Criterion 1.3**" in v and "feature photo-albums" in v and "task 1.1" in v and "IF an album" in v
    # criterion → the tasks (and properties) that cite it
    d = await client.text_document_definition_async(T.DefinitionParams(text_document=_td(ru), position=p))
    assert {loc.uri for loc in d} == {uri(root, f"{K}/tasks.md"), uri(root, f"{K}/design.md")}
    # from a task's reference back to the criterion (only this feature's 1.3)
    tu = open_doc(client, root, f"{K}/tasks.md")
    tp = pos_of(root, f"{K}/tasks.md", "1.3_")
    back = await client.text_document_definition_async(T.DefinitionParams(text_document=_td(tu), position=tp))
    assert [(loc.uri, loc.range.start.line) for loc in back] == [(ru, p.line)]
    refs = await client.text_document_references_async(T.ReferenceParams(text_document=_td(ru), position=p,
                                                                           context=T.ReferenceContext(include_declaration=False)))
    assert {r.uri for r in refs} == {uri(root, f"{K}/tasks.md"), uri(root, f"{K}/design.md")}
    # completion of IDs in this feature only
    text = (root / f"{K}/tasks.md").read_text(encoding="utf-8")
    new = text + "- [ ] 4. More\n  - _Requirements: 3.1, 2."
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=tu, version=2),
        content_changes=[T.TextDocumentContentChangeWholeDocument(text=new)]))
    lines = new.split("\n")
    got = await client.text_document_completion_async(T.CompletionParams(
        text_document=_td(tu), position=T.Position(line=len(lines) - 1, character=len(lines[-1]))))
    labels = {i.label for i in got.items}
    assert {"2.1", "2.4"} <= labels and "3.2" not in labels and "FR-1.1" not in labels
    assert got.items[0].text_edit.range.start.character == len(lines[-1]) - 2


async def test_kiro_symbols_and_rename_refused_for_derived_ids(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "kiro")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root, n_files=sum(1 for _ in root.rglob("*.md")))
    ru = open_doc(client, root, f"{K}/requirements.md")
    syms = await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=_td(ru)))

    def names(ss):
        for s in ss:
            yield s.name
            yield from names(s.children or [])
    got = set(names(syms))
    assert {"Requirement 1", "Requirement 2", "Criterion 1.3", "Criterion 2.4"} <= got
    p = pos_of(root, f"{K}/requirements.md", "2. WHEN the name")
    try:
        await client.text_document_prepare_rename_async(T.PrepareRenameParams(text_document=_td(ru), position=p))
    except Exception as e:
        assert "renumber" in str(e)
    else:
        raise AssertionError("a derived criterion ID must not be renamed")


# -- MDX ---------------------------------------------------------------------------------------


async def test_mdx_site_absolute_links_navigate_and_follow_an_anchor_rename(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "mdx")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root, n_files=sum(1 for _ in root.rglob("*.mdx")))
    iu = open_doc(client, root, "docs/index.mdx")
    p = pos_of(root, "docs/index.mdx", "/specification/basic)", 3)
    d = await client.text_document_definition_async(T.DefinitionParams(text_document=_td(iu), position=p))
    assert [loc.uri for loc in d] == [uri(root, "docs/specification/basic.mdx")]
    # a percent-encoded fragment lands on its heading
    fp = pos_of(root, "docs/index.mdx", "%C3%BCber", 2)
    d2 = await client.text_document_definition_async(T.DefinitionParams(text_document=_td(iu), position=fp))
    basic = (root / "docs/specification/basic.mdx").read_text(encoding="utf-8").split("\n")
    assert [(loc.uri, basic[loc.range.start.line]) for loc in d2] == [(uri(root, "docs/specification/basic.mdx"), "## Über “quotes”")]
    # the heading's references include site-absolute links from other pages
    bu = open_doc(client, root, "docs/specification/basic.mdx")
    hp = pos_of(root, "docs/specification/basic.mdx", "## Messages", 4)
    refs = await client.text_document_references_async(T.ReferenceParams(text_document=_td(bu), position=hp,
                                                                           context=T.ReferenceContext(include_declaration=False)))
    assert {r.uri for r in refs} == {uri(root, "docs/specification/basic/lifecycle.mdx"), bu}
    # an anchor rename would have to write `{#id}`, a JSX expression in MDX: refused, nothing written
    try:
        await client.text_document_rename_async(T.RenameParams(text_document=_td(bu), position=hp, new_name="message-format"))
    except Exception as e:
        assert "anchors" in str(e)
    else:
        raise AssertionError("an anchor rename in an MDX heading must be refused")
    assert "{#" not in (root / "docs/specification/basic.mdx").read_text(encoding="utf-8")
    # JSX stays out of the outline and prose
    syms = await client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=_td(iu)))
    assert [s.name for s in syms] == ["Ledger protocol"]


# -- quick fixes and UTF-16 positions ------------------------------------------------------------


async def _diagnostics_for(client, u: str):
    from lsp_helpers import wait_for

    def got():
        for pu, _v, _t, diags in reversed(client.published):
            if pu == u:
                return diags or None
        return None
    return await wait_for(got, what=f"diagnostics of {u}")


async def test_quick_fixes_scenario_skeleton_and_acceptance_criterion(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "openspec-broken")
    client = await start(root)
    stop_clients.append(client)
    main = "openspec/specs/catalog/spec.md"
    u = open_doc(client, root, main)
    diags = await _diagnostics_for(client, u)
    d420 = next(d for d in diags if d.code == "SPEC420")
    acts = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=_td(u), range=d420.range, context=T.CodeActionContext(diagnostics=[d420])))
    (act,) = [a for a in acts if a.title == "Add a scenario skeleton"]
    (te,) = act.edit.changes[u]
    assert te.new_text.startswith("\n\n#### Scenario:") and "- **WHEN**" in te.new_text and "xml" not in te.new_text
    apply_workspace_edit(root, act.edit)
    text = (root / main).read_text(encoding="utf-8")
    assert "The catalog SHALL show each product’s price, stock and photos.\n\n#### Scenario:" in text

    kroot = copy_fixture(tmp_path, "kiro-broken")
    kclient = await start(kroot)
    stop_clients.append(kclient)
    req = ".kiro/specs/checkout/requirements.md"
    ku = open_doc(kclient, kroot, req)
    kd = await _diagnostics_for(kclient, ku)
    d445 = next(d for d in kd if d.code == "SPEC445")
    acts = await kclient.text_document_code_action_async(T.CodeActionParams(
        text_document=_td(ku), range=d445.range, context=T.CodeActionContext(diagnostics=[d445])))
    (act,) = [a for a in acts if a.title == "Add an acceptance criterion"]
    (te,) = act.edit.changes[ku]
    assert "#### Acceptance Criteria" in te.new_text and "1. WHEN <trigger>, THE <system> SHALL <response>" in te.new_text


async def test_openspec_positions_after_an_emoji_are_utf16(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "openspec")
    (root / "openspec/specs/lock/spec.md").parent.mkdir(parents=True)
    (root / "openspec/specs/lock/spec.md").write_text(
        "# lock Specification\n\n## Requirements\n### Requirement: 🔒 Lock screen\nThe app SHALL lock after 5 minutes.\n\n"
        "#### Scenario: Idle\n- **WHEN** idle for 5 minutes\n- **THEN** the lock screen shows\n", encoding="utf-8")
    delta = "openspec/changes/add-two-factor/specs/lock/spec.md"
    (root / delta).parent.mkdir(parents=True)
    (root / delta).write_text("## REMOVED Requirements\n- `### Requirement: 🔒 Lock screen`\n", encoding="utf-8")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    du = open_doc(client, root, delta)
    p = pos_of(root, delta, "Lock screen", 2)  # after the emoji: 2 UTF-16 units, 1 code point
    assert p.character == len("- `### Requirement: ") + 2 + 1 + 2
    d = await client.text_document_definition_async(T.DefinitionParams(text_document=_td(du), position=p))
    (loc,) = d
    assert loc.uri == uri(root, "openspec/specs/lock/spec.md") and loc.range.start.line == 3
    assert loc.range.start.character == len("### Requirement: ") and loc.range.end.character == len("### Requirement: 🔒 Lock screen") + 1
