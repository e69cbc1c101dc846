"""Reuse across history without a lock: `diff OLD NEW` walks `git log OLD..NEW` for a commit in which a
reworded clause's ID was not defined at all (removed, then brought back on other text)."""

from __future__ import annotations

import json

from speckit_versions_fixture import ALBUMS, ALBUMS_SPEC, files
from versions_fixture import V1, cli, git, write, write_v1

V3_LINE = "The booking service should offer the cheapest fare first[^ta03].\n"
REUSED = "The assistant may store loyalty numbers “for later” 🎫[^ta03].\n"


def commit(root, msg):
    git(root, "add", "-A")
    git(root, "commit", "-qm", msg)


def test_removed_then_reused_in_history_is_a_reuse(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_v1(root)  # no spec.lock anywhere
    commit(root, "v1")
    git(root, "tag", "v1")
    write(root, {"spec.md": V1.replace(V3_LINE, "")})
    commit(root, "drop the cheapest-fare rule")
    write(root, {"spec.md": V1.replace(V3_LINE, REUSED)})
    commit(root, "loyalty numbers")
    res = json.loads(cli(root, "diff", "v1", "HEAD", "--format", "json", check=0).stdout)
    (r,) = res["reused"]
    assert r["id"] == "ta03" and r["retired_text"] == "The booking service should offer the cheapest fare first."
    assert "history: removed in" in r["retired_in"] and "“drop the cheapest-fare rule”" in r["retired_in"]
    assert not [x for x in res["reworded"] if x["id"] == "ta03"]
    assert res["history"] == {"commits": 1, "of": 2, "complete": True}  # stops once every candidate is decided
    text = cli(root, "diff", "v1", check=0).stdout  # the working tree (= HEAD): walks v1..HEAD
    assert "reused-id [^ta03]" in text and "drop the cheapest-fare rule" in text
    # --no-history: a plain rewording again
    res = json.loads(cli(root, "diff", "v1", "HEAD", "--format", "json", "--no-history", check=0).stdout)
    assert res["reused"] == [] and [x["id"] for x in res["reworded"]] == ["ta03"] and "history" not in res


def test_a_rewording_that_never_removed_the_id_stays_a_rewording(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_v1(root)
    commit(root, "v1")
    git(root, "tag", "v1")
    write(root, {"spec.md": V1.replace("cheapest fare first", "cheapest refundable fare first")})
    commit(root, "refundable")
    write(root, {"spec.md": V1.replace(V3_LINE, REUSED)})
    commit(root, "loyalty numbers")
    res = json.loads(cli(root, "diff", "v1", "HEAD", "--format", "json", check=0).stdout)
    assert res["reused"] == [] and [x["id"] for x in res["reworded"]] == ["ta03"]
    assert res["history"]["complete"]


def test_history_reuse_in_a_scope(tmp_path):
    """spec-kit: FR-003 removed from feature 001 in one commit, back on other text in the next."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, files())
    commit(root, "v1")
    git(root, "tag", "v1")
    line = "- **FR-003**: System MUST keep a photo in every album it was added to.\n"
    write(root, {f"{ALBUMS}/spec.md": ALBUMS_SPEC.replace(line, "")})
    commit(root, "drop FR-003")
    write(root, {f"{ALBUMS}/spec.md": ALBUMS_SPEC.replace(line, "- **FR-003**: System MUST print albums as books 📖.\n")})
    commit(root, "photo books")
    res = json.loads(cli(root, "diff", "v1", "HEAD", "--format", "json", check=0).stdout)
    (r,) = res["reused"]
    assert r["id"] == f"{ALBUMS}#FR-003" and r["display"] == "FR-003 (feature 001-photo-albums)"
