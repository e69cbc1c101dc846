"""`spec-lsp trace` (the traceability matrix) and `spec-lsp rename` (a clause ID across the repository).
Registered in spec_lsp/cli.py; they call the same entry points as the language server."""

from __future__ import annotations

import difflib
import os
import sys
import tempfile
from pathlib import Path

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def register(sub) -> None:
    t = sub.add_parser("trace", help="traceability matrix: each clause's evidence (prompts, scenarios, tasks, tests) and citations")
    t.add_argument("paths", nargs="*", metavar="PATH")
    t.add_argument("--format", choices=("text", "markdown", "json", "csv", "html"), default="text")
    t.add_argument("--fail-under", type=float, metavar="PERCENT", help="exit 1 when fewer than PERCENT %% of the clauses have evidence")
    t.add_argument("-o", "--output", metavar="FILE")
    t.add_argument("--config", metavar="FILE")
    t.add_argument("--jobs", type=int, default=None, help="processes for the citation scan (default 1; 2+ forks workers for repositories of 2,500+ files)")

    r = sub.add_parser("rename", help="rename a clause ID everywhere: spec, challenge file (moved), citations in code and tests")
    r.add_argument("old", metavar="OLD", help="the clause ID (`SCOPE/ID` when it is defined in several scopes, e.g. `001-photo-albums/FR-001`)")
    r.add_argument("new", metavar="NEW")
    r.add_argument("-C", dest="directory", default=".", metavar="DIR", help="a directory inside the workspace (default: .)")
    r.add_argument("--dry-run", action="store_true", help="print a unified diff; change nothing")
    r.add_argument("--config", metavar="FILE")


def _err(msg: str, code: int = EXIT_USAGE) -> int:
    sys.stderr.write(f"spec-lsp: error: {msg}\n")
    return code


def _open(paths, config, jobs=None):
    from ..cli import _open_workspace

    ws, _problems, only = _open_workspace(paths, config)
    ws.load()
    ws.load_citations(jobs)
    return ws, only


