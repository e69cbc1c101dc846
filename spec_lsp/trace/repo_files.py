"""The repository's text files, as git sees them: what is tracked or untracked-but-not-ignored.

In a git repository the list comes from ``git ls-files --cached --others --exclude-standard`` (git
itself applies every ``.gitignore``, ``.git/info/exclude`` and the global excludes file).  Outside
git, ``.gitignore`` files are applied with ``pathspec``'s ``GitIgnoreSpec`` (the well-kept
implementation of git's wildmatch rules), each to the directory it sits in.

Only regular files inside the root are returned: symlinks are followed only when they resolve
inside the root, FIFOs and devices are never opened, and files over the size limit are left out.
"""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Directories that are never a repository's own text, whatever .gitignore says.
ALWAYS_SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".cache",
})
# File endings that are never text worth scanning (checked before reading).
BINARY_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".bmp", ".tiff", ".pdf", ".zip", ".gz", ".tgz", ".bz2",
    ".xz", ".7z", ".rar", ".jar", ".war", ".class", ".so", ".dylib", ".dll", ".exe", ".o", ".a", ".pyc", ".pyo",
    ".whl", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".mov", ".avi", ".wav", ".ogg", ".flac",
    ".sqlite", ".sqlite3", ".db", ".bin", ".dat", ".pkl", ".npy", ".npz", ".parquet", ".onnx", ".pt", ".vsix",
})
DEFAULT_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class RepoFile:
    path: str  # root-relative, '/'-separated
    size: int


def _inside(root_real: str, p: str) -> bool:
    try:
        real = os.path.realpath(p)
    except OSError:
        return False
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _regular(root: Path, root_real: str, rel: str, max_bytes: int) -> RepoFile | None:
    if os.path.splitext(rel)[1].lower() in BINARY_SUFFIXES:
        return None
    parts = rel.split("/")
    if any(p in ALWAYS_SKIPPED_DIRS for p in parts[:-1]):
        return None
    full = os.path.join(str(root), rel)
    try:
        st = os.lstat(full)
        if stat.S_ISLNK(st.st_mode):
            if not _inside(root_real, full):
                return None
            st = os.stat(full)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
        return None
    return RepoFile(rel, st.st_size)


def git_toplevel(root: Path) -> Path | None:
    try:
        r = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                           timeout=20, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    if r.returncode != 0 or not r.stdout.strip():
        return None
    return Path(r.stdout.strip())


def _git_ls_files(root: Path) -> list[str] | None:
    try:
        r = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                            "--", "."], capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    if r.returncode != 0:
        return None
    out = []
    seen = set()
    for raw in r.stdout.split(b"\0"):
        if not raw:
            continue
        rel = raw.decode("utf-8", errors="surrogateescape")
        if rel not in seen:  # --cached lists each stage of a conflicted file
            seen.add(rel)
            out.append(rel)
    return out


def _walk_with_gitignore(root: Path) -> list[str]:
    import pathspec

    out: list[str] = []
    specs: list[tuple[str, "pathspec.GitIgnoreSpec"]] = []  # (dir prefix, spec) from outer to inner
    root_s = str(root)
    for dirpath, dirnames, filenames in os.walk(root_s):
        rel_dir = os.path.relpath(dirpath, root_s)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        # drop specs of directories we have left
        specs = [(pre, sp) for pre, sp in specs if rel_dir.startswith(pre)]
        if ".gitignore" in filenames:
            try:
                with open(os.path.join(dirpath, ".gitignore"), encoding="utf-8", errors="replace") as fh:
                    specs.append((rel_dir, pathspec.GitIgnoreSpec.from_lines(_safe_lines(fh.read()))))
            except OSError:
                pass

        def ignored(rel: str, is_dir: bool) -> bool:
            for pre, sp in specs:
                sub = rel[len(pre):] + ("/" if is_dir else "")
                if sp.match_file(sub):
                    return True
            return False

        keep = []
        for d in sorted(dirnames):
            if d in ALWAYS_SKIPPED_DIRS or ignored(rel_dir + d, True):
                continue
            if os.path.islink(os.path.join(dirpath, d)):
                continue  # never walk through a directory link (loops, escapes)
            keep.append(d)
        dirnames[:] = keep
        for fn in sorted(filenames):
            rel = rel_dir + fn
            if not ignored(rel, False):
                out.append(rel)
    return out


def list_repo_files(root: Path | str, max_bytes: int = DEFAULT_MAX_BYTES, use_git: bool = True) -> list[RepoFile]:
    """Every regular text-candidate file under `root` that git would show, sorted by path."""
    root = Path(root)
    root_real = os.path.realpath(root)
    rels = _git_ls_files(root) if use_git and git_toplevel(root) is not None else None
    if rels is None:
        rels = _walk_with_gitignore(root)
    out = []
    for rel in sorted(set(rels)):
        f = _regular(root, root_real, rel, max_bytes)
        if f is not None:
            out.append(f)
    return out


def read_text(root: Path | str, rel: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """The file's text, or None when it is not a regular file inside the root, too large, or binary."""
    root = Path(root)
    f = _regular(root, os.path.realpath(root), rel, max_bytes)
    if f is None:
        return None
    try:
        with open(os.path.join(str(root), rel), "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError:
        return None
    if len(data) > max_bytes or b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


_MAX_WILDCARDS = 3  # single `*` per line: `*a*a*a*a*a*a*x` takes 6 s on a 60-character name, 4 take 0.1 s


def _safe_lines(text: str) -> list[str]:
    """A .gitignore's patterns, less the ones whose translation to a regular expression could backtrack
    for minutes (many single `*` in one line: a hostile repository's .gitignore must not freeze the
    scan). Real .gitignore lines have one or two wildcards; git itself is used inside a repository."""
    return [ln for ln in text.splitlines()[:10_000] if ln.replace("**", "").count("*") <= _MAX_WILDCARDS and len(ln) <= 1000]


def is_ignored(root: Path | str, rel: str) -> bool:
    """Whether the listing would leave `rel` out: ignored by git (`git check-ignore`, or the `.gitignore`
    files on its path outside git), inside an always-skipped directory, or a binary by its ending."""
    parts = rel.split("/")
    if any(p in ALWAYS_SKIPPED_DIRS for p in parts[:-1]) or os.path.splitext(rel)[1].lower() in BINARY_SUFFIXES:
        return True
    root = Path(root)
    if git_toplevel(root) is not None:
        try:
            r = subprocess.run(["git", "-C", str(root), "check-ignore", "-q", "--", rel], capture_output=True, timeout=20,
                               stdin=subprocess.DEVNULL)
            return r.returncode == 0
        except (OSError, subprocess.SubprocessError):
            return False
    import pathspec

    for i in range(len(parts)):
        gi = root.joinpath(*parts[:i], ".gitignore")
        if gi.is_file():
            try:
                sp = pathspec.GitIgnoreSpec.from_lines(_safe_lines(gi.read_text(encoding="utf-8", errors="replace")))
            except OSError:
                continue
            sub = "/".join(parts[i:])
            if sp.match_file(sub) or any(sp.match_file("/".join(parts[i:j]) + "/") for j in range(i + 1, len(parts))):
                return True
    return False
