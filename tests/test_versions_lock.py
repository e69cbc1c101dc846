"""spec.lock: writing it, stale-evidence (SPEC520), reused-id (SPEC521), invalid-lock-file (SPEC522), and
how the workspace re-derives only what an edit of spec.lock or a clause touches."""

from __future__ import annotations

import json
import tomllib

from versions_fixture import V1, cli, write, write_v1

from spec_lsp.core.config import load_config
from spec_lsp.core.workspace import Workspace
from spec_lsp.versions.lock import LOCK_FILE, accept_edit, parse


def findings(root, code):
    r = cli(root, "check", "--no-language", "--format", "json", "--fail-on", "never", check=0)
    return [f for f in json.loads(r.stdout) if f["code"] == code]


def test_lock_is_sorted_stable_toml(tmp_path):
    write_v1(tmp_path)
    cli(tmp_path, "lock", check=0)
    text = (tmp_path / LOCK_FILE).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert list(data["clauses"]) == ["ta01", "ta02", "ta03", "ta04", "ta05"] and data["retired"] == {}
    assert data["clauses"]["ta05"]["text"] == 'The assistant should write in a friendly, "plain" register.'
    assert all(len(e["sentence"]) == 16 and len(e["evidence"]) == 16 for e in data["clauses"].values())
    cli(tmp_path, "lock", check=0)
    assert (tmp_path / LOCK_FILE).read_text(encoding="utf-8") == text  # nothing changed: byte-identical
    assert cli(tmp_path, "lock", "--check").returncode == 0
    # re-wrapping a sentence or typing ’ for ' is not a change
    write(tmp_path, {"spec.md": V1.replace("the total price before", "the total\nprice before")})
    assert cli(tmp_path, "lock", "--check").returncode == 0


def test_stale_evidence_cycle(tmp_path):
    write_v1(tmp_path)
    cli(tmp_path, "lock", check=0)
    write(tmp_path, {"spec.md": V1.replace("cheapest fare first", "cheapest refundable fare first")})
    (f,) = findings(tmp_path, "SPEC520")
    assert f["rule"] == "stale-evidence" and f["subject"] == "ta03" and f["severity"] == "warning"
    assert "review examples/ta03.md, then run `spec-lsp lock --update ta03`" in f["message"]
    assert f["range"]["start"]["line"] == V1.split("\n").index(next(ln for ln in V1.split("\n") if "[^ta03]" in ln))
    assert cli(tmp_path, "lock", "--check").returncode == 1
    cli(tmp_path, "lock", check=0)  # plain `lock` does not accept a reworded clause
    assert findings(tmp_path, "SPEC520")
    assert cli(tmp_path, "lock", "--update", "ta99").returncode == 2
    cli(tmp_path, "lock", "--update", "ta03", check=0)
    assert findings(tmp_path, "SPEC520") == []


def test_reworded_clause_with_changed_prompts_is_not_stale(tmp_path):
    write_v1(tmp_path)
    cli(tmp_path, "lock", check=0)
    write(tmp_path, {"spec.md": V1.replace("cheapest fare first", "cheapest refundable fare first")})
    p = tmp_path / "examples/ta03.md"
    p.write_text(p.read_text(encoding="utf-8").replace("to Rome", "to Rome, refundable"), encoding="utf-8")
    assert findings(tmp_path, "SPEC520") == []


def test_reused_id_cycle(tmp_path):
    write_v1(tmp_path)
    cli(tmp_path, "lock", check=0)
    removed = V1.replace("The booking service should offer the cheapest fare first[^ta03].\n", "")
    write(tmp_path, {"spec.md": removed})
    (tmp_path / "examples/ta03.md").unlink()
    cli(tmp_path, "lock", check=0)
    assert "ta03" in tomllib.loads((tmp_path / LOCK_FILE).read_text(encoding="utf-8"))["retired"]
    # back on a different sentence: an error, and `lock` refuses to accept it silently
    reused = removed.replace("## Safety", "The assistant may store loyalty numbers[^ta03].\n\n## Safety")
    write(tmp_path, {"spec.md": reused})
    (f,) = findings(tmp_path, "SPEC521")
    assert f["rule"] == "reused-id" and f["severity"] == "error" and "it said: “The booking service should offer the cheapest fare first.”" in f["message"]
    assert cli(tmp_path, "check", "--no-language", "--select", "SPEC521").returncode == 1
    assert cli(tmp_path, "lock").returncode == 1
    # back on its old sentence: restored, no finding
    write(tmp_path, {"spec.md": V1})
    assert findings(tmp_path, "SPEC521") == []
    # a deliberate reuse is accepted by naming it
    write(tmp_path, {"spec.md": reused})
    cli(tmp_path, "lock", "--update", "ta03", check=0)
    assert findings(tmp_path, "SPEC521") == []


