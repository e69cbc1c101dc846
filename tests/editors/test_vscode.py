"""The built .vsix in a real VS Code (code-server 4.100.3 = VS Code 1.100.3), driven by Playwright in Chromium."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXT = REPO / "editors" / "vscode"
CACHE = Path(os.environ.get("SPEC_LSP_EDITOR_CACHE", Path.home() / ".cache" / "spec-lsp-editors"))
CODE_SERVER = CACHE / "code-server" / "node_modules" / ".bin" / "code-server"
PLAYWRIGHT = CACHE / "code-server" / "node_modules" / "playwright-core"
ARTIFACTS = REPO / "tests" / "editors" / "artifacts"
pytestmark = pytest.mark.editor

missing = [what for what, ok in [("code-server", CODE_SERVER.exists()), ("playwright-core", PLAYWRIGHT.exists()),
                                 ("chromium", Path("/usr/bin/chromium").exists()), ("node", shutil.which("node") is not None)] if not ok]
needs_vscode = pytest.mark.skipif(bool(missing), reason=f"missing {', '.join(missing)}: run editors/scripts/install-editor-test-deps.sh (scripts/test.sh does)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_vsix() -> Path:
    vsix = EXT / "spec-lsp.vsix"
    sources = list((EXT / "src").glob("*.ts")) + [EXT / "package.json", EXT / "bundled" / "tool" / "launch.py"]
    sources += [p for p in (REPO / "spec_lsp").rglob("*") if p.suffix in (".py", ".md")]
    if not vsix.exists() or vsix.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        if not (EXT / "node_modules").exists():
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=EXT, check=True, capture_output=True, timeout=600)
        subprocess.run(["npm", "run", "package"], cwd=EXT, check=True, capture_output=True, timeout=600)
    return vsix


BASE_SETTINGS = {
    "security.workspace.trust.enabled": False,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "telemetry.telemetryLevel": "off",
    "editor.hover.delay": 150,
}


def drive_code_server(tmp_path: Path, fixture: str, settings: dict, cfg: dict, prepare=None, env: dict | None = None,
                      timeout: int = 400) -> dict:
    """Install the built .vsix into a fresh code-server, open `fixture`, run the Playwright script.
    `prepare(workspace)` may change the copied fixture first; `env`: code-server's environment
    (default: this one, with the checkout on PYTHONPATH)."""
    vsix = build_vsix()
    ws = tmp_path / fixture
    shutil.copytree(REPO / "fixtures" / fixture, ws)
    (ws / ".git").mkdir()
    if prepare is not None:
        prepare(ws)
    ext_dir, data_dir = tmp_path / "extensions", tmp_path / "data"
    (data_dir / "User").mkdir(parents=True)
    (data_dir / "User" / "settings.json").write_text(json.dumps({**BASE_SETTINGS, **settings}))
    env = env if env is not None else dict(os.environ, PYTHONPATH=str(REPO))
    inst = subprocess.run([str(CODE_SERVER), "--install-extension", str(vsix), "--extensions-dir", str(ext_dir), "--user-data-dir", str(data_dir)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert inst.returncode == 0, inst.stderr
    assert any(p.name.startswith("spec-lsp.spec-lsp-") for p in ext_dir.iterdir()), inst.stdout
    port = free_port()
    server = subprocess.Popen([str(CODE_SERVER), "--auth", "none", "--bind-addr", f"127.0.0.1:{port}", "--disable-telemetry",
                               "--disable-update-check", "--extensions-dir", str(ext_dir), "--user-data-dir", str(data_dir), str(ws)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/?folder={ws}"
        t0 = time.monotonic()
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except Exception:
                if time.monotonic() - t0 > 60:
                    raise AssertionError("code-server did not come up")
                time.sleep(0.5)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        run = subprocess.run(["node", str(REPO / "tests" / "editors" / "vscode_e2e" / "run.mjs")],
                             env=dict(env, SPEC_LSP_E2E=json.dumps({"url": url, "playwright": str(PLAYWRIGHT), **cfg})),
                             capture_output=True, text=True, timeout=timeout)
        lines = [ln for ln in run.stdout.splitlines() if ln.startswith("{")]
        assert lines, f"no result from the Playwright script:\n{run.stdout}\n{run.stderr}"
        return json.loads(lines[-1])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


@needs_vscode
def test_vsix_in_code_server_squiggles_hover_and_f12(tmp_path):
    shot = ARTIFACTS / "squiggles.png"
    res = drive_code_server(tmp_path, "broken", {
        "specLsp.server.command": [sys.executable, "-m", "spec_lsp", "serve"],
        "specLsp.diagnostics.debounceMs": 0,
        "specLsp.language.enabled": False,
    }, {"screenshot": str(shot), "spec": "spec.md", "tag": "pv02",
        "hoverText": "must confirm before sharing contact details", "challengeTab": "pv02.md"})
    assert res["ok"], res
    assert res["squiggles"]["error"] >= 5 and res["squiggles"]["warning"] >= 1, res["squiggles"]
    assert res["problemsStatus"] and "Errors" in res["problemsStatus"] or res["problemsStatus"].strip(), res["problemsStatus"]
    assert "[^pv02]" in res["hover"] and "Privacy" in res["hover"], res["hover"]
    assert "pv02.md" in res["activeTab"]
    assert shot.exists() and shot.stat().st_size > 10_000


@needs_vscode
def test_vsix_missing_server_shows_one_clear_message(tmp_path):
    res = drive_code_server(tmp_path, "model-spec", {"specLsp.server.command": "spec-lsp-not-installed"},
                            {"screenshot": str(ARTIFACTS / "missing-server.png"), "spec": "spec.md", "mode": "missing-server"})
    assert res["ok"], res
    ours = [t for t in res["toasts"] if "spec-lsp" in t]
    assert len(ours) == 1, res["toasts"]  # one message, not one per restart attempt
    (label,) = [t for t in res["toastLabels"] if "could not start" in t]
    assert "spec-lsp-not-installed" in label and 'pip install "spec-lsp[nlp]"' in label, label
    assert not [t for t in res["toasts"] if "spec-lsp" not in t and "Couldn't" in t], res["toasts"]


@needs_vscode
def test_vsix_attaches_to_mdx(tmp_path):
    """An `.mdx` spec gets squiggles, hover and F12 like a `.md` one (the extension's selector and `mdx` language).

    Zero-config, `.mdx` files belong to the MDX doc-spec format (no challenge files); this Model Spec-style
    document in `.mdx` asks for the Model Spec format explicitly, as a user would (`format = [...]`)."""
    def to_mdx(ws: Path) -> None:
        (ws / "spec.md").rename(ws / "spec.mdx")
        (ws / ".spec-lsp.toml").write_text('include = ["**/*.mdx", "**/*.md"]\nformat = ["model-spec"]\n')

    res = drive_code_server(tmp_path, "broken", {
        "specLsp.server.command": [sys.executable, "-m", "spec_lsp", "serve"],
        "specLsp.diagnostics.debounceMs": 0,
        "specLsp.language.enabled": False,
    }, {"screenshot": str(ARTIFACTS / "mdx.png"), "spec": "spec.mdx", "tag": "pv02",
        "hoverText": "must confirm before sharing contact details", "challengeTab": "pv02.md"}, prepare=to_mdx)
    assert res["ok"], res
    assert res["squiggles"]["error"] >= 5, res["squiggles"]
    assert "[^pv02]" in res["hover"], res["hover"]
    assert "pv02.md" in res["activeTab"]
