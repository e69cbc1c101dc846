"""What an edit re-checks: Enter at the top of model_spec.md against a character typed inside a clause
sentence (`Workspace.set_document`: time, and how many documents were re-checked).

    python bench/bench_fingerprint.py [--repo PATH] [--corpora ../shared/corpora] [--n 40]

A clause's dependency fingerprint that includes its position makes Enter at the top re-check every
challenge file (112 in the Model Spec); one that holds only what dependents read does not.
``--repo`` points at another checkout (e.g. an export of the previous commit) to measure "before".
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

RUN = r"""
import sys, time, statistics, json
sys.path.insert(0, {repo!r})
from pathlib import Path
from spec_lsp.core.config import load_config
from spec_lsp.core.workspace import Workspace
root = Path({root!r})
cfg, probs = load_config(root)
ws = Workspace(root, cfg, probs)
ws.load()
seen = []
real = ws._recheck
def spy(paths):
    paths = list(paths)
    seen.append(len(set(paths)))
    return real(paths)
ws._recheck = spy
text = ws.text("model_spec.md")
k = text.index("[^", len(text) // 2)
k = text.rindex(" ", 0, k)  # inside the sentence of a clause, between two words
res = {{}}
for name in ("top", "sentence"):
    times, counts = [], []
    for i in range({n}):
        if name == "top":
            new = "\n" + text if i % 2 == 0 else text
        else:
            new = text[:k] + " word"[: 1 + i % 4] + text[k:]
        seen.clear()
        t0 = time.perf_counter()
        ws.set_document("model_spec.md", new)
        times.append(time.perf_counter() - t0)
        counts.append(sum(seen))
    ws.set_document("model_spec.md", text)
    res[name] = {{"median_ms": statistics.median(times) * 1000, "rechecked": statistics.median(counts)}}
print(json.dumps(res))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", default=str(REPO))
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--n", type=int, default=40)
    a = ap.parse_args()
    root = Path(a.corpora) / "openai__model_spec"
    out = subprocess.run([sys.executable, "-c", RUN.format(repo=a.repo, root=str(root), n=a.n)], capture_output=True,
                         text=True, check=True)
    res = json.loads(out.stdout)
    print(f"""| edit in model_spec.md (`Workspace.set_document`, median of {a.n}) | time | documents re-checked |
|---|---|---|
| Enter at the top of the file | {res['top']['median_ms']:.1f} ms | {res['top']['rechecked']:.0f} |
| a character typed inside a clause sentence | {res['sentence']['median_ms']:.1f} ms | {res['sentence']['rechecked']:.0f} |

Command: `python bench/bench_fingerprint.py --repo {a.repo if a.repo != str(REPO) else '.'}`. Raw: `{json.dumps(res)}`""")


if __name__ == "__main__":
    main()
