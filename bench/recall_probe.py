"""Recall on the blind probe: normative sentences from the test halves with the problems a reviewer found in them,
written before the tool was run on them (committed as bench/results/probe.jsonl; not tuned on).

    python bench/recall_probe.py [--probe FILE] [--out bench/results/recall_probe.md]

A problem counts as caught when a finding of a default-on rule (through the real pipeline on the whole corpus)
lies in that sentence and its span overlaps the problem's words.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

import findings as F  # noqa: E402


def overlap(a: str, b: str) -> bool:
    a, b = a.lower().strip(" .,“”\"'"), b.lower().strip(" .,“”\"'")
    return bool(a and b) and (a in b or b in a or bool(set(a.split()) & set(b.split()) - {"the", "a", "an", "to", "of", "and", "or"}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", default=str(REPO / "bench" / "results" / "probe.jsonl"))
    ap.add_argument("--out", default=str(REPO / "bench" / "results" / "recall_probe.md"))
    ap.add_argument("--rules", help="comma-separated rules to run instead of the defaults")
    a = ap.parse_args()
    rows = [json.loads(x) for x in Path(a.probe).read_text(encoding="utf-8").splitlines() if x.strip()]
    kept = REPO / "bench" / "results" / "probe.jsonl"
    if not kept.exists() or not kept.samefile(a.probe):
        shutil.copy(a.probe, kept)  # a new probe is committed beside its figures
    by_corpus = collections.defaultdict(list)
    for r in rows:
        by_corpus[r["corpus"]].append(r)
    caught = total = 0
    kinds = collections.defaultdict(lambda: [0, 0])
    sent_flagged_clean = 0
    clean = 0
    per = []
    for corpus, items in sorted(by_corpus.items()):
        fs, _ = F.run(corpus, tuple(a.rules.split(",")) if a.rules else None)
        for r in items:
            norm = " ".join(r["sentence"].replace("**", "").split())
            mine = [f for f in fs if f["rule"] != "contradiction" and (f["path"] == r["file"] or f["path"].endswith("/" + r["file"]))
                    and (" ".join(f["sentence"].split()) in norm or norm in " ".join(f["sentence"].split())
                         or abs(f["line"] - r["line"]) <= 1 and overlap(f["sentence"][:60], norm[:60]))]
            if not r["problems"]:
                clean += 1
                sent_flagged_clean += bool(mine)
            for p in r["problems"]:
                hit = any(overlap(f["span"], p["span"]) for f in mine)
                total += 1
                caught += hit
                kinds[p.get("kind", "?")][0] += hit
                kinds[p.get("kind", "?")][1] += 1
            per.append((r["id"], corpus, len(r["problems"]), sum(any(overlap(f["span"], p["span"]) for f in mine) for p in r["problems"]), len(mine)))
    md = ["# Recall on the blind probe", "",
          f"Command: `python bench/recall_probe.py` — {len(rows)} normative sentences from the test halves, {total} problems "
          "listed by a reviewer before the tool ran on them (the probe is in `bench/results/probe.jsonl`).", "",
          f"**Problems caught: {caught} of {total} ({caught / max(total, 1):.0%})** by {'the rules ' + a.rules if a.rules else 'the default-on rules'} with an overlapping span. "
          f"Sentences without problems that got a finding anyway: {sent_flagged_clean} of {clean}.", "",
          "| problem kind (reviewer's words) | caught | total |", "|---|---|---|"]
    for k, (c, n) in sorted(kinds.items(), key=lambda x: -x[1][1]):
        md.append(f"| {k} | {c} | {n} |")
    md += ["", "| id | corpus | problems | caught | findings in the sentence |", "|---|---|---|---|---|"]
    md += [f"| {i} | {c} | {n} | {k} | {m} |" for i, c, n, k, m in per]
    Path(a.out).write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md[:8]))


if __name__ == "__main__":
    main()