def test_invalid_lock_file(tmp_path):
    write_v1(tmp_path)
    write(tmp_path, {LOCK_FILE: "version = 1\n[clauses]\nta01 = { sentence = 3 }\n"})
    (f,) = findings(tmp_path, "SPEC522")
    assert f["path"] == LOCK_FILE and f["range"]["start"]["line"] == 2 and "ta01" in f["message"]
    write(tmp_path, {LOCK_FILE: "version = [\n"})
    assert findings(tmp_path, "SPEC522")[0]["message"].startswith("not valid TOML")
    assert cli(tmp_path, "lock").returncode == 2


def test_workspace_rederives_only_what_the_lock_edit_touches(tmp_path):
    write_v1(tmp_path)
    write(tmp_path, {"other.md": "# Other {#other}\n\nThe assistant must log every booking[^ot01].\n"})
    cli(tmp_path, "lock", check=0)
    cfg, _ = load_config(tmp_path)
    ws = Workspace(tmp_path, cfg, paranoid=True)  # every update is compared with a fresh build
    ws.load()
    checked: list[str] = []
    orig = ws._recheck

    def spy(paths):
        paths = sorted(set(paths))
        checked.extend(paths)
        return orig(paths)

    ws._recheck = spy
    # reword a clause of spec.md: spec.md (and the clause's challenge file, which reads it) is re-checked, other.md is not
    changed = ws.set_document("spec.md", V1.replace("cheapest fare first", "cheapest fare"))
    assert "spec.md" in checked and "other.md" not in checked and changed == {"spec.md"}
    assert [f.subject for f in ws.findings("spec.md") if f.code == "SPEC520"] == ["ta03"]
    # accept ta03 through an edit of spec.lock's text: only the document holding ta03 is re-checked
    rng, new = accept_edit(ws, ["ta03"])
    lock_lines = ws.text(LOCK_FILE).split("\n")
    assert rng.end.line == rng.start.line + 1 and lock_lines[rng.start.line].startswith("ta03 = ")
    text = "\n".join(lock_lines[: rng.start.line]) + "\n" + new + "\n".join(lock_lines[rng.end.line:])
    checked.clear()
    changed = ws.set_document(LOCK_FILE, text)
    assert checked == ["spec.md"] and changed == {"spec.md"}
    assert not [f for f in ws.findings("spec.md") if f.code == "SPEC520"]
    assert parse(text).clauses["ta03"].text == "The booking service should offer the cheapest fare."
    # editing the lock entry of ot01 touches other.md only
    checked.clear()
    ws.set_document(LOCK_FILE, text.replace('ot01 = { sentence = "', 'ot01 = { sentence = "0'))
    assert checked == ["other.md"]
    # a clause reworded against the lock reads its evidence hash: a changed prompt file then re-checks it,
    # and (prompts changed too) the finding goes
    ws.set_document("spec.md", V1.replace("cheapest fare first", "cheapest fare").replace("operator’s instructions", "operator’s written instructions"))
    assert [f.subject for f in ws.findings("spec.md") if f.code == "SPEC520"] == ["ta01"]
    checked.clear()
    p = "examples/ta01.md"
    changed = ws.set_document(p, ws.text(p).replace("forbids", "forbids outright"))
    assert "spec.md" in checked and "other.md" not in checked and "spec.md" in changed
    assert [f.code for f in ws.findings("spec.md") if f.code == "SPEC520"] == []
    # removing spec.lock: no lock, no lock findings
    ws.set_document(p, ws.text(p).replace("forbids outright", "forbids"))
    assert [f.subject for f in ws.findings("spec.md") if f.code == "SPEC520"] == ["ta01"]
    assert "spec.md" in ws.remove_other_file(LOCK_FILE) and ws.lock is None
    assert [f.code for f in ws.findings("spec.md") if f.code == "SPEC520"] == []


def test_graph_json_carries_hashes(tmp_path):
    write_v1(tmp_path)
    cli(tmp_path, "lock", check=0)
    lock = tomllib.loads((tmp_path / LOCK_FILE).read_text(encoding="utf-8"))["clauses"]
    g = json.loads(cli(tmp_path, "graph", "--format", "json", check=0).stdout)
    clauses = {n["id"]: n for n in g["nodes"] if n.get("kind") == "clause"}
    assert clauses["ta02"]["sentence_hash"] == lock["ta02"]["sentence"]
    assert clauses["ta02"]["evidence_hash"] == lock["ta02"]["evidence"]
