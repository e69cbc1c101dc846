"""Precision and recall of the contradiction checker (SPEC301) on the labelled set in fixtures/contradictions/.

    python bench/eval_contradictions.py [--out bench/results/contradictions.md]
    python bench/eval_contradictions.py --fixtures fixtures/contradictions-dev --out bench/results/contradictions_dev.md
    python bench/eval_contradictions.py --fixtures fixtures/contradictions-heldout --out bench/results/contradictions_heldout.md

Three sets: `fixtures/contradictions/` (written by the checker's author: a regression figure), and two written
blind by reviewers who never saw the checker — `contradictions-dev/` (32 pairs, 5 styles; tuned against in round 3)
and `contradictions-heldout/` (66 pairs, 5 styles; evaluated once, never tuned on).

The fixtures (written for this project) hold 64 labelled conflicting pairs of seven kinds in four documents
styles (Model Spec, spec-kit FR lines, Kiro EARS, RFC-style with BCP 14), next to non-conflicting near
neighbours (same actor and verb, another object, condition, actor or a compatible value).  Every reported pair
that is not labelled is a false positive.  Runs through the real pipeline (Workspace + LanguagePass).
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from spec_lsp.core.config import load_config  # noqa: E402
from spec_lsp.core.workspace import Workspace  # noqa: E402
from spec_lsp.language.langpass import LanguagePass  # noqa: E402

FIX = REPO / "fixtures" / "contradictions"


def labels(fix: Path = FIX):
    out = []
    for line in (fix / "labels.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        kind, fa, ta, fb, tb = line.split("\t")
        out.append((kind, fa, ta, fb, tb))
    return out


def reported(root: Path = FIX):
    cfg, probs = load_config(root)
    cfg = replace(cfg, language=replace(cfg.language, cache_dir=tempfile.mkdtemp(prefix="spec-lsp-contra-")))
    ws = Workspace(root, cfg, probs, select=("contradiction",))
    ws.load()
    lp = LanguagePass(ws.config)
    lp.load()
    lp.analyze_all(ws)
    pairs = {}
    for cf in lp._conflicts.values():
        a, b = lp._units[cf.a_key], lp._units[cf.b_key]
        pairs[frozenset(((a.path, a.text), (b.path, b.text)))] = cf
    return pairs, lp


def _match(st, path: str, text: str) -> bool:
    p, t = st
    plain = text.replace("**", "")
    return p == path and (t.startswith(plain) or plain.startswith(t) or t in plain or plain in t)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(REPO / "bench" / "results" / "contradictions.md"))
    ap.add_argument("--fixtures", default=str(FIX), help="a folder with labels.tsv and the documents it names")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    fix = Path(a.fixtures)
    labs = labels(fix)
    pairs, lp = reported(fix)
    tp = collections.Counter()
    fn = collections.Counter()
    fp = collections.Counter()
    hit_pairs = set()
    misses = []
    for kind, fa, ta, fb, tb in labs:
        found = None
        for pair, cf in pairs.items():
            x, y = tuple(pair)
            if (_match(x, fa, ta) and _match(y, fb, tb)) or (_match(y, fa, ta) and _match(x, fb, tb)):
                found = pair
                break
        if found:
            tp[kind] += 1
            hit_pairs.add(found)
        else:
            fn[kind] += 1
            misses.append((kind, ta, tb))
    wrong = []
    for pair, cf in pairs.items():
        if pair not in hit_pairs:
            fp[cf.kind] += 1
            wrong.append((cf.kind, [t for _, t in pair]))
    kinds = sorted(set(tp) | set(fn) | set(fp))
    md = ["# Contradictions: labelled set", "",
          f"Command: `python bench/eval_contradictions.py` — {len(labs)} labelled conflicting pairs in "
          f"`{fix.name}/`, near neighbours unlabelled; {lp._index.comparisons} pairs compared.", "",
          "| kind | labelled | found (TP) | missed (FN) | false alarms (FP, by reported kind) | precision | recall |", "|---|---|---|---|---|---|---|"]
    for k in kinds:
        t, n, f = tp[k], fn[k], fp[k]
        p = f"{t / (t + f):.2f}" if t + f else "n/a"
        r = f"{t / (t + n):.2f}" if t + n else "n/a"
        md.append(f"| {k} | {t + n} | {t} | {n} | {f} | {p} | {r} |")
    T, N, Fp = sum(tp.values()), sum(fn.values()), sum(fp.values())
    md.append(f"| **all** | {T + N} | {T} | {N} | {Fp} | {T / max(T + Fp, 1):.2f} | {T / max(T + N, 1):.2f} |")
    md += ["", "## False alarms", ""] + [f"- {k}: “{x}” / “{y}”" for k, (x, y) in wrong]
    md += ["", "## Missed", ""] + [f"- {k}: “{x}” / “{y}”" for k, x, y in misses]
    Path(a.out).write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md if a.v else md[:len(kinds) + 8]))


if __name__ == "__main__":
    main()
