"""The clauses of a base revision (`diff.base`, e.g. origin/main), for the editor's hover.

Read once per commit with `git archive` (never touching the worktree) and cached; a moved branch
(after a fetch) resolves to a new commit and is read again.
"""

from __future__ import annotations

import threading
from pathlib import Path

from .sources import SourceError, _git, open_side

_cache: dict[tuple[str, str], dict[str, str]] = {}
_lock = threading.Lock()


def base_hashes(root: Path, rev: str) -> tuple[str, dict[str, str]]:
    """(label, clause key -> sentence hash) of `rev` for the workspace at `root`. Raises SourceError."""
    from .snapshot import load_workspace, snapshot

    sha = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    key = (str(root.resolve()), sha)
    with _lock:
        got = _cache.get(key)
    if got is None:
        side = open_side(sha, root)
        try:
            snap = snapshot(load_workspace(side.root), rev)
        finally:
            side.close()
        got = {k: c.shash for k, c in snap.clauses.items()}
        with _lock:
            _cache[key] = got
    return rev, got


__all__ = ["base_hashes", "SourceError"]
