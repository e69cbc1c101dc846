"""Rule documentation in the editor: `codeDescription` links to the public page (configurable with
`docs-url`), and a hover over a diagnostic shows the rule page's summary and the link."""

from __future__ import annotations

from lsprotocol import types as T
from lsp_helpers import copy_fixture, indexed, open_doc, pos_of, start, uri, wait_for


async def _hover(client, root, rel, needle, offset=1, nth=0):
    return await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=uri(root, rel)), position=pos_of(root, rel, needle, offset, nth=nth)))


async def test_code_description_is_the_public_page(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "broken")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    d = [d for d in client.diagnostics[uri(root, "spec.md")] if d.code == "SPEC120"][0]
    assert d.code_description.href == "https://github.com/spec-lsp/spec-lsp/blob/main/spec_lsp/docs/rules/broken-anchor-link.md"


async def test_docs_url_setting_and_config_key(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "broken")
    client = await start(root, init={"diagnostics": {"debounceMs": 0}, "language": {"enabled": False},
                                     "docsUrl": "https://docs.example.org/rules/{code}/"})
    stop_clients.append(client)
    await indexed(client, root)
    d = [d for d in client.diagnostics[uri(root, "spec.md")] if d.code == "SPEC120"][0]
    assert d.code_description.href == "https://docs.example.org/rules/SPEC120/"
    # the repository's config file wins; a base URL without {name}/{code} gets <name>.md
    root2 = copy_fixture(tmp_path / "two", "broken")
    (root2 / ".spec-lsp.toml").write_text('docs-url = "https://mirror.example.net/spec-lsp/rules/"\n', encoding="utf-8")
    client2 = await start(root2, init={"diagnostics": {"debounceMs": 0}, "language": {"enabled": False},
                                       "docsUrl": "https://docs.example.org/rules/{code}/"})
    stop_clients.append(client2)
    await indexed(client2, root2)
    d2 = [d for d in client2.diagnostics[uri(root2, "spec.md")] if d.code == "SPEC121"][0]
    assert d2.code_description.href == "https://mirror.example.net/spec-lsp/rules/broken-file-link.md"


async def test_hover_on_a_diagnostic_shows_the_rule_page_summary(tmp_path, stop_clients):
    root = copy_fixture(tmp_path, "broken")
    # non-ASCII before the broken link: the hover range is in UTF-16 units
    spec = root / "spec.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("See [?](#privcy)", "“Hé 😀” See [?](#privcy)"), encoding="utf-8")
    client = await start(root)
    stop_clients.append(client)
    await indexed(client, root)
    open_doc(client, root, "spec.md")
    await wait_for(lambda: any(d.code == "SPEC120" for d in client.diagnostics.get(uri(root, "spec.md"), [])), what="SPEC120")
    h = await _hover(client, root, "spec.md", "#privcy", 2)
    assert h is not None
    text = h.contents.value
    assert "**SPEC120 broken-anchor-link**" in text
    assert "points at an anchor that no heading" in text  # the page's "What it flags" paragraph
    assert "*How to fix:*" in text
    assert "(https://github.com/spec-lsp/spec-lsp/blob/main/spec_lsp/docs/rules/broken-anchor-link.md)" in text
    d = [d for d in client.diagnostics[uri(root, "spec.md")] if d.code == "SPEC120"][0]
    assert h.range == d.range  # no other hover here: the range is the diagnostic's
    # a clause tag with a diagnostic: the clause hover first, then the rule
    h2 = await _hover(client, root, "spec.md", "[^pv01]", 3, nth=1)
    assert h2 is not None and "duplicate-clause-id" in h2.contents.value
    assert h2.contents.value.index("---") < h2.contents.value.index("duplicate-clause-id")
    # no diagnostic, nothing else: no hover
    assert await _hover(client, root, "spec.md", "Every structural rule", 2) is None
