"""The `diff` and `lock` subcommands and `check`'s --baseline / --write-baseline / --since (registered in spec_lsp/cli.py)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def register(sub) -> None:
    d = sub.add_parser("diff", help="what changed between two versions of the spec (clauses, sections, evidence, findings)")
    d.add_argument("old", metavar="OLD", help="a directory or a git revision (e.g. origin/main)")
    d.add_argument("new", metavar="NEW", nargs="?", default=None, help="a directory or a git revision (default: the working tree)")
    d.add_argument("-C", "--workspace", metavar="DIR", default=".", help="the workspace whose revisions are compared (default: .)")
    d.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    d.add_argument("--language", action="store_true", help="also compare language findings (runs spaCy on both sides)")
    d.add_argument("--alias", action="append", metavar="OLD=NEW", default=[],
                   help="authority values that are the same level under another name (besides the format's own, "
                        "platform=root for the Model Spec, and `[attribute-aliases] authority = {...}` in .spec-lsp.toml)")
    d.add_argument("--no-history", action="store_true",
                   help="do not walk `git log OLD..NEW` for IDs removed and brought back on other text (reuse without a spec.lock)")
    d.add_argument("--exit-code", action="store_true", help="exit 1 when anything changed")
    d.add_argument("--output", "-o", metavar="FILE")

    lk = sub.add_parser("lock", help="write spec.lock: each clause's sentence and evidence hashes, and retired IDs")
    lk.add_argument("path", nargs="?", default=".", metavar="PATH", help="the workspace (default: .)")
    lk.add_argument("--update", nargs="*", metavar="ID", default=None,
                    help="accept reworded or reused clauses: these keys (an ID, or `<scope>#<id>` such as "
                         "specs/001-photo-albums#FR-001 where IDs restart per scope), or every clause when none is given")
    lk.add_argument("--check", action="store_true", help="write nothing; exit 1 if spec.lock is not up to date")


def add_check_options(c) -> None:
    c.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in this baseline")
    c.add_argument("--write-baseline", metavar="FILE", help="record the current findings in this baseline file")
    c.add_argument("--since", metavar="REV", help="report only findings on lines changed since this git revision")


def _err(msg: str) -> int:
    sys.stderr.write(f"spec-lsp: error: {msg}\n")
    return EXIT_USAGE


# ------------------------------------------------------------------------------------------------
# diff


def cmd_diff(a) -> int:
    from .diff import authority_aliases, compare, is_empty, render_json, render_markdown, render_text
    from .snapshot import load_workspace, snapshot
    from .sources import SourceError, open_side, workspace_root

    ws_dir = Path(a.workspace)
    if not ws_dir.is_dir():
        return _err(f"no such directory: {ws_dir}")
    extra: dict[str, str] = {}
    for al in a.alias:
        k, eq, v = al.partition("=")
        if not eq or not k.strip() or not v.strip():
            return _err(f"--alias {al!r}: expected OLD=NEW")
        extra[k.strip()] = v.strip()
    root = workspace_root(ws_dir)
    sides = []
    try:
        t0 = time.perf_counter()
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:  # two `git archive` processes at once
            futs = [pool.submit(open_side, spec, root) if spec is not None else None for spec in (a.old, a.new)]
            errors = []
            for fu in futs:
                try:
                    sides.append(fu.result() if fu is not None else None)
                except SourceError as e:
                    errors.append(e)
            if errors:
                raise errors[0]
        new_side = sides[1]
        old = snapshot(load_workspace(sides[0].root, a.language), sides[0].label)
        new = snapshot(load_workspace(new_side.root if new_side else root, a.language),
                       new_side.label if new_side else "working tree")
        # authority vocabulary: the formats' own aliases (Model Spec: platform → root) and
        # `[attribute-aliases]` of either side's configuration, then --alias
        aliases = {**authority_aliases(old), **authority_aliases(new), **extra}
        res = compare(old, new, aliases)
        if not a.no_history and sides[0].rev and (new_side is None or new_side.rev) and res["reworded"]:
            from .diff import apply_history
            from .history import find_reuse

            found, info = find_reuse(root, sides[0].rev, new_side.rev if new_side else None, old, new,
                                     [r["id"] for r in res["reworded"]])
            apply_history(res, old, new, found, info)
        res["seconds"] = round(time.perf_counter() - t0, 3)
    except SourceError as e:
        return _err(str(e))
    finally:
        for s in sides:
            if s is not None:
                s.close()
    out = {"text": render_text, "markdown": render_markdown, "json": render_json}[a.format](res)
    if a.output:
        Path(a.output).write_text(out + "\n", encoding="utf-8")
    else:
        sys.stdout.write(out + "\n")
    return EXIT_FINDINGS if a.exit_code and not is_empty(res) else EXIT_OK


# ------------------------------------------------------------------------------------------------
# lock


def cmd_lock(a) -> int:
    from ..core.config import find_root, load_config
    from ..core.workspace import Workspace
    from .lock import LOCK_FILE, current_entries, render, resolve_keys, updated

    p = Path(a.path)
    if not p.exists():
        return _err(f"no such file or directory: {p}")
    root = find_root(p)
    cfg, problems = load_config(root)
    ws = Workspace(root, cfg, problems)
    ws.load()
    if ws.lock is not None and ws.lock.problems:
        for line, msg in ws.lock.problems:
            sys.stderr.write(f"{LOCK_FILE}:{line + 1}: {msg}\n")
        return _err(f"{LOCK_FILE} has problems; fix them or delete it and run `spec-lsp lock` again")
    current = current_entries(ws)
    accept = None if a.update == [] else (a.update or ())
    if accept:
        accept, unknown, ambiguous = resolve_keys(current, accept)
        if unknown:
            return _err(f"no clause carries {', '.join(unknown)}")
        if ambiguous:
            return _err("; ".join(f"{arg} is defined in several scopes: {', '.join(c)}" for arg, c in ambiguous.items())
                        + " (name one)")
    new_lock, rep = updated(ws.lock, current, accept)
    text = render(new_lock)
    target = root / LOCK_FILE
    old_text = ws.text(LOCK_FILE)
    changed = text != old_text
    summary = []
    for name, lst in (("added", rep.added), ("accepted", rep.accepted), ("retired", rep.retired), ("restored", rep.restored)):
        if lst:
            summary.append(f"{len(lst)} {name}")
    if a.check:
        if changed:
            sys.stderr.write(f"{LOCK_FILE} is not up to date" + (f" ({', '.join(summary)})" if summary else "") + "; run `spec-lsp lock`\n")
        _report_pending(rep)
        return EXIT_FINDINGS if changed or rep.stale or rep.reused else EXIT_OK
    if changed:
        target.write_text(text, encoding="utf-8")
    sys.stderr.write(f"{target}: " + (", ".join(summary) if summary else "unchanged") + f" ({len(new_lock.clauses)} clauses, "
                     f"{len(new_lock.retired)} retired)\n")
    _report_pending(rep)
    return EXIT_FINDINGS if rep.reused else EXIT_OK


def _report_pending(rep) -> None:
    from .lock import shell_word

    if rep.stale:
        what = "prompts" if all("#" not in k for k in rep.stale) else "evidence"
        sys.stderr.write(f"not accepted (reworded or {what} changed): {' '.join(rep.stale)}; review them, then "
                         f"`spec-lsp lock --update {' '.join(shell_word(k) for k in rep.stale[:5])}`\n")
    if rep.reused:
        sys.stderr.write(f"retired IDs reused on a different sentence: {' '.join(rep.reused)}; give those clauses new IDs "
                         f"(or accept with `spec-lsp lock --update ID`)\n")


# ------------------------------------------------------------------------------------------------
# check --baseline / --write-baseline / --since


def filter_check(a, pairs: list) -> tuple[list, int | None]:
    """(workspace, finding) pairs after --since and --baseline; writes --write-baseline. Second item: an exit code
    to return at once (usage error), else None."""
    from .baseline import BaselineError, changed_lines, filter_baseline, filter_since, fingerprinted, read_baseline, render_baseline

    if not (a.baseline or a.write_baseline or a.since):
        return pairs, None
    by_ws: dict[int, tuple] = {}
    for ws, f in pairs:
        by_ws.setdefault(id(ws), (ws, []))[1].append(f)
    try:
        if a.since:
            out = []
            for ws, fs in by_ws.values():
                changed = changed_lines(ws.root, a.since)
                out.extend((ws, f) for f in filter_since(fs, changed))
            pairs = out
            by_ws = {}
            for ws, f in pairs:
                by_ws.setdefault(id(ws), (ws, []))[1].append(f)
        items = []  # (ws, finding, fingerprint)
        for ws, fs in by_ws.values():
            live = [f for f in fs if f.waived is None]
            items.extend((ws, f, fp) for f, fp in fingerprinted(live, ws.text))
        if a.write_baseline:
            Path(a.write_baseline).write_text(render_baseline([(f, fp) for _ws, f, fp in items]), encoding="utf-8")
            sys.stderr.write(f"spec-lsp: wrote {len(items)} findings to {a.write_baseline}\n")
            if not a.baseline:  # everything is in the baseline now: nothing is new
                pairs = [(ws, f) for ws, f in pairs if f.waived is not None]
        if a.baseline:
            known = read_baseline(Path(a.baseline))
            keep = {id(f) for f in filter_baseline([(f, fp) for _ws, f, fp in items], known)}
            pairs = [(ws, f) for ws, f in pairs if f.waived is not None or id(f) in keep]
    except BaselineError as e:
        return pairs, _err(str(e))
    return pairs, None


__all__ = ["register", "add_check_options", "cmd_diff", "cmd_lock", "filter_check", "argparse"]
