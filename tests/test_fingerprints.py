"""Dependency fingerprints: a clause's dependents are re-checked when what they read changes (that
it exists, its section title), not when it only moves or its sentence is edited; findings that embed another document's location
still follow that document when it moves (they read positions through a separate recorded key)."""

from __future__ import annotations

from pathlib import Path

from helpers import FIXTURES
from spec_lsp.core.config import Config
from spec_lsp.core.workspace import Workspace


def _ws(files: dict[str, str]) -> Workspace:
    ws = Workspace(Path("/virtual"), Config(), paranoid=True)  # paranoid: compared with a fresh build each time
    for p, t in files.items():
        ws._put(p, t)
    ws.recheck_all()
    return ws


def _model_spec() -> dict[str, str]:
    root = FIXTURES / "model-spec"
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.md"))}


def _rechecked(ws: Workspace, path: str, text: str) -> set[str]:
    seen: set[str] = set()
    real = ws._recheck

    def spy(paths):
        paths = list(paths)
        seen.update(paths)
        return real(paths)

    ws._recheck = spy  # type: ignore[method-assign]
    try:
        ws.set_document(path, text)
    finally:
        del ws._recheck
    return seen


def test_enter_at_the_top_rechecks_only_the_edited_document():
    files = _model_spec()
    ws = _ws(files)
    assert _rechecked(ws, "spec.md", "\n" + files["spec.md"]) == {"spec.md"}
    # the same for an edit inside a sentence
    text = ws.text("spec.md")
    k = text.index("before offering anything else")
    assert _rechecked(ws, "spec.md", text[:k] + "x" + text[k:]) == {"spec.md"}


def test_changed_section_title_still_rechecks_the_challenge_file():
    files = _model_spec()
    ws = _ws(files)
    text = files["spec.md"]
    new = text.replace("Respect the user’s time", "Respect the reader’s time", 1)
    assert new != text
    got = _rechecked(ws, "spec.md", new)
    assert "examples/rt01.md" in got
    assert "SPEC103" in {f.code for f in ws.findings("examples/rt01.md")}


def test_moved_clause_updates_the_related_location_of_a_stale_header_finding():
    spec = "# Spec\n\n## Tone\n\nBe brief.[^tn01]\n"
    challenge = "Examples for [^tn01] in Old title:\n\n**Example**: e\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"
    ws = _ws({"spec.md": spec, "examples/tn01.md": challenge})
    (f,) = [f for f in ws.findings("examples/tn01.md") if f.code == "SPEC103"]
    assert f.related[0].path == "spec.md" and f.related[0].range.start.line == 4
    changed = ws.set_document("spec.md", "\n\n" + spec)  # paranoid: a stale related place would raise here
    (f,) = [f for f in ws.findings("examples/tn01.md") if f.code == "SPEC103"]
    assert f.related[0].range.start.line == 6
    assert "examples/tn01.md" in changed  # so the editor gets the moved location


def test_moved_duplicate_updates_the_related_location_in_the_other_file():
    a = "# A\n\nOne.[^dup1]\n"
    b = "# B\n\nTwo.[^dup1]\n"
    ws = _ws({"a.md": a, "b.md": b})
    (f,) = [f for f in ws.findings("b.md") if f.code == "SPEC110"]
    assert f.related[0].path == "a.md" and f.related[0].range.start.line == 2
    changed = ws.set_document("a.md", "# A\n\nIntro.\n\n" + a[len("# A\n\n"):])
    (f,) = [f for f in ws.findings("b.md") if f.code == "SPEC110"]
    assert f.related[0].range.start.line == 4
    assert "b.md" in changed


def test_mentions_are_not_rechecked_when_the_clause_moves_but_are_when_it_goes():
    spec = "# Spec\n\nBe brief.[^tn01] Be kind.[^ot01]\n"
    challenge = "Examples for [^ot01] in Spec:\n\nSee also [^tn01].\n\n**Example**: e\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n"
    ws = _ws({"spec.md": spec, "examples/ot01.md": challenge})
    assert _rechecked(ws, "spec.md", "\n" + spec) == {"spec.md"}
    got = _rechecked(ws, "spec.md", "\n" + spec.replace("tn01", "tn02"))
    assert "examples/ot01.md" in got
    assert "SPEC122" in {f.code for f in ws.findings("examples/ot01.md")}
