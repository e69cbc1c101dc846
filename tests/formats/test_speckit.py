"""spec-kit format: scopes per feature, its rules (each run alone), detection, and the real corpora."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from helpers import CORPORA, FIXTURES, REPO, check, memory_workspace, needs_corpus

SPEC = """# Feature Specification: {title}

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: System MUST let users create an album.
- **FR-002**: System MUST let users rename an album to “Porto 🌅”.
- **FR-003** Invited people MUST see the album read-only.
"""


def feature(n: str, title: str, tasks: str | None = None, **extra: str) -> dict[str, str]:
    files = {f"specs/{n}/spec.md": SPEC.format(title=title)}
    if tasks is not None:
        files[f"specs/{n}/tasks.md"] = tasks
    for name, text in extra.items():
        files[f"specs/{n}/{name.replace('__', '/').replace('_md', '.md')}"] = text
    return files


def test_equal_ids_in_two_features_are_different_clauses():
    files = {**feature("001-albums", "Albums"), **feature("002-sharing", "Sharing")}
    check(files, [], select="duplicate-clause-id")


def test_duplicate_id_within_one_feature_is_reported_with_its_feature():
    files = feature("001-albums", "Albums")
    files["specs/001-albums/spec.md"] += "- **FR-002**: System MUST keep photos.\n"
    files.update(feature("002-sharing", "Sharing"))
    check(files, [("specs/001-albums/spec.md", 8, "feature 001-albums"), ("specs/001-albums/spec.md", 10)],
          select="SPEC110")


def test_unbolded_recap_is_a_mention_not_a_second_definition():
    files = feature("001-albums", "Albums")
    files["specs/001-albums/spec.md"] += "\n## Outcomes\n\n- FR-001: delivered ✅\n"
    check(files, [], select="SPEC110")
    ws = memory_workspace(files)
    doc = ws.docs["specs/001-albums/spec.md"]
    assert [c.id for c in doc.clauses] == ["FR-001", "FR-002", "FR-003"]  # `**FR-003** Invited…` (no colon) too
    assert [m.id for m in doc.mentions] == ["FR-001"]


def test_unknown_reference_resolves_in_its_own_feature_only():
    files = {
        **feature("001-albums", "Albums", tasks="- [ ] T001 Create albums (FR-001)\n- [ ] T002 Covers (FR-004)\n",
                  plan_md="Uses FR-002 and FR-009.\n", research_md="Unlike FR-042 of another feature.\n",
                  checklists__requirements_md="- [x] FR-003 is testable\n- [ ] SC-001 is measurable\n"),
        **feature("002-sharing", "Sharing"),
    }
    files["specs/002-sharing/spec.md"] += "- **FR-004**: Only in feature two.\n"
    check(files, [("specs/001-albums/tasks.md", 2, "FR-004"), ("specs/001-albums/plan.md", 1, "FR-009"),
                  ("specs/001-albums/checklists/requirements.md", 2, "SC-001")], select="unknown-requirement-reference")


def test_requirement_without_task_counts_ranges_and_sub_items():
    tasks = ("- [ ] T001 Albums, covering FR-001 through FR-002\n"
             "- [ ] T002 Sharing\n  - **Tests**: invited people see it read-only (FR-003)\n")
    check(feature("001-albums", "Albums", tasks=tasks), [], select="SPEC401")
    tasks2 = "- [ ] T001 Albums (FR-001)\n"
    check(feature("001-albums", "Albums", tasks=tasks2),
          [("specs/001-albums/spec.md", 8, "FR-002"), ("specs/001-albums/spec.md", 9, "FR-003")], select="SPEC401")


def test_requirement_without_task_is_silent_without_traceability():
    check(feature("001-albums", "Albums"), [], select="SPEC401")  # no tasks.md yet
    check(feature("001-albums", "Albums", tasks="- [ ] T001 Do everything\n"), [], select="SPEC401")


def test_citing_a_requirement_in_tasks_rechecks_the_spec():
    files = feature("001-albums", "Albums", tasks="- [ ] T001 Albums (FR-001, FR-002)\n")
    ws = memory_workspace(files)  # paranoid: compares with a fresh build after each update
    assert [f.code for f in ws.findings("specs/001-albums/spec.md") if f.code == "SPEC401"] == ["SPEC401"]
    changed = ws.set_document("specs/001-albums/tasks.md", "- [ ] T001 Albums (FR-001, FR-002)\n- [ ] T002 Read-only (FR-003)\n")
    assert "specs/001-albums/spec.md" in changed
    assert not [f for f in ws.findings("specs/001-albums/spec.md") if f.code == "SPEC401"]


def test_needs_clarification_placeholder_but_not_the_checklist_line_naming_it():
    files = feature("001-albums", "Albums",
                    checklists__requirements_md="- [x] No [NEEDS CLARIFICATION] markers remain\n"
                                                "- **1 [NEEDS CLARIFICATION] marker remains** (FR-002)\n")
    files["specs/001-albums/spec.md"] += "- **FR-004**: System MUST share via [NEEDS CLARIFICATION: link or e-mail?].\n"
    files["specs/001-albums/notes.md"] = "Left: `[NEEDS CLARIFICATION: in code]` and [NEEDS CLARIFICATION]\n"
    files[".specify/templates/spec-template.md"] = "- **FR-006**: System MUST [NEEDS CLARIFICATION: auth method?]\n"
    check(files, [("specs/001-albums/spec.md", 10, "link or e-mail?"), ("specs/001-albums/notes.md", 1)],
          select="needs-clarification")


def test_no_model_spec_quick_fix_or_challenge_rules_in_speckit():
    ws = memory_workspace({**feature("001-albums", "Albums"), "specs/001-albums/examples/FR-001.md": "x\n"})
    codes = {f.code for f in ws.all_findings()}
    assert not codes & {"SPEC101", "SPEC102", "SPEC104"}
    assert all(not fx.new_text.startswith("Examples for") for f in ws.all_findings() for fx in f.fixes)


def test_detection_and_format_override():
    from spec_lsp.core.config import Config

    ws = memory_workspace(feature("001-albums", "Albums"))
    assert ws.format_of("specs/001-albums/spec.md").name == "spec-kit"
    assert ws.format_of("README.md").name == "model-spec"
    ws2 = memory_workspace(feature("001-albums", "Albums"), config=Config(formats=("model-spec",)))
    assert ws2.format_of("specs/001-albums/spec.md").name == "model-spec"
    assert not ws2.docs["specs/001-albums/spec.md"].clauses  # no spec-kit definitions without the format


def test_fixture_through_the_cli():
    out = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(FIXTURES / "speckit"), "--no-language",
                          "--format", "json", "--fail-on", "never"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stderr
    import json

    got = sorted((f["code"], f["path"], f["range"]["start"]["line"] + 1) for f in json.loads(out.stdout))
    assert ("SPEC400", "specs/001-photo-albums/tasks.md", 13) in got  # FR-007 is not in feature 001
    assert ("SPEC402", "specs/001-photo-albums/spec.md", 26) in got
    assert not [g for g in got if g[0] == "SPEC110"]  # FR-001 restarts in 002: not a duplicate
    assert not [g for g in got if g[1].endswith("checklists/requirements.md")]


_DEF = re.compile(r"^\s*[-*] \*\*(?:(?:FR|SC|NFR)-\d{3}[a-z]?|N?FR\d{3}[a-z]?|R\d{3}[a-z]?)\*\*", re.M)


@pytest.mark.parametrize("name", ["github__spec-kit", "jmservera__squad-speckit-bridge", "alfredoperez__speckit-companion"])
def test_corpus_clauses_equal_grep_and_no_cross_feature_duplicates(name):
    root = CORPORA / name
    if not root.exists():
        pytest.skip(f"corpus not available: {root}")
    from spec_lsp.core.config import Config
    from spec_lsp.core.workspace import Workspace

    ws = Workspace(root, Config())
    ws.load()
    assert any(f.name == "spec-kit" for f in ws.formats)
    grep = 0
    for p in root.rglob("*.md"):
        rel = p.relative_to(root).as_posix()
        if rel.endswith(("spec.md", "spec-template.md")):
            grep += len(_DEF.findall(p.read_text(encoding="utf-8")))
    found = sum(len(d.clauses) for d in ws.spec_docs())
    assert found == grep
    assert not [f for f in ws.all_findings() if f.code == "SPEC110"]


_ = needs_corpus


def test_ranges_cover_letter_suffixed_requirements_inside_them():
    from spec_lsp.formats.speckit import cites

    refs = frozenset({"FR-006..FR-011", "FR-012..FR-015", "FR-020"})
    assert cites(refs, "FR-007") and cites(refs, "FR-012a") and cites(refs, "FR-020")
    assert not cites(refs, "FR-011a") and not cites(refs, "FR-016") and not cites(refs, "SC-007")
    spec = SPEC.format(title="Albums") + "- **FR-003a**: Sub-requirement.\n- **FR-004**: Last.\n"
    files = {"specs/001-a/spec.md": spec, "specs/001-a/tasks.md": "- [ ] T001 All of FR-001–FR-003 (FR-004)\n"}
    check(files, [("specs/001-a/spec.md", 10, "FR-003a")], select="requirement-without-task")


def test_graph_has_one_clause_node_per_feature():
    files = {**feature("001-albums", "Albums", tasks="- [ ] T001 (FR-001)\n"), **feature("002-sharing", "Sharing")}
    ws = memory_workspace(files)
    nodes = {n for n, d in ws.graph.nodes(data=True) if d.get("kind") == "clause"}
    assert {"clause:specs/001-albums#FR-001", "clause:specs/002-sharing#FR-001"} <= nodes
    assert ws.graph.nodes["clause:specs/001-albums#FR-001"]["defined"]
    ws.set_document("specs/002-sharing/spec.md", "# Empty\n")
    assert "clause:specs/002-sharing#FR-001" not in ws.graph  # incremental update drops it
    assert "clause:specs/001-albums#FR-001" in ws.graph
