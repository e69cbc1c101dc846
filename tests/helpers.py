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


def codes(ws, path: str | None = None) -> list[str]:
    fs = ws.all_findings() if path is None else ws.findings(path)
    return sorted(f.code for f in fs)
