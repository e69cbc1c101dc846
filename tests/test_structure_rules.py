"""Each structural rule on small inputs: it fires when it should, stays quiet when it should not."""

from __future__ import annotations

from helpers import codes, memory_workspace
from spec_lsp.core.config import Config

CH = "Examples for [^{id}] in {title}:\n\n**Example**: e\n\n~~~xml\n<user>\nq\n</user>\n~~~\n"


def test_clean_workspace_has_no_findings():
    ws = memory_workspace({"spec.md": "## S {#s authority=root}\n\nThe assistant must be kind[^ab12].\n",
                           "examples/ab12.md": CH.format(id="ab12", title="S")})
    assert codes(ws) == []


def test_missing_challenge_file_with_create_fix():
    ws = memory_workspace({"spec.md": "## S {#s}\n\nThe assistant must be kind[^ab12].\n"})
    (f,) = ws.findings("spec.md")
    assert (f.code, f.rule, f.subject) == ("SPEC101", "missing-challenge-file", "ab12")
    (fix,) = f.fixes
    assert fix.kind == "create-file" and fix.path == "examples/ab12.md"
    assert fix.new_text.startswith("Examples for [^ab12] in S:")


def test_orphan_and_stale_challenge_files():
    ws = memory_workspace({
        "spec.md": "## New title {#s}\n\nThe assistant must be kind[^ab12].\n",
        "examples/ab12.md": CH.format(id="ab12", title="Old title"),
        "examples/zz99.md": CH.format(id="zz99", title="New title"),
    })
    assert codes(ws, "examples/zz99.md") == ["SPEC102"]
    (stale,) = ws.findings("examples/ab12.md")
    assert stale.code == "SPEC103"
    assert stale.related and stale.related[0].path == "spec.md"
    assert stale.fixes[0].new_text == "New title"


def test_stale_header_ignores_case_and_quotes():
    ws = memory_workspace({
        "spec.md": "## Respect the user’s time {#s}\n\nThe assistant must be brief[^ab12].\n",
        "examples/ab12.md": CH.format(id="ab12", title="Respect the user's time"),
    })
    assert codes(ws) == []


def test_duplicate_clause_ids_across_files_relate_to_each_other():
    ws = memory_workspace({
        "a.md": "One[^dup1].\n", "b.md": "Two[^dup1].\n",
        "examples/dup1.md": CH.format(id="dup1", title="a.md"),
    })
    fa = [f for f in ws.findings("a.md") if f.code == "SPEC110"]
    fb = [f for f in ws.findings("b.md") if f.code == "SPEC110"]
    assert len(fa) == len(fb) == 1
    assert fa[0].related[0].path == "b.md" and fb[0].related[0].path == "a.md"


def test_duplicate_anchor_and_unknown_authority():
    ws = memory_workspace({"spec.md": "## A {#x authority=root}\n\n## B {#x authority=admin}\n"})
    assert codes(ws) == ["SPEC111", "SPEC111", "SPEC130"]
    bad = [f for f in ws.findings("spec.md") if f.code == "SPEC130"][0]
    assert "admin" in bad.message


def test_allowed_attribute_values_are_configurable():
    cfg = Config(attributes={"authority": ("product",)})
    ws = memory_workspace({"spec.md": "## A {#x authority=product}\n\n## B {#y authority=root}\n"}, cfg)
    assert codes(ws) == ["SPEC130"]


def test_links_to_anchors_and_files():
    ws = memory_workspace({
        "spec.md": "# Top {#top}\n\nSee [?](#top), [g](guide.md#tone), [bad](guide.md#nope), [gone](gone.md), [?](#tpo), [web](https://x.org/a.md).\n",
        "guide.md": "## Tone {#tone}\n",
    })
    fs = ws.findings("spec.md")
    assert sorted(f.code for f in fs) == ["SPEC120", "SPEC120", "SPEC121"]
    typo = [f for f in fs if f.subject == "tpo"][0]
    assert typo.fixes[0].new_text == "top"


def test_links_outside_workspace_and_to_assets_are_not_reported():
    ws = memory_workspace({"docs/spec.md": "[up](../../README.md) [img](../assets/x.png)\n"})
    assert codes(ws) == []


