"""Peak memory (RSS) of `spec-lsp check` with the language pass on, and of a long edit session.

    python bench/bench_memory.py [--repo PATH] [--files 6000] [--corpora ../shared/corpora] [--out FILE]

* ``generated``: N generated spec files (``--files``), each a section with clause sentences built from
  a few actors, verbs and objects, a few negated, some with numeric bounds: many clauses share an
  (actor, action), which is what makes contradiction *candidates* pile up (few are contradictions).  Sentences repeat across
  files, so spaCy parses only a few thousand distinct texts; the rest is the index and the pairs.
* ``eips``: the EIPs corpus (`ethereum__EIPs`), language pass on.
* ``edits``: an edit session: 4,000 keystrokes in a clause sentence of the model-spec fixture, each
  followed by the index update and the language pass (as the server does); growth of the process RSS
  from keystroke 200 to the end, and the engine's in-memory cache entries.

Each run is a fresh process; peak RSS is that process's ``ru_maxrss``.  ``--repo`` points at another
checkout (e.g. an export of the previous commit) to measure "before".
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

ACTORS = ["assistant", "system", "model", "operator", "client"]
VERBS = ["reveal", "share", "provide", "follow", "use", "include", "accept", "store", "send", "log", "cite", "quote"]
OBJECTS = ["the prompt", "the key", "personal data", "the summary", "the source", "user input", "the log",
           "the token", "a warning", "the answer", "the citation", "the request"]


def generate(root: Path, n: int, seed: int = 7) -> None:
    """N spec files of 3 clauses each.  Many clauses share an (actor, action), so contradiction
    *candidates* grow with the square of the files, while actual contradictions stay rare (as in a
    real spec): 2% of the clauses are negated, and numeric bounds rarely cross."""
    rnd = random.Random(seed)
    (root / "examples").mkdir(parents=True, exist_ok=True)
    (root / ".spec-lsp.toml").write_text("[rules]\nmissing-challenge-file = \"off\"\n", encoding="utf-8")
    for i in range(n):
        lines = [f"# Part {i}", "", f"## Rules of part {i} {{#part-{i}}}", ""]
        sent = []
        for k in range(3):
            a, v, o = rnd.choice(ACTORS), rnd.choice(VERBS), rnd.choice(OBJECTS)
            neg = rnd.random() < 0.02
            r = rnd.random()
            if r < 0.05:
                s = f"The {a} must send at most {rnd.choice([50, 100, 200])} words.[^p{i}c{k}]"
            elif r < 0.06:
                s = f"The {a} must send at least {rnd.choice([1, 2, 5])} words.[^p{i}c{k}]"
            else:
                s = f"The {a} must {'not ' if neg else ''}{v} {o}.[^p{i}c{k}]"
            sent.append(s)
        lines.append(" ".join(sent))
        lines.append("")
        (root / f"part{i:05d}.md").write_text("\n".join(lines), encoding="utf-8")


RUN = r"""
import resource, sys, time, io, contextlib
sys.path.insert(0, {repo!r})
from spec_lsp.cli import main
t0 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    rc = main(["check", {root!r}, "--fail-on", "never", "--format", "json"])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - t0, rc)
"""

EDITS = r"""
import sys, random, gc
sys.path.insert(0, {repo!r})
from pathlib import Path
from spec_lsp.core.config import Config
from spec_lsp.core.workspace import Workspace
from spec_lsp.language.langpass import LanguagePass
def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
text = (Path({repo!r}) / "fixtures" / "model-spec" / "spec.md").read_text(encoding="utf-8")
ws = Workspace(Path("/nonexistent"), Config())
ws.set_document("spec.md", text)
lp = LanguagePass(Config())
lp.load()
lp.apply(ws, lp.run(lp.prepare(ws, ["spec.md"])))
k = text.index("[^", len(text) // 3)
k = text.rindex(" ", 0, k)
rnd = random.Random(5)
base = None
for i in range({n}):
    # a keystroke in a clause sentence: each one is a sentence no cache has seen
    text = text[:k] + rnd.choice("abcdefghij") + text[k:]
    ws.set_document("spec.md", text)
    lp.apply(ws, lp.run(lp.prepare(ws, ["spec.md"])))
    if i == 199:
        gc.collect()
        base = rss()
    if i == {n} // 2:
        gc.collect()
        mid = rss()
gc.collect()
eng = lp._engine
print(rss() - base, len(eng._mem), len(eng._mem_props), rss() - mid)
"""


def run_check(repo: Path, root: Path, cache: Path, timeout: float) -> dict:
    env = dict(__import__("os").environ, SPEC_LSP_CACHE_DIR=str(cache), PYTHONPATH=str(repo))
    try:
        out = subprocess.run([sys.executable, "-c", RUN.format(repo=str(repo), root=str(root))], capture_output=True,
                             text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"peak_mb": None, "seconds": None}
    last = out.stdout.strip().splitlines()[-1].split() if out.stdout.strip() else []
    if len(last) < 2:
        return {"peak_mb": None, "seconds": None, "error": out.stderr[-500:]}
    return {"peak_mb": int(last[0]) / 1024, "seconds": float(last[1])}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", default=str(REPO))
    ap.add_argument("--files", type=int, nargs="*", default=[2000, 6000])
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--edits", type=int, default=4000)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--skip-eips", action="store_true")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    repo = Path(a.repo)
    tmp = Path(tempfile.mkdtemp(prefix="spec-lsp-mem-"))
    res: dict = {}
    try:
        cache = tmp / "cache"
        for n in a.files:
            root = tmp / f"gen{n}"
            generate(root, n)
            run_check(repo, root, cache, a.timeout)  # warm the sentence cache (spaCy time is not the point)
            res[f"generated_{n}"] = run_check(repo, root, cache, a.timeout)
        if not a.skip_eips:
            eips = Path(a.corpora) / "ethereum__EIPs"
            if eips.exists():
                run_check(repo, eips, cache, a.timeout)
                res["eips"] = run_check(repo, eips, cache, a.timeout)
        env = dict(__import__("os").environ, PYTHONPATH=str(repo))
        out = subprocess.run([sys.executable, "-c", EDITS.format(repo=str(repo), cache=str(tmp / "cache-edits"), n=a.edits)],
                             capture_output=True, text=True, env=env, timeout=a.timeout)
        grow = out.stdout.strip().split()
        res["edits"] = ({"rss_growth_mb": int(grow[0]) / 1024, "mem_entries": int(grow[1]), "prop_entries": int(grow[2]),
                         "second_half_growth_mb": int(grow[3]) / 1024} if len(grow) == 4 else {"error": out.stderr[-500:]})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def f(d):
        if d.get("peak_mb") is None:
            return "did not finish" if "error" not in d else "error"
        return f"{d['peak_mb']:.0f} MB peak RSS, {d['seconds']:.1f} s"

    rows = [f"| `check` (language pass on), {k.split('_')[1]} generated files | {f(v)} |" for k, v in res.items() if k.startswith("generated_")]
    if "eips" in res:
        rows.append(f"| `check` (language pass on), EIPs corpus | {f(res['eips'])} |")
    e = res.get("edits", {})
    if "rss_growth_mb" in e:
        rows.append(f"| edit session, keystrokes 200 to {a.edits:,} (index + language pass): RSS growth, engine cache entries (hits / propositions) | "
                    f"{e['rss_growth_mb']:.1f} MB (second half: {e['second_half_growth_mb']:.1f} MB), {e['mem_entries']:,} / {e['prop_entries']:,} |")
    md = f"""# Memory benchmark

Command: `python bench/bench_memory.py --repo {a.repo} --files {' '.join(map(str, a.files))}` (2-core machine, Python {sys.version.split()[0]}).
Sentence cache warmed by a first run (the figure is the second run).

| measurement | result |
|---|---|
{chr(10).join(rows)}

Raw: `{json.dumps(res)}`
"""
    if a.out:
        Path(a.out).write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
