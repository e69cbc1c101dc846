"""Hostile-input benchmark: parsing time against input size (1x / 2x / 4x), reported as ratios.

    python bench/bench_attacks.py [--repo PATH] [--out bench/results/attacks.md] [--timeout 120]

Linear parsing shows ratios of about 2 and 4; quadratic parsing shows 4 and 16.  Each case runs
in a fresh process (no warm caches) with a time limit, so that a quadratic "before" cannot hang the
run; `--repo` points at another checkout (e.g. an export of the previous commit) to measure "before".

Cases (each: cold `parse_spec` of one document, caches cleared):
* ``tags``: N clause tags in one paragraph (`A rule holds.[^t1] …`);
* ``backticks``: one line of ``\\``x`` repeated (escaped backtick runs that never close);
* ``comment``: a paragraph line of ``<!-- a`` repeated (HTML comments that never close);
* ``anchor``: one line of ``<a `` repeated (an HTML tag that never closes);
* ``tagopen`` / ``bang``: ``[^x`` and ``?!`` repeated (a tag that never closes; a run of sentence-end
  marks followed by a letter);
* ``keystroke``: one character typed into a paragraph of 3,000 tags, in a workspace
  (`Workspace.set_document`, median of 20 keystrokes).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CASE = r"""
import sys, time, json, statistics
sys.path.insert(0, {repo!r})
from spec_lsp.core.config import Config
from spec_lsp.core.document import parse_spec
kind, n = {kind!r}, {n}
if kind == "tags":
    text = "# T\n\n" + " ".join(f"Rule {{k}} holds for every request.[^t{{k}}]" for k in range(n)) + "\n"
elif kind == "backticks":
    text = "# T\n\n" + "\\``x" * (n // 4) + "\n"
elif kind == "comment":
    text = "# T\n\nx " + "<!-- a " * (n // 7) + "\n"
elif kind == "anchor":
    text = "# T\n\nx " + "<a " * (n // 3) + "\n"
elif kind == "tagopen":
    text = "# T\n\n" + "[^x" * (n // 3) + "\n"
elif kind == "bang":
    text = "# T\n\n" + "?!" * (n // 2) + "x end.\n"
if kind == "keystroke":
    from pathlib import Path
    from spec_lsp.core.workspace import Workspace
    ws = Workspace(Path("/nonexistent"), Config())
    para = " ".join(f"Rule {{k}} holds for every request.[^t{{k}}]" for k in range(n))
    text = "# T\n\n" + para + "\n\nAfter.\n"
    ws.set_document("spec.md", text)
    pos = len("# T\n\n") + len(para) // 2
    times = []
    for i in range(20):
        text = text[:pos] + "x" + text[pos:]
        t0 = time.perf_counter()
        ws.set_document("spec.md", text)
        times.append(time.perf_counter() - t0)
    print(json.dumps({{"seconds": statistics.median(times), "bytes": len(text)}}))
else:
    t0 = time.perf_counter()
    doc = parse_spec("spec.md", text, Config())
    print(json.dumps({{"seconds": time.perf_counter() - t0, "bytes": len(text)}}))
"""

SIZES = {
    "tags": [625, 1250, 2500],
    "backticks": [25_000, 50_000, 100_000],
    "comment": [25_000, 50_000, 100_000],
    "anchor": [25_000, 50_000, 100_000],
    "tagopen": [25_000, 50_000, 100_000],
    "bang": [25_000, 50_000, 100_000],
}


def run(repo: Path, kind: str, n: int, timeout: float, repeat: int = 1) -> float | None:
    """Best of `repeat` fresh processes (the machine is shared: the minimum is the least disturbed)."""
    best = None
    for _ in range(repeat):
        try:
            out = subprocess.run([sys.executable, "-c", CASE.format(repo=str(repo), kind=kind, n=n)],
                                 capture_output=True, text=True, timeout=timeout, check=True)
        except subprocess.TimeoutExpired:
            return None
        t = json.loads(out.stdout)["seconds"]
        best = t if best is None else min(best, t)
    return best


def fmt(s: float | None, timeout: float) -> str:
    if s is None:
        return f"> {timeout:.0f} s"
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", default=str(REPO))
    ap.add_argument("--out", default=None)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--only", default=None, help="comma-separated case names")
    ap.add_argument("--scale", type=int, default=1, help="multiply every size (a linear parser is fast enough for 8x)")
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs per size")
    a = ap.parse_args()
    repo = Path(a.repo)
    rows = []
    raw = {}
    only = set(a.only.split(",")) if a.only else None
    for kind, sizes in SIZES.items():
        if only and kind not in only:
            continue
        sizes = [n * a.scale for n in sizes]
        ts = [run(repo, kind, n, a.timeout, a.repeat) for n in sizes]
        raw[kind] = ts
        r2 = f"{ts[1] / ts[0]:.1f}" if ts[0] and ts[1] else "–"
        r4 = f"{ts[2] / ts[0]:.1f}" if ts[0] and ts[2] else "–"
        unit = "tags" if kind == "tags" else "bytes"
        rows.append(f"| {kind} | {sizes[0]:,} {unit} | {' / '.join(fmt(t, a.timeout) for t in ts)} | {r2} | {r4} |")
    extra = []
    if not only or "keystroke" in only:
        k = run(repo, "keystroke", 3000, a.timeout, a.repeat)
        raw["keystroke"] = k
        extra.append(f"| one keystroke in a 3,000-tag paragraph (`Workspace.set_document`, median of 20) | {fmt(k, a.timeout)} |")
        big = run(repo, "tags", 5000, a.timeout, a.repeat)
        raw["tags5000"] = big
        extra.append(f"| cold parse of one paragraph with 5,000 clause tags | {fmt(big, a.timeout)} |")
    md = f"""# Hostile-input benchmark

Command: `python bench/bench_attacks.py --repo {a.repo if a.repo != str(REPO) else '.'} --scale {a.scale} --repeat {a.repeat}` (2-core machine, Python {sys.version.split()[0]}; each case a fresh process).
Linear parsing: ratios near 2 and 4. Quadratic: 4 and 16.

| case | 1x size | time at 1x / 2x / 4x | 2x÷1x | 4x÷1x |
|---|---|---|---|---|
{chr(10).join(rows)}

| measurement | result |
|---|---|
{chr(10).join(extra)}

Raw seconds: `{json.dumps(raw)}`
"""
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
