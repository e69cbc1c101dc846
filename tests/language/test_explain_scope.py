"""`spec-lsp check --explain-scope FILE` through the real CLI: which sentences the language rules read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SPEC = """# Widget protocol

The key words "MUST" and "SHOULD" in this document are to be interpreted as described in BCP 14 [RFC2119] [RFC8174].

## Specification

The server MUST reject a request without a token.
Clients must retry once.
Clients should log the retry.

- [ ] T001 The client must log every call.

## Rationale

The server MUST be fast, because users wait.
"""


def test_explain_scope_lists_read_and_skipped_sentences(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / ".spec-lsp.toml").write_text("", encoding="utf-8")
    (root / "spec.md").write_text(SPEC, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_CACHE_DIR=str(tmp_path / "c"))
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", "--explain-scope", str(root / "spec.md")],
                       capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0].startswith("# BCP 14 declared in spec.md")
    line = {x.split("]  ", 1)[-1]: x for x in out if not x.startswith("#")}
    assert ": READ " in line["The server MUST reject a request without a token."]
    assert ":8: READ " in line["Clients must retry once."]
    # RFC 8174: in a document that declares BCP 14, a lower-case "should" is advice, not a requirement
    assert ":9: skip " in line["Clients should log the retry."] and "RFC 8174" in line["Clients should log the retry."]
    assert ": skip " in line["[ ] T001 The client must log every call."] and "task" in line["[ ] T001 The client must log every call."]
    assert "Rationale" in line["The server MUST be fast, because users wait."]
    assert "declaration" in [x for k, x in line.items() if k.startswith("The key words")][0]
    assert out[-1] == "# 2 of 9 sentences are read by the language rules"
