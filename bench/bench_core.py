"""Core benchmark: cold `check`, and the incremental index update after a one-character edit.

    python bench/bench_core.py [--corpora ../shared/corpora] [--edits 500] [--out bench/results/core.md]

Reports:
* cold structural `check` (load + parse + index + findings) of the Model Spec and of the EIPs, in a
  fresh process each (median of 3 runs), and the full `spec-lsp check` CLI wall time;
* the workspace update after a one-character edit inside a clause sentence of model_spec.md
  (`Workspace.set_document`: incremental re-parse + symbol diff + re-check of dependents), median
  and p95 over many edits (a word typed one keystroke at a time into the middle of a random clause
  sentence, then another clause; every edit yields text no cache has seen), against a full markdown-it-py parse of that file and a from-scratch
  `parse_spec` of it.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


COLD = r"""
import sys, time, json
sys.path.insert(0, {repo!r})
t0 = time.perf_counter()
from pathlib import Path
from spec_lsp.core.config import load_config
from spec_lsp.core.workspace import Workspace
t_import = time.perf_counter()
root = Path({root!r})
cfg, probs = load_config(root)
ws = Workspace(root, cfg, probs)
ws.load()
fs = ws.all_findings()
t1 = time.perf_counter()
print(json.dumps({{"seconds": t1 - t_import, "import": t_import - t0, "files": len(ws.docs), "findings": len(fs)}}))
"""


def cold(root: Path) -> dict:
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", COLD.format(repo=str(REPO), root=str(root))], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    best = sorted(runs, key=lambda r: r["seconds"])[1]
    return best


def cli(root: Path, *extra: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(root), "--fail-on", "never", "--format", "json", *extra],
                   capture_output=True, text=True, cwd=REPO, check=True)
    return time.perf_counter() - t0


def edits(model_spec: Path, n: int) -> dict:
    from markdown_it import MarkdownIt

    from spec_lsp.core.config import Config
    from spec_lsp.core.document import parse_spec
    from spec_lsp.core.workspace import Workspace

    root = model_spec.parent
    ws = Workspace(root, Config())
    ws.load()
    text = ws.text("model_spec.md")
    doc = ws.docs["model_spec.md"]
    # The keystrokes a spec author makes: pick a clause sentence, type a word into its middle one
    # character at a time (every edit yields text the caches have never seen), then move on to
    # another clause. Positions are re-derived from the current parse, so the text never drifts into
    # broken markup.
    rnd = random.Random(42)
    times = []
    k = 0
    while k < n:
        doc = ws.docs["model_spec.md"]
        lines = text.split("\n")
        starts = [0]
        for ln in lines:
            starts.append(starts[-1] + len(ln) + 1)
        cands = [c.sentence_range for c in doc.clauses
                 if c.sentence_range.start.line == c.sentence_range.end.line
                 and c.sentence_range.end.character - c.sentence_range.start.character > 20]
        r = rnd.choice(cands)
        line = lines[r.start.line]
        mid = (r.start.character + r.end.character) // 2
        while mid < r.end.character and line[mid] != " ":  # between two words, outside any markup
            mid += 1
        pos = starts[r.start.line] + mid
        word = " " + "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(3, 8)))
        for ch in word:
            if k >= n:
                break
            text = text[:pos] + ch + text[pos:]
            pos += 1
            t0 = time.perf_counter()
            ws.set_document("model_spec.md", text)
            times.append(time.perf_counter() - t0)
            k += 1
    md = MarkdownIt("commonmark").enable("table")
    full_md = []
    full_parse = []
    for _ in range(15):
        t0 = time.perf_counter()
        md.parse(text)
        full_md.append(time.perf_counter() - t0)
    from spec_lsp.core import document, markdown

    for _ in range(5):
        markdown._CACHE.clear()
        document._ABS_CACHE.clear()
        markdown._cache_chars[0] = document._abs_chars[0] = 0
        t0 = time.perf_counter()
        parse_spec("model_spec.md", text, Config())
        full_parse.append(time.perf_counter() - t0)
    return {
        "edits": n,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": pct(times, 95) * 1000,
        "max_ms": max(times) * 1000,
        "markdown_it_full_ms": statistics.median(full_md) * 1000,
        "parse_spec_full_ms": statistics.median(full_parse) * 1000,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--edits", type=int, default=500)
    ap.add_argument("--out", default=str(REPO / "bench" / "results" / "core.md"))
    a = ap.parse_args()
    corpora = Path(a.corpora)
    ms, eips = corpora / "openai__model_spec", corpora / "ethereum__EIPs"
    res = {
        "model_spec_cold": cold(ms),
        "eips_cold": cold(eips),
        "model_spec_cli_structural_s": cli(ms, "--no-language"),
        "eips_cli_structural_s": cli(eips, "--no-language"),
        "edit": edits(ms / "model_spec.md", a.edits),
    }
    e = res["edit"]
    md = f"""# Core benchmark

Command: `python bench/bench_core.py --edits {a.edits}` (2-core machine, Python {sys.version.split()[0]}).

| measurement | result |
|---|---|
| cold structural check, Model Spec ({res['model_spec_cold']['files']} files, in-process, after imports) | {res['model_spec_cold']['seconds'] * 1000:.0f} ms |
| cold structural check, EIPs ({res['eips_cold']['files']} files, in-process, after imports) | {res['eips_cold']['seconds']:.2f} s |
| `spec-lsp check --no-language` wall time, Model Spec (process start to exit) | {res['model_spec_cli_structural_s']:.2f} s |
| `spec-lsp check --no-language` wall time, EIPs | {res['eips_cli_structural_s']:.2f} s |
| one-character edit in a clause sentence of model_spec.md: `Workspace.set_document`, median | {e['median_ms']:.2f} ms |
| same, p95 / max | {e['p95_ms']:.2f} ms / {e['max_ms']:.1f} ms |
| full markdown-it-py parse of model_spec.md (for comparison) | {e['markdown_it_full_ms']:.0f} ms |
| full `parse_spec` of model_spec.md from scratch (caches cleared) | {e['parse_spec_full_ms']:.0f} ms |

Raw: `{json.dumps(res)}`
"""
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
