"""`spec-lsp diff`: every kind of change between versions of a small spec in a git repository built here."""

from __future__ import annotations

import json

import pytest

from versions_fixture import V3_EXTRA, cli, git, versioned_repo, write


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return versioned_repo(tmp_path_factory.mktemp("versions") / "repo")


@pytest.fixture(scope="module")
def v1v2(repo):
    r = cli(repo, "diff", "v1", "v2", "--format", "json", check=0)
    return json.loads(r.stdout)


def by_id(rows, key="id"):
    return {r[key]: r for r in rows}


def test_clauses_added_removed_reworded_with_word_diff(v1v2):
    assert [r["id"] for r in v1v2["added"]] == ["ta06"]
    assert [r["id"] for r in v1v2["removed"]] == ["ta03"]
    (rw,) = v1v2["reworded"]
    assert rw["id"] == "ta02" and not rw["rewrite"]
    assert ["+", ", taxes included,"] in rw["words"] and not [w for w in rw["words"] if w[0] == "-"]
    assert "".join(t for op, t in rw["words"] if op != "-") == rw["new"]
    assert rw["new"].endswith("booking a flight ✈️.")


def test_moved_and_retitled(v1v2):
    (mv,) = v1v2["moved"]
    assert (mv["id"], mv["from"]["anchor"], mv["to"]["anchor"]) == ("ta05", "tone", "safety")
    assert mv["authority"] == {"old": "guideline", "new": "developer", "kind": "level"}  # moving changed who may override it
    assert v1v2["retitled"] == [{"path": "spec.md", "anchor": "safety", "old": "Safety", "new": "Safety of travellers"}]


def test_authority_level_change_is_told_from_a_vocabulary_rename(v1v2):
    a = by_id(v1v2["authority"], "anchor")
    assert (a["authority"]["old"], a["authority"]["new"], a["authority"]["kind"]) == ("platform", "root", "vocabulary")
    assert (a["safety"]["old"], a["safety"]["new"], a["safety"]["kind"]) == ("user", "developer", "level")
    assert a["safety"]["clauses"] == 2


def test_removed_anchor_names_its_likely_successor(v1v2):
    (gone,) = v1v2["anchors_removed"]
    assert gone["anchor"] == "tone" and gone["successor"]["anchor"] == "style"


def test_evidence_drift_both_ways(v1v2):
    assert [(r["id"], r["evidence"]) for r in v1v2["evidence_stale"]] == [("ta02", ["examples/ta02.md"])]
    assert [(r["id"], r["how"]) for r in v1v2["evidence_changed"]] == [("ta04", "changed")]
    # a section retitle rewrites the challenge header of ta05: not an evidence change
    assert "ta05" not in by_id(v1v2["evidence_changed"])


def test_findings_introduced_and_resolved_are_matched_without_line_numbers(v1v2):
    intro = {(r["code"], r["subject"]) for r in v1v2["findings_introduced"]}
    assert ("SPEC120", "authrity") in intro and ("SPEC520", "ta02") in intro
    assert [(r["code"], r["subject"]) for r in v1v2["findings_resolved"]] == [("SPEC120", "no-such-section")]
    # the link to #authority moved lines in v2 but is no finding on either side; nothing else is "new"
    assert all(r["code"] != "SPEC120" or r["subject"] == "authrity" for r in v1v2["findings_introduced"])


def test_retired_id_reused_on_different_text(repo, tmp_path):
    # v3: ta03 (retired in v2's spec.lock) comes back meaning something else; the lock is not accepted
    work = tmp_path / "w"
    git(repo, "worktree", "add", "-q", str(work), "v2")
    try:
        text = (work / "spec.md").read_text(encoding="utf-8").replace("before payment[^ta06].\n", "before payment[^ta06].\n" + V3_EXTRA)
        write(work, {"spec.md": text})
        res = json.loads(cli(work, "diff", "v2", "--format", "json", check=0).stdout)  # v2 vs the working tree
        (ru,) = res["reused"]
        assert ru["id"] == "ta03" and ru["retired_text"] == "The booking service should offer the cheapest fare first."
        assert "ta03" not in by_id(res["added"])
        # v1 → working tree: ta03 exists on both sides, but the new side's lock says it was retired
        res = json.loads(cli(work, "diff", "v1", "--format", "json", check=0).stdout)
        assert [r["id"] for r in res["reused"]] == ["ta03"] and "ta03" not in by_id(res["reworded"])
    finally:
        git(repo, "worktree", "remove", "--force", str(work))


def test_working_tree_default_and_worktree_untouched(repo):
    before = git(repo, "status", "--porcelain", "--untracked-files=all")
    spec = repo / "spec.md"
    original = spec.read_text(encoding="utf-8")
    spec.write_text(original.replace("show the cancellation policy", "show the full cancellation policy"), encoding="utf-8")
    try:
        out = cli(repo, "diff", "HEAD", check=0).stdout
        assert "reworded  [^ta06]" in out and "{+full+}" in out
        assert git(repo, "status", "--porcelain", "--untracked-files=all") == " M spec.md\n"
    finally:
        spec.write_text(original, encoding="utf-8")
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == before


def test_directories_as_sides_and_markdown(repo, tmp_path):
    for tag in ("v1", "v2"):
        (tmp_path / tag).mkdir()
        git(repo, "worktree", "add", "-q", "--detach", str(tmp_path / tag / "ws"), tag)
    try:
        md = cli(repo, "diff", str(tmp_path / "v1" / "ws"), str(tmp_path / "v2" / "ws"), "--format", "markdown", check=0).stdout
    finally:
        for tag in ("v1", "v2"):
            git(repo, "worktree", "remove", "--force", str(tmp_path / tag / "ws"))
    assert md.startswith("### Spec changes:")
    assert "total price<ins>, taxes included,</ins> before booking" in md
    assert "| Safety of travellers (`#safety`) | `user` | `developer` | **level change** | 2 |" in md
    assert "| `spec.md#tone` | Tone | `#style` Tone and style |" in md


def test_no_changes_and_exit_code(repo):
    r = cli(repo, "diff", "v2", "v2", "--exit-code")
    assert r.returncode == 0 and "no changes" in r.stdout
    assert cli(repo, "diff", "v1", "v2", "--exit-code").returncode == 1


def test_unknown_revision_is_a_usage_error(repo):
    r = cli(repo, "diff", "no-such-rev")
    assert r.returncode == 2 and "neither a directory nor a revision" in r.stderr


def test_language_findings_only_with_the_flag(repo, v1v2):
    assert not [r for r in v1v2["findings_resolved"] if r["code"].startswith("SPEC2")]
    res = json.loads(cli(repo, "diff", "v1", "v2", "--format", "json", "--language", check=0).stdout)
    # v2 dropped “the cheapest fare” (ta03, a requirement on the booking service): its superlative finding is resolved
    assert ("superlative", "SPEC205") in {(r["rule"], r["code"]) for r in res["findings_resolved"]}
