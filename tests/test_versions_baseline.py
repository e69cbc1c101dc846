"""`check --baseline / --write-baseline` (fingerprints, not line numbers) and `check --since REV`."""

from __future__ import annotations

import json

from versions_fixture import cli, git, write

from spec_lsp.versions.baseline import parse_unified_zero

SPEC = """# Spec {#top}

Intro that links [a ghost](#ghost) — with “quotes” 🙂.

## Rules {#rules}

The assistant must answer in French[^fr01].
The assistant must answer in French[^fr01].
See [the ghost again](#ghost).
"""


def check(root, *args):
    return cli(root, "check", "--no-language", "--format", "json", *args)


def keys(r):
    return sorted((f["code"], f["subject"]) for f in json.loads(r.stdout))


def test_baseline_hides_recorded_findings_and_survives_edits_above(tmp_path):
    write(tmp_path, {"spec.md": SPEC})
    r = check(tmp_path, "--write-baseline", "baseline.json")
    assert r.returncode == 0 and keys(r) == []  # everything is in the baseline now
    data = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))
    assert {(x["code"], x["subject"], x["count"]) for x in data["findings"]} >= {("SPEC110", "fr01", 2), ("SPEC120", "ghost", 1)}
    assert all("line" not in x for x in data["findings"])
    # unrelated edits above every finding: new lines, a new section, text changed elsewhere on the page
    edited = SPEC.replace("# Spec {#top}\n", "# Spec {#top}\n\nA new opening paragraph.\n\n## Preface {#preface}\n\nMore text.\n")
    write(tmp_path, {"spec.md": edited})
    r = check(tmp_path, "--baseline", "baseline.json")
    assert r.returncode == 0 and keys(r) == []
    # a new finding is reported, and only it
    write(tmp_path, {"spec.md": edited + "\nAnd [a typo](#rulez).\n"})
    r = check(tmp_path, "--baseline", "baseline.json")
    assert r.returncode == 1 and keys(r) == [("SPEC120", "rulez")]


def test_baseline_counts_duplicates(tmp_path):
    write(tmp_path, {"spec.md": SPEC})
    check(tmp_path, "--write-baseline", "baseline.json")
    # the same sentence with the same broken link, once more: one of three is new
    write(tmp_path, {"spec.md": SPEC + "See [the ghost again](#ghost).\n"})
    r = check(tmp_path, "--baseline", "baseline.json")
    (f,) = json.loads(r.stdout)
    assert (f["code"], f["subject"]) == ("SPEC120", "ghost")


def test_editing_the_sentence_of_a_finding_makes_it_new(tmp_path):
    write(tmp_path, {"spec.md": SPEC})
    check(tmp_path, "--write-baseline", "baseline.json")
    write(tmp_path, {"spec.md": SPEC.replace("See [the ghost again](#ghost).", "See [the ghost once more](#ghost).")})
    assert keys(check(tmp_path, "--baseline", "baseline.json")) == [("SPEC120", "ghost")]


def test_bad_baseline_is_a_usage_error(tmp_path):
    write(tmp_path, {"spec.md": SPEC, "baseline.json": "[1, 2]"})
    r = check(tmp_path, "--baseline", "baseline.json")
    assert r.returncode == 2 and "not a spec-lsp baseline" in r.stderr


def test_since_reports_only_findings_on_changed_lines(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path, {"spec.md": SPEC})
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "one")
    write(tmp_path, {"spec.md": "New line on top.\n" + SPEC + "A [new broken link](#nope).\n", "notes/new.md": "# New {#new}\n\n[x](#missing)\n"})
    r = check(tmp_path, "--since", "HEAD")
    assert keys(r) == [("SPEC120", "missing"), ("SPEC120", "nope")]  # the untracked file counts wholly
    assert r.returncode == 1
    assert check(tmp_path, "--since", "no-such-rev").returncode == 2


def test_parse_unified_zero():
    diff = ("diff --git a/a.md b/a.md\n--- a/a.md\n+++ b/a.md\n@@ -3,0 +4,2 @@\n+x\n+y\n@@ -10 +12 @@\n-a\n+b\n"
            "@@ -20,3 +21,0 @@\n-gone\n--- a/old.md\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n")
    assert parse_unified_zero(diff) == {"a.md": {3, 4, 11, 20, 21}}


def test_language_findings_survive_a_renamed_section_anchor(tmp_path):
    spec = "# Spec {#top}\n\n## Bookings {#bookings}\n\nThe booking service must refund the fare when possible[^bk01].\n"
    write(tmp_path, {"spec.md": spec, "examples/bk01.md": "Examples for [^bk01] in Bookings:\n\n**Example**: refund\n\n~~~xml\n<user>\nRefund me 🙂\n</user>\n~~~\n"})
    r = cli(tmp_path, "check", "--format", "json", "--select", "loophole", "--fail-on", "never")
    assert [f["code"] for f in json.loads(r.stdout)] == ["SPEC203"]
    cli(tmp_path, "check", "--select", "loophole", "--write-baseline", "b.json", check=0)
    write(tmp_path, {"spec.md": "Preface.\n\n" + spec.replace("{#bookings}", "{#booking-rules}")})
    r = cli(tmp_path, "check", "--format", "json", "--select", "loophole", "--baseline", "b.json")
    assert json.loads(r.stdout) == []
