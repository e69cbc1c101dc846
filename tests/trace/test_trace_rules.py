"""Citations in code and tests: the scanner's forms, unknown-citation (SPEC500), ambiguous-citation
(SPEC501), and the evidence rules (SPEC101, spec-kit SPEC401) counting tests.  One rule per test."""

from __future__ import annotations

from helpers import check

from spec_lsp.trace.citations import CitationScanner

SPEC = "# Policy {#policy authority=root}\n\nNever reveal an address[^pv01]. Refuse politely 🙂[^pv02].\n"


def _ids(text, **kw):
    return [(c.id, c.form) for c in CitationScanner(**kw).scan(text)]


def test_short_ids_cite_only_in_explicit_forms():
    text = ("h = 'a8sy73f'  # sy73 alone is not a citation\nx = re.compile(r'[^a-z]')\n"
            "# covers sy73\n@spec(\"kp02\")\n\"\"\"Checks [^pv01].\"\"\"\nspec:\n  replicas: 2\n")
    got = _ids(text)
    assert ("sy73", "keyword") in got and ("kp02", "explicit") in got and ("pv01", "explicit") in got
    assert not any(i == "replicas" for i, _ in got)  # a YAML `spec:` block is not a citation
    assert sum(1 for i, _ in got if i == "sy73") == 1


def test_distinctive_ids_are_whole_words_and_may_be_qualified():
    got = CitationScanner(distinctive=[r"FR-\d{3}"]).scan("xFR-001 FR-0012 see 001-albums/FR-002, FR-003.\n")
    assert [(c.id, c.qualifier) for c in got] == [("FR-002", "001-albums"), ("FR-003", "")]


def test_unknown_citation_suggests_the_closest_id():
    check({"spec.md": SPEC, "tests/test_p.py": "def test_x():\n    \"\"\"Checks [^pv03].\"\"\"\n"},
          [("tests/test_p.py", 2, "did you mean “pv0")], select="unknown-citation")


def test_unknown_citation_ignores_regex_classes_and_keyword_prose():
    check({"spec.md": SPEC, "src/a.py": "R = r'[^a-z0-9]'\n# this covers everything\n# spec: Widget\n"},
          [], select="unknown-citation")


def test_unknown_citation_of_a_retired_id():
    from spec_lsp.core.config import Config
    from spec_lsp.core.workspace import Workspace
    from spec_lsp.trace.index import scan_text

    ws = Workspace("/nonexistent-root", Config(), paranoid=True, select=("SPEC500",))
    ws._put("spec.md", SPEC)
    ws._install_lock('version = 1\n[clauses]\n[retired]\nzz01 = { sentence = "77e1", text = "Old clause." }\n')
    ws._put_code("tests/t.py", scan_text("tests/t.py", "# spec: zz01\n", ws.scan_spec()))
    ws.recheck_all()
    (f,) = [f for f in ws.all_findings() if f.code == "SPEC500"]
    assert "retired" in f.message and f.path == "tests/t.py"


def test_ambiguous_citation_across_spec_kit_features():
    spec = "# Feature Specification: {n}\n\n## Requirements\n\n- **FR-001**: System MUST do {n}.\n"
    files = {"specs/001-a/spec.md": spec.format(n="a"), "specs/002-b/spec.md": spec.format(n="b"),
             "tests/test_x.py": "# FR-001\n# 002-b/FR-001\n",
             "specs/002-b/contracts/test_c.py": "# FR-001 (inside feature 002-b)\n"}
    (f,) = check(files, [("tests/test_x.py", 1, "`001-a/FR-001`")], select="ambiguous-citation")
    assert len(f.related) == 2


def test_a_test_citing_a_clause_is_evidence_for_missing_challenge_file():
    check({"spec.md": SPEC, "tests/test_p.py": "# covers pv02\ndef test_pv02():\n    pass\n",
           "src/app.py": "# spec: pv01\n"},  # code (not a test) is not evidence
          [("spec.md", 3)], select="missing-challenge-file")


def test_a_test_citing_a_requirement_counts_for_requirement_without_task():
    spec = "# Feature Specification: a\n\n## Requirements\n\n- **FR-001**: System MUST a.\n- **FR-002**: System MUST b.\n- **FR-003**: System MUST c.\n"
    files = {"specs/001-a/spec.md": spec, "specs/001-a/tasks.md": "# Tasks\n\n- [ ] T001 Build it (FR-001)\n",
             "tests/test_b.py": "def test_b():\n    # covers FR-002\n    pass\n"}
    check(files, [("specs/001-a/spec.md", 7, "FR-003")], select="requirement-without-task")
