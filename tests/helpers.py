from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
CORPORA = Path(os.environ.get("SPEC_LSP_CORPORA", REPO.parent / "shared" / "corpora"))
MODEL_SPEC = CORPORA / "openai__model_spec"
EIPS = CORPORA / "ethereum__EIPs"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def needs_corpus(path: Path):
    return pytest.mark.skipif(not path.exists(), reason=f"corpus not available: {path}")


def memory_workspace(files: dict[str, str], config=None, paranoid: bool = True):
    """A workspace built from in-memory texts (no disk), checked like a real one."""
    from spec_lsp.core.config import Config
    from spec_lsp.core.workspace import Workspace

    ws = Workspace(Path("/nonexistent-root"), config or Config(), paranoid=paranoid)
    for p, t in files.items():
        ws._put(p, t)
    ws.recheck_all()
    return ws


def _put_all(ws, files: dict[str, str]) -> None:
    """Spec documents are parsed; any other file (code, tests, YAML…) is scanned for citations."""
    from spec_lsp.trace.index import scan_text

    others = {}
    for p, t in files.items():
        if ws.is_spec_path(p):
            ws._put(p, t)
        else:
            others[p] = t
    spec = ws.scan_spec()
    for p, t in others.items():
        ws._put_code(p, scan_text(p, t, spec))
    ws.citations_loaded = bool(others)
    ws.recheck_all()


def codes(ws, path: str | None = None) -> list[str]:
    fs = ws.all_findings() if path is None else ws.findings(path)
    return sorted(f.code for f in fs)


def check(files: dict[str, str], expect, select: str, config=None, paranoid: bool = True):
    """Run ONE rule (`select`: a code or name) on an in-memory workspace and compare its findings.

    `expect` is a list of `(path, line)` (1-based line) or `(path, line, text)` where `text` must occur
    in the message; order does not matter.  Only the selected rule's findings are compared, so a new
    rule never breaks this test.  Returns the findings for further assertions."""
    from spec_lsp.core.config import Config
    from spec_lsp.core.rules import find_rule
    from spec_lsp.core.workspace import Workspace

    r = find_rule(select)
    assert r is not None, f"no rule {select!r}"
    ws = Workspace(Path("/nonexistent-root"), config or Config(), paranoid=paranoid, select=(r.code,))
    _put_all(ws, files)
    got = [f for f in ws.all_findings() if f.code == r.code]
    have = sorted((f.path, f.range.start.line + 1) for f in got)
    want = sorted((e[0], e[1]) for e in expect)
    assert have == want, f"{r.code} {r.name}: expected {want}, got " + "; ".join(
        f"{f.path}:{f.range.start.line + 1} {f.message}" for f in got)
    for e in expect:
        if len(e) > 2:
            assert any(f.path == e[0] and f.range.start.line + 1 == e[1] and e[2] in f.message for f in got), \
                f"no {r.code} message at {e[0]}:{e[1]} containing {e[2]!r}"
    return got