def cmd_trace(a) -> int:
    from ..cli import _in_scope
    from .build import build_matrix
    from .matrix import RENDERERS

    if a.fail_under is not None and not 0 <= a.fail_under <= 100:
        return _err("--fail-under takes a percentage between 0 and 100")
    ws, only = _open(a.paths, a.config, a.jobs)
    m = build_matrix(ws, (lambda p: _in_scope(p, only)) if only is not None else None)
    text = RENDERERS[a.format](m)
    if a.output:
        Path(a.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if a.fail_under is not None and m.coverage + 1e-9 < a.fail_under:
        sys.stderr.write(f"spec-lsp: coverage {m.coverage:.1f}% is below --fail-under {a.fail_under:g}%"
                         f" ({len(m.rows) - m.covered} of {len(m.rows)} clauses have no evidence)\n")
        return EXIT_FAIL
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# rename


def symbol_for_id(ws, old: str):
    """The clause symbol `old` names (`ID`, or `SCOPE/ID` for formats with scopes)."""
    import posixpath

    from ..core.navigation import RenameError, Symbol, _scope

    cid, q = old, ""
    if "/" in old and not ws.clause_entries(old):
        q, cid = old.rsplit("/", 1)
    entries = [(p, c) for p, c, _t in ws.clause_entries(cid) if ws.format_of(p).citable(p)]
    if not entries:
        raise RenameError(f"No clause carries the ID “{cid}”.")
    scopes = {}
    for p, c in entries:
        scopes.setdefault(_scope(ws, p), []).append((p, c))
    if q:
        hits = [s for s in scopes if s is not None and (s == q or posixpath.basename(s) == q)]
        if len(hits) != 1:
            raise RenameError(f"“{q}” names no scope that defines “{cid}” (scopes: {', '.join(sorted(str(s) for s in scopes))}).")
        scope = hits[0]
    elif len(scopes) > 1:
        eg = sorted(s for s in scopes if s)[0]
        raise RenameError(f"“{cid}” is defined in {len(scopes)} scopes ({', '.join(sorted(str(s) for s in scopes))}); "
                          f"name one, e.g. `{posixpath.basename(eg)}/{cid}`.")
    else:
        scope = next(iter(scopes))
    p, c = scopes[scope][0]
    return Symbol("clause", cid, "", c.tag_range or c.range, "definition", scope)


def apply_edits(text: str, edits) -> str:
    """Apply (Range, new text) edits (0-based lines, code-point columns; lines end at \\n, \\r\\n or \\r)."""
    import re

    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def off(pos) -> int:
        if pos.line >= len(starts):
            return len(text)
        return min(starts[pos.line] + pos.character, len(text))

    out = text
    for rng, new in sorted(edits, key=lambda e: (e[0].start.line, e[0].start.character), reverse=True):
        a, b = off(rng.start), off(rng.end)
        out = out[:a] + new + out[b:]
    return out


def plan_contents(ws, plan) -> list[tuple[str, str | None, str, str]]:
    """(old path, new path or None, old text, new text) for every file the plan touches."""
    moves = dict(plan.file_renames)
    out = []
    for path in sorted(set(plan.edits) | set(moves)):
        raw = (ws.root / path).read_bytes()
        old_text = raw.decode("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8")
        new_text = apply_edits(old_text, plan.edits.get(path, []))
        out.append((path, moves.get(path), old_text, new_text))
    return out


def write_all_or_nothing(root: Path, changes: list[tuple[str, str | None, str, str]]) -> None:
    """Write every change, or none: new contents go to temporary files next to their targets first; then
    each is moved into place (os.replace); on any failure the files already replaced are restored, the
    moved-to files removed, and the error raised."""
    staged: list[tuple[Path, Path, Path | None, bytes]] = []  # (tmp, target, old path to remove, original bytes)
    try:
        for old, new, _ot, nt in changes:
            target = root / (new or old)
            if new is not None and target.exists():
                raise OSError(f"{new} already exists")
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".spec-lsp-rename-", dir=str(target.parent))
            with os.fdopen(fd, "wb") as fh:
                fh.write(nt.encode("utf-8"))
            src = root / old
            try:
                os.chmod(tmp, src.stat().st_mode & 0o7777)
            except OSError:
                pass
            staged.append((Path(tmp), target, src if new is not None else None, src.read_bytes()))
    except BaseException:
        for tmp, *_ in staged:
            tmp.unlink(missing_ok=True)
        raise
    done: list[tuple[Path, Path | None, bytes]] = []
    try:
        for tmp, target, old_src, orig in staged:
            os.replace(tmp, target)
            done.append((target, old_src, orig))
            if old_src is not None:
                old_src.unlink()
    except BaseException:
        for target, old_src, orig in reversed(done):
            if old_src is not None:
                old_src.write_bytes(orig)
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(orig)
        for tmp, *_ in staged:
            tmp.unlink(missing_ok=True)
        raise


def cmd_rename(a) -> int:
    from ..core.navigation import RenameError, rename_plan

    if not Path(a.directory).is_dir():
        return _err(f"no such directory: {a.directory}")
    ws, _only = _open([a.directory], a.config)
    try:
        sym = symbol_for_id(ws, a.old)
        plan = rename_plan(ws, sym, a.new)
    except RenameError as e:
        return _err(str(e), EXIT_FAIL)
    changes = plan_contents(ws, plan)
    if a.dry_run:
        for old, new, ot, nt in changes:
            if new:
                sys.stdout.write(f"rename from {old}\nrename to {new}\n")
            sys.stdout.writelines(difflib.unified_diff(ot.splitlines(True), nt.splitlines(True), f"a/{old}", f"b/{new or old}"))
        return EXIT_OK
    try:
        write_all_or_nothing(ws.root, changes)
    except OSError as e:
        return _err(f"nothing was changed: {e}", EXIT_FAIL)
    n_edits = sum(len(v) for v in plan.edits.values())
    sys.stderr.write(f"renamed {sym.name} → {a.new.strip()}: {n_edits} edits in {len(plan.edits)} files"
                     + (f", moved {', '.join(f'{x} → {y}' for x, y in plan.file_renames)}" if plan.file_renames else "") + "\n")
    return EXIT_OK
