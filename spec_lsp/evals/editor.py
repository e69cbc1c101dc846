"""What the editor shows of evals, without LSP types (spec_lsp/lsp/evals_lens.py is the LSP edge).

* Export for one clause: every format into `<root>/.spec-lsp/evals/export/<clause id>/` — inside the
  workspace, from the index (so unsaved edits count); nothing is written anywhere else.
* The last report: `<root>/.spec-lsp/evals/report.json`, the default output of `spec-lsp evals run`;
  its per-clause pass rates appear in the clause hover. Re-read only when the file's mtime changes.
"""

from __future__ import annotations

from pathlib import Path

from .collect import collect
from .export import FORMATS, export
from .report import load_pass_rates

REPORT_PATH = ".spec-lsp/evals/report.json"
EXPORT_DIR = ".spec-lsp/evals/export"

_rates_cache: dict[Path, tuple[float, dict]] = {}


def pass_rates(root: Path) -> dict[str, tuple[int, int, str]]:
    p = Path(root) / REPORT_PATH
    try:
        mtime = p.stat().st_mtime
    except OSError:
        _rates_cache.pop(p, None)
        return {}
    hit = _rates_cache.get(p)
    if hit is not None and hit[0] == mtime:
        return hit[1]
    got = load_pass_rates(p)
    _rates_cache[p] = (mtime, got)
    return got


class ExportRefused(ValueError):
    pass


def export_clause(ws, clause_id: str) -> list[Path]:
    """Write every export format for one clause under the workspace; the written files, main one first."""
    root = Path(ws.root).resolve()
    base = (root / EXPORT_DIR).resolve()
    target = (base / clause_id).resolve()
    if target.parent != base or not clause_id or clause_id.startswith("."):
        raise ExportRefused(f"“{clause_id}” cannot name a folder inside {EXPORT_DIR}")
    from .collect import SelectError

    try:
        items = collect(ws, (clause_id,))
    except SelectError:
        items = []
    items = [it for it in items if it.id == clause_id]
    if not items or not any(it.prompts for it in items):
        raise ExportRefused(f"[^{clause_id}] has no challenge prompts to export")
    written: list[Path] = []
    for fmt in ("promptfoo",) + tuple(f for f in FORMATS if f != "promptfoo"):
        written += export(items, fmt, target, name=clause_id)
    return written


__all__ = ["pass_rates", "export_clause", "REPORT_PATH", "EXPORT_DIR", "ExportRefused"]
