"""placeholder (SPEC213) is on by default, and the document gate that keeps it cheap changes no finding.

The gate (langpass.DOC_TRIGGERS): when every enabled language rule can only fire where a document's raw text
matches a pattern, a document that matches none is not scoped.  These tests run the real CLI on real files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SPEC = """# Checkout “Express” — requirements

## Requirements

- The system MUST confirm the order within **TBD** seconds of payment.
- The system MUST show the total in the shopper’s currency.

## Rationale

We will revisit the retry policy later (TODO: ask the payments team).
"""

ESCAPED = """# Sign-in

## Functional Requirements

- **FR-001**: System MUST authenticate users via \\[NEEDS CLARIFICATION: auth method not specified\\].
- **FR-002**: System MUST lock an account after 5 failed attempts.
"""

CLEAN = """# Export

## Requirements

- The system MUST export reports as CSV.
"""


def _check(root: Path, *args: str) -> list[dict]:
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(root), "--format", "json", "--fail-on", "never", *args],
                       capture_output=True, text=True, cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin",
                                                                      "SPEC_LSP_CACHE_DIR": str(root / ".cache")})
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    return out if isinstance(out, list) else out["findings"]


def _ws(tmp_path: Path) -> Path:
    (tmp_path / "checkout.md").write_text(SPEC, encoding="utf-8")
    (tmp_path / "signin.md").write_text(ESCAPED, encoding="utf-8")
    (tmp_path / "export.md").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def _placeholders(fs):
    return sorted((f["path"], f["range"]["start"]["line"], f["range"]["start"]["character"], f["range"]["end"]["character"])
                  for f in fs if f["rule"] == "placeholder")


def test_placeholder_is_on_by_default_in_a_requirement(tmp_path):
    fs = _check(_ws(tmp_path))
    got = _placeholders(fs)
    # the TBD in the requirement (line 5, inside the bold markup) and the NEEDS CLARIFICATION marker
    assert ("checkout.md", 4, SPEC.splitlines()[4].index("TBD"), SPEC.splitlines()[4].index("TBD") + 3) in got
    assert any(p == "signin.md" for p, *_ in got)
    # the rationale's TODO is not a requirement, and the clean document has nothing
    assert not any(p == "checkout.md" and line == 9 for p, line, *_ in got)
    assert not any(p == "export.md" for p, *_ in got)


def test_ignore_turns_it_off(tmp_path):
    assert _placeholders(_check(_ws(tmp_path), "--ignore", "placeholder")) == []


def test_document_gate_changes_no_finding(tmp_path):
    ws = _ws(tmp_path)
    gated = _placeholders(_check(ws, "--select", "placeholder"))
    # with a second rule on, no document is skipped: the placeholder findings must be the same
    ungated = _placeholders(_check(ws, "--select", "placeholder,loophole"))
    assert gated and gated == ungated
