"""Does the citation scan delay the first diagnostics of an opened spec file?  The real server over stdio.

    python bench/bench_trace_server.py [--files 10000] [--runs 3] [--out bench/results/trace_server.md]

Two repositories, the same spec (bench_citations' generated spec, 40 clauses), one with 10,000
generated code files citing its clauses and one without.  For each: `initialized` → the client opens
spec.md → time to its first publishDiagnostics (version 1), and (with code files) → the first
diagnostics of a code file, i.e. the end of the background citation scan.  Medians of `--runs` starts.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as T

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_citations import make_repo  # noqa: E402
from lsp_latency import start  # noqa: E402

IDS = [f"{a}{b}{c}{d}" for a, b, c, d in zip("abcdefghij" * 4, "klmnopqrst" * 4, "0123456789" * 4, "uvwxyzabcd" * 4)][:40]


async def one(root: Path, cache: Path, with_code: bool) -> tuple[float, float | None]:
    client, published, t0 = await start(root, False, cache)
    spec = root / "spec.md"
    u = spec.as_uri()
    t_open = time.perf_counter()
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(uri=u, language_id="markdown", version=1,
                                                                                 text=spec.read_text())))
    while not any(p[0] == u and p[1] == 1 for p in published):
        await asyncio.sleep(0.002)
    first = next(p[2] for p in published if p[0] == u and p[1] == 1) - t_open
    scan = None
    if with_code:
        deadline = time.perf_counter() + 300
        while not any(p[0].endswith((".py", ".ts", ".yaml", ".txt")) for p in published) and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        got = [p[2] for p in published if p[0].endswith((".py", ".ts", ".yaml", ".txt"))]
        scan = (got[0] - t_open) if got else None
    await client.shutdown_session()
    await client.stop()
    return first, scan


async def main_async(a) -> str:
    rows = []
    with tempfile.TemporaryDirectory() as td:
        big, small = Path(td) / "with-code", Path(td) / "spec-only"
        make_repo(big, a.files, IDS)
        # unknown citations give the code files diagnostics, so that the end of the scan is observable
        (big / "pkg00/mod0/zz_unknown.py").write_text('@spec("zz99")\ndef f():\n    pass\n')
        make_repo(small, 0, IDS)
        for root in (big, small):
            (root / ".spec-lsp.toml").write_text("")
        for name, root, code in (("10,000 code files", big, True), ("spec only", small, False)):
            firsts, scans = [], []
            for _ in range(a.runs):
                f, s = await one(root, Path(td) / "cache", code)
                firsts.append(f)
                if s is not None:
                    scans.append(s)
            rows.append((name, statistics.median(firsts) * 1000, statistics.median(scans) * 1000 if scans else None))
    lines = ["| repository | didOpen spec.md → its first diagnostics (median) | didOpen → first code-file diagnostics (scan done) |",
             "|---|---|---|"]
    for name, f, s in rows:
        lines.append(f"| {name} | {f:.0f} ms | {'–' if s is None else f'{s:.0f} ms'} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out")
    a = ap.parse_args()
    text = asyncio.run(main_async(a))
    print(text)
    if a.out:
        Path(a.out).write_text(f"# Citation scan vs first diagnostics (`python bench/bench_trace_server.py --files {a.files}`)\n\n{text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