def test_requirement_id_mentions():
    cfg = Config(id_patterns=("FR-\\d{3}",), challenge_files=("tests/{id}.md",))
    ws = memory_workspace({"spec.md": "- **FR-001**: System MUST work.\n- **FR-002**: See FR-001 and FR-009.\n"}, cfg)
    fs = ws.findings("spec.md")
    assert sorted(f.code for f in fs) == ["SPEC101", "SPEC101", "SPEC122"]
    assert [f.subject for f in fs if f.code == "SPEC122"] == ["FR-009"]


def test_waivers_silence_and_need_reasons():
    text = (
        "<!-- spec-lsp: allow SPEC101 -- covered by the integration suite -->\n"
        "The assistant must be kind[^ab12].\n\n"
        "<!-- spec-lsp: allow missing-challenge-file -->\n"
        "The assistant must be brief[^cd34].\n\n"
        "<!-- spec-lsp: allow SPEC999 -- typo -->\nOther[^ef56].\n"
    )
    ws = memory_workspace({"spec.md": text})
    visible = codes(ws, "spec.md")
    assert visible == ["SPEC010", "SPEC011", "SPEC101"]  # no reason; unknown code; ef56 not waived
    waived = [f for f in ws.findings("spec.md", include_waived=True) if f.waived is not None]
    assert {f.subject: f.waived for f in waived} == {"ab12": "covered by the integration suite", "cd34": "(no reason given)"}


def test_a_waiver_covers_one_clause_not_the_paragraph():
    text = (
        "<!-- spec-lsp: allow SPEC101 -- first only -->\n"
        "The assistant must be kind[^aa11].\n"
        "The assistant must be brief[^bb22]. <!-- spec-lsp: allow SPEC101 -- inline -->\n"
        "The assistant must be honest[^cc33] even\n"
        "when it is awkward. <!-- spec-lsp: allow SPEC101 -- wrapped -->\n"
        "The assistant must be careful[^dd44].\n"
    )
    ws = memory_workspace({"spec.md": text})
    waived = {f.subject: f.waived for f in ws.findings("spec.md", include_waived=True) if f.waived is not None}
    assert waived == {"aa11": "first only", "bb22": "inline", "cc33": "wrapped"}
    assert [f.subject for f in ws.findings("spec.md")] == ["dd44"]


def test_rule_severity_and_off_from_config():
    cfg = Config(rules={"missing-challenge-file": "info", "SPEC111": "off"})
    ws = memory_workspace({"spec.md": "## A {#x}\n\n## B {#x}\n\nClause[^ab12].\n"}, cfg)
    (f,) = ws.findings("spec.md")
    assert f.code == "SPEC101" and f.severity.label == "information"


def test_select_and_ignore_like_ruff():
    from spec_lsp.core.workspace import Workspace
    from pathlib import Path

    for select, ignore, expected in [(("SPEC11",), (), ["SPEC111", "SPEC111"]), ((), ("structure",), []),
                                     (("duplicate-anchor",), (), ["SPEC111", "SPEC111"]), ((), ("SPEC1",), [])]:
        ws = Workspace(Path("/x"), Config(), select=select, ignore=ignore)
        ws._put("spec.md", "## A {#x}\n\n## B {#x}\n\nClause[^ab12].\n")
        ws.recheck_all()
        assert codes(ws) == expected, (select, ignore)


def test_malformed_challenge_header_id_mismatch_has_fix():
    ws = memory_workspace({"spec.md": "C[^ab12].\n", "examples/ab12.md": CH.format(id="ab13", title="spec.md")})
    fs = [f for f in ws.findings("examples/ab12.md") if f.code == "SPEC104"]
    assert fs and fs[0].fixes[0].new_text == "ab12"


def test_unreadable_file_reported(tmp_path):
    from spec_lsp.core.workspace import Workspace

    (tmp_path / "bad.md").write_bytes(b"# Title\n\nbad byte \xff here[^ab12].\n")
    ws = Workspace(tmp_path, Config())
    ws.load()
    assert "SPEC002" in codes(ws, "bad.md")
    assert [c.id for c in ws.docs["bad.md"].clauses] == ["ab12"]  # what could be read is still indexed
