"""The citation index's data: one immutable `CodeFile` per scanned repository file, and the scan itself.

A `CodeFile` is a pure function of the file's text, its path and the citation patterns (keyword forms
are kept as candidates and filtered by the IDs that exist when they are *resolved*), so that the
workspace can install, diff and re-check them like spec documents (spec_lsp/core/workspace.py).

The cold scan reads and scans every file; with many files it runs in a pool of worker processes
(`jobs`), each scanning a contiguous slice of the sorted list, so the result is the same in any case.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .citations import CitationScanner
from .kinds import enclosing_test, file_kind
from .repo_files import DEFAULT_MAX_BYTES, list_repo_files, read_text

POOL_THRESHOLD = 2500  # files; below this a pool costs more than it saves


@dataclass(frozen=True, slots=True)
class CodeCitation:
    id: str
    line: int  # 0-based
    start: int  # code points
    end: int
    form: str  # explicit | distinctive | keyword
    qualifier: str = ""
    test: str | None = None  # the enclosing test's name, in test files


@dataclass(frozen=True, slots=True)
class CodeFile:
    path: str
    kind: str  # test | code | config | doc
    citations: tuple[CodeCitation, ...]
    stamp: tuple[int, int] = (0, 0)  # (mtime_ns, size) when read; (0, 0) for in-memory text

    def label(self, c: CodeCitation) -> str:
        return f"{self.path}::{c.test}" if c.test else f"{self.path}:{c.line + 1}"


@dataclass(frozen=True)
class ScanSpec:
    """What a scanner is built from (picklable, so worker processes build their own)."""

    distinctive: tuple[str, ...] = ()
    explicit: tuple[str, ...] = ()

    def scanner(self) -> CitationScanner:
        return _scanner(self)


_SCANNERS: dict[ScanSpec, CitationScanner] = {}


def _scanner(spec: ScanSpec) -> CitationScanner:
    got = _SCANNERS.get(spec)
    if got is None:
        got = _SCANNERS[spec] = CitationScanner(spec.distinctive, spec.explicit, None)
    return got


def scan_text(path: str, text: str, spec: ScanSpec, stamp: tuple[int, int] = (0, 0)) -> CodeFile:
    kind = file_kind(path)
    cits = spec.scanner().scan(text)
    lines = None
    out = []
    for c in cits:
        test = None
        if kind == "test":
            if lines is None:
                lines = text.splitlines()
            test = enclosing_test(lines, c.line) if c.line < len(lines) else None
        out.append(CodeCitation(c.id, c.line, c.start, c.end, c.form, c.qualifier, test))
    return CodeFile(path, kind, tuple(out), stamp)


def stamp_of(root: Path | str, rel: str) -> tuple[int, int]:
    try:
        st = os.stat(os.path.join(str(root), rel))
        return st.st_mtime_ns, st.st_size
    except OSError:
        return (0, 0)


def scan_path(root: Path | str, rel: str, spec: ScanSpec, max_bytes: int = DEFAULT_MAX_BYTES) -> CodeFile | None:
    """Read and scan one file (None: not a regular text file inside the root)."""
    st = stamp_of(root, rel)
    text = read_text(root, rel, max_bytes)
    if text is None:
        return None
    return scan_text(rel, text, spec, st)


def _read_listed(root: str, rel: str, max_bytes: int) -> tuple[str, tuple[int, int]] | None:
    """A listed file's text: opened without following a final symlink (O_NOFOLLOW; the listing already
    kept only links that stay inside the root, read through `read_text`), regular, bounded, not binary."""
    path = os.path.join(root, rel)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        import stat as _stat

        if not _stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes or b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace"), (st.st_mtime_ns, st.st_size)


def _scan_slice(args: tuple[str, list[str], ScanSpec, int]) -> list[CodeFile]:
    root, rels, spec, max_bytes = args
    out = []
    for rel in rels:
        got = _read_listed(root, rel, max_bytes)
        if got is None:
            cf = scan_path(root, rel, spec, max_bytes)  # a symlink inside the root, or unreadable
        else:
            cf = scan_text(rel, got[0], spec, got[1])
        if cf is not None:
            out.append(cf)
    return out


def repo_files(root: Path | str, skip: Iterable[str] = (), max_bytes: int = DEFAULT_MAX_BYTES) -> list[str]:
    skip = set(skip)
    return [f.path for f in list_repo_files(root, max_bytes) if f.path not in skip]


def scan_files(root: Path | str, rels: list[str], spec: ScanSpec, jobs: int | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, CodeFile]:
    """Scan `rels` (root-relative).  `jobs`: worker processes (None or 1: in this process).  Measured on
    10,000 files (bench/results/citations.md): one process takes 1.2 s of CPU; two forked workers cost more
    CPU (fork, pickling) and were not faster on the shared 2-core machine, so a pool is opt-in
    (`--jobs 2`) and only used from POOL_THRESHOLD files."""
    if jobs is None or len(rels) < POOL_THRESHOLD:
        jobs = 1
    if jobs <= 1 or len(rels) < 2:
        return {cf.path: cf for cf in _scan_slice((str(root), rels, spec, max_bytes))}
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return {cf.path: cf for cf in _scan_slice((str(root), rels, spec, max_bytes))}
    n = len(rels)
    k = (n + jobs - 1) // jobs
    parts = [(str(root), rels[i:i + k], spec, max_bytes) for i in range(0, n, k)]
    out: dict[str, CodeFile] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as ex:
        for got in ex.map(_scan_slice, parts):
            out.update((cf.path, cf) for cf in got)
    return out
