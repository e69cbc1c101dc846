"""MDX doc specs: JSX / ESM / front matter are never prose, site-absolute links resolve through the
site root, fragments are percent-decoded; SPEC460 and SPEC461 each on their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers import FIXTURES, REPO, memory_workspace
from spec_lsp.core.config import Config
from spec_lsp.formats.mdx import MdxFormat, page_candidates

PAGE = """---
title: Basic
---

import { Note } from "/snippets/note.mdx";
export const meta = {
  kind: "spec",
};

# Basic

<Note title="A robust [^zz99] note">
    Every message **MUST** be a JSON object 🙂.
</Note>

{/* [link](/nowhere) inside a comment */}
Use `<Card>` literally in a code span.
"""


def found(ws, code: str):
    return [f for f in ws.all_findings() if f.code == code]


def test_preprocess_keeps_every_line_and_length():
    out = MdxFormat().preprocess(PAGE)
    assert len(out) == len(PAGE) and out.count("\n") == PAGE.count("\n")
    for a, b in zip(PAGE.split("\n"), out.split("\n")):
        assert len(a) == len(b)
    assert "import" not in out and "export" not in out and 'kind: "spec"' not in out
    assert "<Note" not in out and "</Note>" not in out and "zz99" not in out and "/nowhere" not in out
    assert "`<Card>`" in out  # code spans are left alone
    assert "Every message **MUST** be a JSON object 🙂." in out


def test_jsx_esm_and_front_matter_are_not_prose_but_component_children_are():
    ws = memory_workspace({"docs/basic.mdx": PAGE})
    d = ws.docs["docs/basic.mdx"]
    plains = [b.plain for b in d.blocks]
    assert "Every message MUST be a JSON object 🙂." in plains  # indented inside <Note>: prose, not code
    assert not any("robust" in p or "import" in p or "kind" in p or "nowhere" in p for p in plains)
    assert d.clauses == () and not d.links


def test_page_candidates_order():
    assert page_candidates("docs", "/specification/basic") == [
        "docs/specification/basic.mdx", "docs/specification/basic.md",
        "docs/specification/basic/index.mdx", "docs/specification/basic/index.md"]
    assert page_candidates("", "/guide/x.md") == ["guide/x.md"]


def test_site_links_resolve_through_docs_json_root_and_fragments_are_decoded():
    files = {
        "site/docs.json": None,
        "site/index.mdx": "# Home\n\n[a](/spec/basic#%C3%A9tapes) [b](/spec/auth) [c](./spec/basic) [d](/spec/basic#missing)\n",
        "site/spec/basic.mdx": "# Basic\n\n## Étapes\n\nText.\n",
        "site/spec/auth/index.mdx": "# Auth\n",
    }
    ws = memory_workspace({k: v for k, v in files.items() if v is not None})
    ws.add_other_file("site/docs.json")
    assert not found(ws, "SPEC460")
    (f,) = found(ws, "SPEC120")
    assert "missing" in f.message


def test_spec460_broken_site_link_with_candidates_and_fix():
    ws = memory_workspace({"docs/a.mdx": "# A\n\nSee [b](/guide/instal).\n", "docs/guide/install.mdx": "# Install\n"})
    (f,) = found(ws, "SPEC460")
    assert "docs/guide/instal.mdx" in f.message and "docs/guide/install.mdx" in f.message
    assert f.fixes[0].new_text == "/guide/install"
    ok = memory_workspace({"docs/a.mdx": "# A\n\nSee [b](/guide/install).\n", "docs/guide/install.mdx": "# Install\n"})
    assert not found(ok, "SPEC460")


def test_site_root_setting_wins():
    files = {"web/a.mdx": "# A\n\n[b](/b)\n", "content/b.mdx": "# B\n"}
    assert found(memory_workspace(files), "SPEC460")
    assert not found(memory_workspace(files, Config(site_root="content")), "SPEC460")


def test_spec461_unclosed_jsx_tag():
    ws = memory_workspace({"docs/a.mdx": "# A\n\n<Callout title=\"x\"\n\nMore text.\n"})
    (f,) = found(ws, "SPEC461")
    assert f.range.start.line == 2
    assert not found(memory_workspace({"docs/a.mdx": "# A\n\n<Callout\n  title=\"x > y\"\n/>\n"}), "SPEC461")


def test_waiver_written_as_an_mdx_comment():
    text = "# A\n\n{/* spec-lsp: allow SPEC460 -- the page ships next release */}\nSee [b](/nowhere).\n"
    ws = memory_workspace({"docs/a.mdx": text})
    assert not [f for f in ws.findings("docs/a.mdx") if f.code == "SPEC460"]
    assert [f.waived for f in ws.findings("docs/a.mdx", include_waived=True) if f.code == "SPEC460"] == ["the page ships next release"]


def test_fixtures_and_language_pass_through_the_cli():
    env = dict(os.environ, PYTHONPATH=str(REPO))

    def run(*a):
        return subprocess.run([sys.executable, "-m", "spec_lsp", "check", *a, "--format", "json", "--fail-on", "never"],
                              cwd=REPO, capture_output=True, text=True, env=env, timeout=300)
    clean = json.loads(run(str(FIXTURES / "mdx")).stdout)
    assert clean == [], clean  # "robust, seamless" sits in a JSX attribute: not prose
    got = json.loads(run(str(FIXTURES / "mdx-broken")).stdout)
    codes = {f["code"] for f in got}
    assert {"SPEC460", "SPEC461", "SPEC120"} <= codes
    # prose inside <Steps> is linted (vague-timing is off by default since issue 11: select it)
    timing = json.loads(run(str(FIXTURES / "mdx-broken"), "--select", "vague-timing").stdout)
    assert any(f["code"] == "SPEC207" for f in timing)


def test_site_root_config_key_is_validated():
    from spec_lsp.core.config import apply_settings

    cfg, probs = apply_settings(Config(), {"site-root": "docs/"}, ".spec-lsp.toml")
    assert cfg.site_root == "docs" and not probs
    cfg, probs = apply_settings(Config(), {"siteRoot": "../elsewhere"}, "<editor settings>")
    assert cfg.site_root is None and probs[0].key == "site-root" and "outside the workspace" in probs[0].reason
    _, probs = apply_settings(Config(), {"site-root": 3}, ".spec-lsp.toml")
    assert "string" in probs[0].reason


def test_jsx_href_attributes_are_checked_like_links():
    files = {"docs/a.mdx": '# A\n\n<CardGroup>\n  <Card title="Go" href="/guide/instal">x</Card>\n  <Card\n    title="B"\n    href="/guide/install#nope"\n  />\n  <Card href="/guide/install#install">y</Card>\n</CardGroup>\n',
             "docs/guide/install.mdx": "# Install\n"}
    ws = memory_workspace(files)
    (f,) = found(ws, "SPEC460")
    line = files["docs/a.mdx"].split("\n")[f.range.start.line]
    assert line[f.range.start.character:f.range.end.character] == "/guide/instal" and f.fixes[0].new_text == "/guide/install"
    (g,) = found(ws, "SPEC120")
    assert "nope" in g.message and g.range.start.line == 6


def test_graph_follows_site_absolute_links():
    ws = memory_workspace({"docs/a.mdx": "# A\n\nSee [b](/guide/install#verify).\n",
                           "docs/guide/install.mdx": "# Install\n\n## Verify\n"})
    g = ws.graph
    assert g.has_edge("section:docs/a.mdx#a", "section:docs/guide/install.mdx#verify")
