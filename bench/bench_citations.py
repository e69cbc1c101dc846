"""Citation scan of a generated 10,000-file repository: cold scan, and the update of one changed file.

    python bench/bench_citations.py [--files 10000] [--out bench/results/citations.md]

The repository is generated in a temporary directory (a git repository, so the file list comes from
`git ls-files` as it does for users): Python, TypeScript, YAML and Markdown files of 40-120 lines,
each citing a few clause IDs in the forms users write (`[^ab12]`, `@spec("ab12")`, `# covers ab12`,
`FR-012`), plus a spec with the clauses.  Reported figures are medians of several runs, and the
floor (reading every file without scanning) is measured in the same run, so the ratio is
meaningful on any machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spec_lsp.trace.citations import CitationScanner  # noqa: E402
from spec_lsp.trace.repo_files import list_repo_files, read_text  # noqa: E402

FILLER = [
    "    value = compute(value, factor)  # scale the result\n",
    "    if not items:\n        return None\n",
    "def helper_{n}(x, y):\n    return x + y * {n}\n",
    "// keep the cache warm between requests\n",
    "const total = rows.reduce((a, r) => a + r.amount, 0);\n",
    "  - name: step {n}\n    run: make test\n",
    "The service stores the record and returns its identifier.\n",
]


def make_repo(root: Path, n_files: int, ids: list[str], seed: int = 7) -> None:
    rnd = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "spec.md").write_text("".join(f"The system shall do thing {i} [^{cid}].\n\n" for i, cid in enumerate(ids)))
    exts = [".py", ".ts", ".yaml", ".txt", ".py", ".py"]
    for k in range(n_files):
        d = root / f"pkg{k % 50:02d}" / f"mod{k % 7}"
        d.mkdir(parents=True, exist_ok=True)
        lines = []
        for j in range(rnd.randint(40, 120)):
            lines.append(rnd.choice(FILLER).format(n=j))
            if rnd.random() < 0.04:
                cid = rnd.choice(ids)
                lines.append(rnd.choice([f"    # covers {cid}\n", f'@spec("{cid}")\n', f"    \"\"\"Checks [^{cid}].\"\"\"\n",
                                         f"    # FR-{rnd.randint(1, 60):03d}\n"]))
        (d / f"file{k}{rnd.choice(exts)}").write_text("".join(lines))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)


def _cpu() -> float:
    import resource

    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def workspace_rows(root: Path, runs: int) -> list[tuple[str, str]]:
    """What the CLI and the server do: `Workspace.load_citations` (list, read, scan in 1 or 2 processes,
    install and check every file), then one changed file through `Workspace.rescan_code`."""
    from spec_lsp.core.config import Config
    from spec_lsp.core.workspace import Workspace

    (root / ".spec-lsp.toml").write_text("id-patterns = []\n")
    out = []
    ws = None
    for jobs in (1, 2):
        wall, cpu = [], []
        for _ in range(runs):
            ws = Workspace(root, Config())
            ws.load()
            c0, t0 = _cpu(), time.perf_counter()
            ws.load_citations(jobs)
            wall.append(time.perf_counter() - t0)
            cpu.append(_cpu() - c0)
        out.append((f"Workspace.load_citations, {jobs} process{'es' if jobs > 1 else ''} (median wall / CPU incl. workers)",
                    f"{statistics.median(wall) * 1000:.0f} ms / {statistics.median(cpu) * 1000:.0f} ms"))
    one = sorted(ws.code)[len(ws.code) // 2]
    upd = []
    for k in range(200):
        p = root / one
        p.write_text(p.read_text() + f"# covers {sorted(ws.all_clause_ids())[k % 10]}\n")
        t0 = time.perf_counter()
        ws.rescan_code(one)
        upd.append(time.perf_counter() - t0)
    out.append(("one changed file: Workspace.rescan_code (read, scan, re-check dependents; median / p95)",
                f"{statistics.median(upd) * 1000:.2f} ms / {sorted(upd)[int(len(upd) * 0.95)] * 1000:.2f} ms"))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    ids = [f"{a}{b}{c}{d}" for a, b, c, d in zip("abcdefghij" * 4, "klmnopqrst" * 4, "0123456789" * 4, "uvwxyzabcd" * 4)][:40]
    with tempfile.TemporaryDirectory() as td:
        root = Path(td) / "repo"
        make_repo(root, a.files, ids)
        scanner = CitationScanner(distinctive=[r"FR-\d{3}"], known_ids=ids)
        floor, cold, lists = [], [], []
        n_cit = 0
        for _ in range(a.runs):
            t0 = time.perf_counter()
            files = list_repo_files(root)
            t1 = time.perf_counter()
            texts = [read_text(root, f.path) for f in files]
            t2 = time.perf_counter()
            n_cit = sum(len(scanner.scan(t)) for t in texts if t)
            t3 = time.perf_counter()
            lists.append(t1 - t0)
            floor.append(t2 - t1)
            cold.append(t3 - t0)
        # one changed file: re-read and re-scan it
        one = files[len(files) // 2].path
        upd = []
        for k in range(200):
            p = root / one
            p.write_text(p.read_text() + f"# covers {ids[k % len(ids)]}\n")
            t0 = time.perf_counter()
            scanner.scan(read_text(root, one) or "")
            upd.append(time.perf_counter() - t0)
        rows = [
            ("files listed (git ls-files, regular, ≤ 1 MiB)", f"{len(files)}"),
            ("citations found", f"{n_cit}"),
            ("list files (median)", f"{statistics.median(lists) * 1000:.0f} ms"),
            ("floor: read every file, no scan (median)", f"{statistics.median(floor) * 1000:.0f} ms"),
            ("cold: list + read + scan every file (median)", f"{statistics.median(cold) * 1000:.0f} ms"),
            ("cold / floor", f"{statistics.median(cold) / max(statistics.median(floor), 1e-9):.2f}×"),
            ("one changed file: read + scan (median / p95)",
             f"{statistics.median(upd) * 1000:.2f} ms / {sorted(upd)[int(len(upd) * 0.95)] * 1000:.2f} ms"),
        ]
        rows += workspace_rows(root, a.runs)
    text = "| measurement | result |\n|---|---|\n" + "".join(f"| {a_} | {b_} |\n" for a_, b_ in rows)
    print(text)
    if a.out:
        Path(a.out).write_text(f"# Citation scan (`python bench/bench_citations.py --files {a.files}`)\n\n{os.cpu_count()} CPUs.\n\n{text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
