"""`check --baseline FILE` / `--write-baseline FILE` and `check --since REV`.

A baseline is JSON, sorted, one object per distinct finding fingerprint with a count (duplicates are
counted, not collapsed) and the rule, path, subject and message for a human reviewer.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Callable

from ..core.model import Finding
from .fingerprint import fingerprint, lines_getter, new_findings

VERSION = 1


class BaselineError(Exception):
    pass


def render_baseline(items: list[tuple[Finding, str]]) -> str:
    groups: dict[str, dict] = {}
    for f, fp in items:
        g = groups.get(fp)
        if g is None:
            groups[fp] = {"fingerprint": fp, "rule": f.rule, "code": f.code, "path": f.path, "subject": f.subject,
                          "message": f.message, "count": 1}
        else:
            g["count"] += 1
    rows = sorted(groups.values(), key=lambda g: (g["path"], g["code"], g["subject"], g["fingerprint"]))
    return json.dumps({"version": VERSION, "findings": rows}, indent=1, ensure_ascii=False) + "\n"


def read_baseline(path: Path) -> Counter:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise BaselineError(f"cannot read baseline {path}: {e.strerror or e}") from e
    except ValueError as e:
        raise BaselineError(f"baseline {path} is not JSON: {e}") from e
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise BaselineError(f"baseline {path} is not a spec-lsp baseline (version {VERSION}); write one with --write-baseline")
    out: Counter = Counter()
    for row in data["findings"]:
        if isinstance(row, dict) and isinstance(row.get("fingerprint"), str):
            n = row.get("count", 1)
            out[row["fingerprint"]] += n if isinstance(n, int) and n > 0 else 1
    return out


def fingerprinted(findings: list[Finding], text_of: Callable[[str], str | None]) -> list[tuple[Finding, str]]:
    get = lines_getter(text_of)
    return [(f, fingerprint(f, get(f.path))) for f in findings]


def filter_baseline(items: list[tuple[Finding, str]], known: Counter) -> list[Finding]:
    return new_findings(items, known)


# ------------------------------------------------------------------------------------------------
# --since REV: lines changed since a revision (git diff -U0), untracked files wholly


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def parse_unified_zero(diff: str) -> dict[str, set[int] | None]:
    """Changed lines (0-based, new side) per path from `git diff -U0` output; None = the whole file."""
    out: dict[str, set[int] | None] = {}
    cur: str | None = None
    for ln in diff.split("\n"):
        if ln.startswith("+++ "):
            p = ln[4:].rstrip("\t")
            cur = None if p == "/dev/null" else (p[2:] if p.startswith("b/") else p)
            if cur is not None:
                if cur.startswith('"'):
                    try:
                        cur = json.loads(cur)[2:]
                    except ValueError:
                        pass
                out.setdefault(cur, set())
            continue
        m = _HUNK.match(ln)
        if m and cur is not None:
            start, count = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
            lines = out[cur]
            if lines is None:
                continue
            if count == 0:  # a pure deletion after line `start`: the lines around it changed
                lines.update({max(start - 1, 0), start})
            else:
                lines.update(range(start - 1, start - 1 + count))
    return out


def changed_lines(root: Path, rev: str) -> dict[str, set[int] | None]:
    """Workspace-relative path -> changed lines (0-based) in the working tree since `rev`."""
    def git(*args: str) -> str:
        r = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, encoding="utf-8", errors="replace")
        if r.returncode != 0:
            raise BaselineError(f"git {' '.join(args[:2])} failed: {r.stderr.strip() or r.returncode}")
        return r.stdout

    git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    top = Path(git("rev-parse", "--show-toplevel").strip()).resolve()
    prefix = root.resolve().relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    diff = git("-c", "core.quotepath=false", "diff", "-U0", "--no-color", "--no-ext-diff", "--relative", rev, "--", ".")
    out = parse_unified_zero(diff)
    for p in git("-c", "core.quotepath=false", "ls-files", "--others", "--exclude-standard", "--", ".").splitlines():
        if p:
            out[p] = None
    del prefix  # --relative already gives paths relative to the root
    return out


def filter_since(findings: list[Finding], changed: dict[str, set[int] | None]) -> list[Finding]:
    out = []
    for f in findings:
        lines = changed.get(f.path, set())
        if lines is None or any(ln in lines for ln in range(f.range.start.line, f.range.end.line + 1)):
            out.append(f)
    return out
