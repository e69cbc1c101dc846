"""Retired-and-reused IDs found in git history, when no `spec.lock` recorded the retirement.

`diff OLD NEW` sees a clause whose key is on both sides with different sentences as *reworded*.  If
some commit between them (`git log OLD..NEW -- <file>`) did not define that clause at all, the ID was
removed and later brought back: a reuse, exactly what `reused-id` catches with a lock.  The walk reads
each version of the clause's file once (`git show <commit>:<path>`, cached by blob), parses it with
the file's format, and stops at a time budget (the result says how far it got).  The worktree is
never touched.
"""

from __future__ import annotations

import time
from pathlib import Path

from .identity import clause_key
from .sources import SourceError, _git

DEFAULT_BUDGET_S = 1.5
MAX_COMMITS = 500


def find_reuse(workspace_root: Path, old_rev: str, new_rev: str | None, old_snap, new_snap, keys: list[str],
               budget_s: float = DEFAULT_BUDGET_S) -> tuple[dict[str, dict], dict]:
    """For each key (a clause on both sides): the first commit in OLD..NEW (NEW: a commit, or HEAD for the
    working tree) in which neither the clause's OLD file nor its NEW file defines it.  Returns
    ({key: {"commit", "subject"}}, {"commits": examined, "of": total, "complete": bool})."""
    ws = new_snap.ws
    info = {"commits": 0, "of": 0, "complete": True}
    if not keys or ws is None:
        return {}, info
    t0 = time.perf_counter()
    top = Path(_git(workspace_root, "rev-parse", "--show-toplevel").strip()).resolve()
    prefix = Path(workspace_root).resolve().relative_to(top).as_posix()
    prefix = "" if prefix in ("", ".") else prefix + "/"
    paths_of = {k: sorted({old_snap.clauses[k].path, new_snap.clauses[k].path}) for k in keys}
    all_paths = sorted({p for ps in paths_of.values() for p in ps})
    log = _git(top, "log", "--reverse", "--format=%H%x09%s", f"--max-count={MAX_COMMITS}",
               f"{old_rev}..{new_rev or 'HEAD'}", "--", *(prefix + p for p in all_paths))
    commits = [ln.split("\t", 1) for ln in log.splitlines() if ln.strip()]
    info["of"] = len(commits)
    found: dict[str, dict] = {}
    cache: dict[tuple[str, str], frozenset[str]] = {}  # (path, blob) -> keys defined there
    for entry in commits:
        if len(found) == len(keys):
            break
        if time.perf_counter() - t0 > budget_s:
            info["complete"] = False
            break
        sha, subject = entry[0], (entry[1] if len(entry) > 1 else "")
        info["commits"] += 1
        defined: dict[str, frozenset[str]] = {}
        for path in all_paths:
            try:
                blob = _git(top, "rev-parse", "--verify", "--quiet", f"{sha}:{prefix}{path}").strip()
            except SourceError:
                blob = ""  # the file does not exist at that commit
            if (path, blob) not in cache:
                cache[(path, blob)] = _defined(ws, path, _git(top, "cat-file", "blob", blob) if blob else None)
            defined[path] = cache[(path, blob)]
        for k in keys:
            if k not in found and not any(k in defined[p] for p in paths_of[k]):
                found[k] = {"commit": sha, "subject": subject}
    return found, info


def _defined(ws, path: str, text: str | None) -> frozenset[str]:
    """The clause keys a version of `path` defines (parsed with its format); none if it did not exist."""
    if text is None:
        return frozenset()
    from ..core.document import parse_spec

    fmt = ws.format_of(path)
    doc = fmt.finish(parse_spec(path, fmt.preprocess(text), ws.parse_config(fmt, path)))
    return frozenset(clause_key(ws, path, c) for c in doc.clauses)


__all__ = ["find_reuse", "DEFAULT_BUDGET_S"]
