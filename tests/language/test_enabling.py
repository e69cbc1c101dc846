"""A default-off language rule turns on with a severity in `[rules]` or with `--select`, through the real CLI
(subprocess); the server side is tests/lsp/test_language_enabling.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SPEC = """# Pronouns {#pronouns}

## Sessions {#sessions}

The client sends the token to the server, and it MUST validate the token before the session starts.
The gateway MUST forward the request to the backend.
"""


def run(root: Path, *args: str, cache: Path) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_CACHE_DIR=str(cache))
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(root), "--format", "json", "--fail-on", "never", *args],
                       capture_output=True, text=True, cwd=REPO, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture()
def ws(tmp_path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "spec.md").write_text(SPEC, encoding="utf-8")
    (root / ".spec-lsp.toml").write_text('[rules]\nmissing-challenge-file = "off"\n', encoding="utf-8")
    return root


def codes(fs: list[dict]) -> set[str]:
    return {f["code"] for f in fs}


def test_default_off_rule_is_off_then_select_turns_it_on(ws, tmp_path):
    assert "SPEC211" not in codes(run(ws, cache=tmp_path / "c"))
    fs = run(ws, "--select", "SPEC211", cache=tmp_path / "c")
    assert codes(fs) == {"SPEC211"}
    assert fs[0]["rule"] == "ambiguous-pronoun" and "“it”" in fs[0]["message"]


def test_a_severity_in_rules_turns_it_on(ws, tmp_path):
    (ws / ".spec-lsp.toml").write_text('[rules]\nmissing-challenge-file = "off"\nambiguous-pronoun = "warning"\n', encoding="utf-8")
    fs = [f for f in run(ws, cache=tmp_path / "c") if f["code"] == "SPEC211"]
    assert fs and fs[0]["severity"] == "warning"
