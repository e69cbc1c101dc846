"""One side of a diff: a directory, or a git revision read with `git archive` into a temporary tree.

The user's worktree is never touched: no checkout, no stash; only `git rev-parse` and `git archive`.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..core.config import find_root


class SourceError(Exception):
    pass


@dataclass
class Side:
    label: str
    root: Path
    tmp: tempfile.TemporaryDirectory | None = None
    rev: str | None = None  # the commit, for a revision

    def close(self) -> None:
        if self.tmp is not None:
            self.tmp.cleanup()
            self.tmp = None


def _git(cwd: Path, *args: str, binary: bool = False):
    try:
        r = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True)
    except FileNotFoundError as e:
        raise SourceError("git is not installed") from e
    if r.returncode != 0:
        raise SourceError(r.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return r.stdout if binary else r.stdout.decode("utf-8", "replace")


def workspace_root(start: Path) -> Path:
    return find_root(start)


def open_side(spec: str, workspace: Path) -> Side:
    """`spec` is a directory (used as it is) or a revision of the repository holding `workspace`."""
    p = Path(spec)
    if p.is_dir():
        return Side(spec, find_root(p))
    try:
        top = Path(_git(workspace, "rev-parse", "--show-toplevel").strip()).resolve()
    except SourceError as e:
        raise SourceError(f"“{spec}” is not a directory, and {workspace} is not in a git repository ({e})") from e
    try:
        sha = _git(workspace, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}").strip()
    except SourceError:
        raise SourceError(f"“{spec}” is neither a directory nor a revision of {top}") from None
    prefix = workspace.resolve().relative_to(top).as_posix()
    args = ["archive", "--format=tar", sha]
    if prefix not in ("", "."):
        args += ["--", prefix]
    data = _git(top, *args, binary=True)
    tmp = tempfile.TemporaryDirectory(prefix="spec-lsp-diff-")
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as tf:
            tf.extractall(tmp.name, filter="data")
    except (tarfile.TarError, OSError) as e:
        tmp.cleanup()
        raise SourceError(f"cannot unpack {spec}: {e}") from e
    root = Path(tmp.name) / prefix if prefix not in ("", ".") else Path(tmp.name)
    root.mkdir(parents=True, exist_ok=True)
    return Side(f"{spec} ({sha[:8]})", root, tmp, sha)
