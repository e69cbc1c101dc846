"""Replay of the core half of the issue-9 attack set ("Never lose a byte") through the real CLI.

Each test is named after what it protects. Inputs are hostile: documents built to make a naive
parser quadratic, special files (a FIFO, a symlink to /dev/zero, a file over the size limit),
symlinks and templates that lead out of the workspace, catastrophic regular expressions, globs and
a deeply nested TOML config. The subprocess time limit is only a hang guard (a freeze would otherwise
stall CI); speed is measured in bench/bench_attacks.py, not asserted here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO

HANG_GUARD = 120  # seconds; the attacks below finish in well under a second each


def check(root: Path, *extra: str, cache: Path | None = None) -> tuple[int, list[dict], str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_CACHE_DIR=str(cache or root.parent / ".cache"))
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(root), "--format", "json", *extra],
                       capture_output=True, text=True, cwd=root, env=env, timeout=HANG_GUARD)
    assert r.returncode in (0, 1, 2), r.stderr
    return r.returncode, json.loads(r.stdout or "[]"), r.stderr


def structural(root: Path, *extra: str) -> tuple[int, list[dict], str]:
    return check(root, "--no-language", "--fail-on", "never", *extra)


def write(root: Path, rel: str, text: str) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def of(findings: list[dict], code: str, path: str | None = None) -> list[dict]:
    return [f for f in findings if f["code"] == code and (path is None or f["path"] == path)]


# --- item 6: every parsing path is linear ------------------------------------------------------


def test_5000_tags_in_one_paragraph_each_get_their_own_sentence(tmp_path):
    n = 5000
    para = " ".join(f"Rule {k} holds for every “request” 🙂.[^t{k}]" for k in range(n))
    write(tmp_path, "spec.md", f"# Rules\n\n{para}\n")
    rc, fs, err = structural(tmp_path)
    missing = of(fs, "SPEC101", "spec.md")
    assert len(missing) == n, err
    assert {f["subject"] for f in missing} == {f"t{k}" for k in range(n)}


def test_clause_sentences_are_split_once_per_paragraph_not_once_per_tag(monkeypatch):
    from spec_lsp.core import document, markdown
    from spec_lsp.core.config import Config

    calls = []
    real = document.split_sentences
    monkeypatch.setattr(document, "split_sentences", lambda t: calls.append(len(t)) or real(t))
    markdown._CACHE.clear()
    document._ABS_CACHE.clear()
    para = " ".join(f"Rule {k} holds.[^u{k}]" for k in range(300))
    doc = document.parse_spec("spec.md", f"# Rules\n\n{para}\n\nOther text.[^v1]\n", Config())
    assert len(doc.clauses) == 301
    assert len(calls) == 2  # one per paragraph that carries tags
    assert doc.clauses[7].sentence == "Rule 7 holds."
    assert doc.clauses[-1].sentence == "Other text."


HOSTILE_LINES = {
    "escaped-backticks": "\\``x" * 25_000,
    "unclosed-comments": "x " + "<!-- a " * 15_000,
    "unclosed-anchor-tags": "x " + "<a " * 33_000,
    "unclosed-tags": "[^x" * 33_000,
    "unclosed-angle-link-targets": "[a](<" * 20_000,
    "unclosed-autolinks": "<http:" * 16_000,
    "sentence-end-marks": "?!" * 50_000 + "x end.",
    "underscore-run": "x" + "_" * 100_000 + "x",
    "waiver-whitespace": "x <!-- spec-lsp: allow SPEC101" + " " * 100_000 + "x",
    "link-target-whitespace": "[a](" + " " * 100_000 + "x",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_LINES))
def test_hostile_100kb_line_parses_and_the_next_paragraph_still_counts(tmp_path, name):
    write(tmp_path, "spec.md", f"# T\n\n{HOSTILE_LINES[name]}\n\nA real clause.[^ok1]\n")
    rc, fs, err = structural(tmp_path)
    assert [f["subject"] for f in of(fs, "SPEC101")] == ["ok1"], err


def test_waiver_with_long_whitespace_still_waives(tmp_path):
    write(tmp_path, "spec.md", "# T\n\nA clause.[^w1] <!-- spec-lsp: allow SPEC101" + " " * 50_000 + "-- tested elsewhere -->\n")
    rc, fs, err = structural(tmp_path, "--show-waived")
    (f,) = of(fs, "SPEC101")
    assert f["waived"] is True or f.get("waiverReason") == "tested elsewhere", f


# --- item 8: only regular files are read, bounded --------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_named_like_a_spec_is_reported_not_read(tmp_path):
    write(tmp_path, "spec.md", "# T\n\nA clause.[^a1]\n")
    os.mkfifo(tmp_path / "pipe.md")
    rc, fs, err = structural(tmp_path)
    (f,) = of(fs, "SPEC002", "pipe.md")
    assert "named pipe" in f["message"] and "not read" in f["message"]
    assert of(fs, "SPEC101", "spec.md")  # the rest is checked as usual


def test_symlink_to_dev_zero_is_never_read(tmp_path):
    write(tmp_path, "spec.md", "# T\n\nA clause.[^a1]\n")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    rc, fs, err = structural(tmp_path)
    assert not [f for f in fs if f["path"] == "zero.md"]  # outside the workspace: skipped
    rc, fs, err = structural(tmp_path, "--follow-symlinks")  # followed on request: a device, not read
    (f,) = of(fs, "SPEC002", "zero.md")
    assert "device" in f["message"]


def test_file_over_8_mib_is_reported_not_indexed(tmp_path):
    write(tmp_path, "spec.md", "# T\n\nA clause.[^a1]\n")
    with open(tmp_path / "huge.md", "wb") as fh:
        fh.write(b"# Huge\n\nA clause.[^h1]\n")
        fh.truncate(9 * 1024 * 1024)
    rc, fs, err = structural(tmp_path)
    (f,) = of(fs, "SPEC002", "huge.md")
    assert "8 MiB" in f["message"]
    assert not [f for f in fs if f["subject"] == "h1"]


# --- item 9: catastrophic patterns --------------------------------------------------------------


def test_nested_quantifier_id_pattern_is_a_config_error(tmp_path):
    write(tmp_path, ".spec-lsp.toml", 'id-patterns = ["(a+)+$", "REQ-\\\\d+"]\n')
    write(tmp_path, "spec.md", "# T\n\nREQ-1: The system shall log.\n\n" + "a" * 5000 + "b\n\nSee REQ-2.\n")
    rc, fs, err = structural(tmp_path)
    assert rc == 2
    (f,) = of(fs, "SPEC001")
    assert f["path"] == ".spec-lsp.toml" and "(a+)+$" in f["message"] and "repeat" in f["message"]
    assert "config error: .spec-lsp.toml: id-patterns:" in err
    assert [g["subject"] for g in of(fs, "SPEC122")] == ["REQ-2"]  # the good pattern still works


def test_slow_id_pattern_is_stopped_by_its_time_budget(tmp_path):
    # not a nested unbounded repeat (so the config accepts it), yet polynomial of degree 15
    write(tmp_path, ".spec-lsp.toml", 'id-patterns = ["(.*,){15}Z"]\n')
    write(tmp_path, "spec.md", "# T\n\n" + "," * 400 + "\n\nA clause.[^a1]\n")
    rc, fs, err = structural(tmp_path)
    slow = of(fs, "SPEC001", "spec.md")
    assert slow and "took too long" in slow[0]["message"] and slow[0]["range"]["start"]["line"] == 2
    assert of(fs, "SPEC101", "spec.md")


def test_optional_id_group_is_a_config_error_not_a_crash(tmp_path):
    write(tmp_path, ".spec-lsp.toml", 'id-patterns = ["(?P<id>FR-\\\\d+)?REQ"]\n')
    write(tmp_path, "spec.md", "# T\n\nREQ: The system shall log.\n\nSee REQ and FR-1REQ.\n")
    rc, fs, err = structural(tmp_path)
    assert rc == 2 and "Traceback" not in err
    (f,) = of(fs, "SPEC001")
    assert f["subject"] == "id-patterns" and "unset" in f["message"]


def test_backtracking_include_glob_finishes_and_matches_like_gitignore(tmp_path):
    write(tmp_path, ".spec-lsp.toml", 'include = ["' + "*a" * 20 + '*b.md", "**/' + "**/" * 20 + 'keep*.md"]\n')
    write(tmp_path, "a" * 200 + ".md", "# T\n\nNot included.[^n1]\n")
    write(tmp_path, "x/y/keep-me.md", "# T\n\nIncluded.[^k1]\n")
    rc, fs, err = structural(tmp_path)
    assert [f["subject"] for f in of(fs, "SPEC101")] == ["k1"], err


def test_globs_keep_their_documented_gitignore_semantics():
    from spec_lsp.core.config import Config, path_included

    cfg = Config(include=("**/*.md",), exclude=("drafts/**", "README.md", "notes/"))
    assert path_included("spec.md", cfg) and path_included("a/b/spec.md", cfg)
    assert not path_included("drafts/x.md", cfg) and not path_included("drafts/a/b.md", cfg)
    assert not path_included("README.md", cfg) and not path_included("sub/README.md", cfg)  # a bare name: any depth
    assert not path_included("notes/n.md", cfg) and path_included("mynotes/n.md", cfg)
    assert not path_included("spec.txt", cfg) and not path_included(".git/x.md", cfg)
    assert path_included("a/.hidden.md", cfg)
    assert path_included("x.md", Config(include=("./*.md",))) and not path_included("a/x.md", Config(include=("./*.md",)))
    assert path_included("a/b/x.md", Config(include=("a/*/x.md",))) and not path_included("a/b/c/x.md", Config(include=("a/*/x.md",)))


def test_deeply_nested_toml_is_a_config_error_and_defaults_apply(tmp_path):
    write(tmp_path, ".spec-lsp.toml", "x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    write(tmp_path, "spec.md", "# T\n\nA clause.[^a1]\n")
    rc, fs, err = structural(tmp_path)
    assert rc == 2 and "Traceback" not in err
    (f,) = of(fs, "SPEC001")
    assert "nested too deeply" in f["message"]
    assert of(fs, "SPEC101", "spec.md")  # the defaults are used: the clause needs examples/a1.md


# --- item 11: nothing outside the workspace ------------------------------------------------------


def test_symlink_out_of_the_workspace_is_not_indexed(tmp_path):
    root, outside = tmp_path / "ws", tmp_path / "outside"
    write(root, "spec.md", "# T\n\nA clause.[^a1]\n")
    write(outside, "secret.md", "# Secret\n\nSecret text.[^sec1]\n")
    (root / "leak.md").symlink_to(outside / "secret.md")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    rc, fs, err = structural(root)
    assert not [f for f in fs if f["subject"] == "sec1" or f["path"].startswith(("leak", "linked"))]
    rc, fs, err = structural(root, "--follow-symlinks")  # only on explicit request
    assert {f["path"] for f in fs if f["subject"] == "sec1"} == {"leak.md", "linked/secret.md"}


def test_repository_config_cannot_follow_symlinks(tmp_path):
    root, outside = tmp_path / "ws", tmp_path / "outside"
    write(root, ".spec-lsp.toml", "follow-symlinks = true\n")
    write(root, "spec.md", "# T\n\nA clause.[^a1]\n")
    write(outside, "secret.md", "# Secret\n\nSecret text.[^sec1]\n")
    (root / "leak.md").symlink_to(outside / "secret.md")
    rc, fs, err = structural(root)
    assert rc == 2
    (f,) = of(fs, "SPEC001")
    assert f["subject"] == "follow-symlinks"
    assert not [f for f in fs if f["subject"] == "sec1"]


@pytest.mark.parametrize("template", ["../outside/{id}.md", "/tmp/{id}.md", "examples/../../{id}.md"])
def test_challenge_template_leaving_the_workspace_is_a_config_error(tmp_path, template):
    write(tmp_path, ".spec-lsp.toml", f'challenge-files = ["{template}"]\n')
    write(tmp_path, "spec.md", "# T\n\nA clause.[^a1]\n")
    write(tmp_path, "examples/a1.md", "Examples for [^a1] in T:\n\n**Example**: e\n\n~~~xml\n<user>\nhi\n</user>\n~~~\n")
    rc, fs, err = structural(tmp_path)
    assert rc == 2
    (f,) = of(fs, "SPEC001")
    assert f["subject"] == "challenge-files" and "inside the workspace" in f["message"]
    assert not of(fs, "SPEC101")  # the default template (examples/{id}.md) is used


def test_repository_config_cannot_move_the_cache(tmp_path):
    evil = tmp_path / "evil-cache"
    root = tmp_path / "ws"
    # (a language rule is turned on so that the language pass runs and writes its cache)
    write(root, ".spec-lsp.toml", f'[rules]\nsubjective-language = "information"\n[language]\ncache-dir = "{evil.as_posix()}"\n')
    write(root, "spec.md", "# T\n\nThe assistant should respond quickly.[^a1] The interface must be intuitive.\n")
    rc, fs, err = check(root, "--fail-on", "never", cache=tmp_path / "user-cache")
    assert rc == 2
    (f,) = of(fs, "SPEC001")
    assert f["subject"] == "language.cache-dir"
    assert not evil.exists()
    assert (tmp_path / "user-cache").exists()  # the user-level location (SPEC_LSP_CACHE_DIR) is used


def test_editor_settings_may_move_the_cache_and_follow_symlinks():
    from spec_lsp.core.config import Config, load_config, merged

    file_cfg = Config(source=".spec-lsp.toml", include=("**/*.md",))
    cfg, probs = merged(file_cfg, {"followSymlinks": True, "language": {"cacheDir": "/u/cache"}}, [])
    assert probs == [] and cfg.follow_symlinks and cfg.language.cache_dir == "/u/cache"
    assert cfg.include == ("**/*.md",)
    _ = load_config
