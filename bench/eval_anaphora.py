"""Evaluate SPEC211 ambiguous-pronoun on the ReqEval anaphora training split, with document-grouped
cross-validation so that tuning the resolver's switches cannot memorise the 139 rows.

    python bench/eval_anaphora.py [--data ../shared/datasets/anaphora_reqeval/training.tsv] [--out bench/results/anaphora.md]
                                  [--dump]        # print every row with its label and prediction

A row is one marked pronoun (the first `<referential>` of the row); predicted NOCUOUS when the rule fires on
it (the pronoun is ambiguous or unresolved).  Groups = the ID prefix before '#' (the source document:
library, weather, railway, space, home).

1. The shipped configuration (`anaphora.DEFAULT`): figures on the full set and per group.
2. Nested leave-one-group-out: for each group, the switch setting (every combination of the Options flags)
   with the best F1 (subject to P > 0.60) on the OTHER groups is chosen and scored on the held-out group; the
   held-out predictions are pooled.  This is the figure to trust.
3. Ablation: the shipped configuration with one switch flipped, full set.
4. With `--corpora`: SPEC211 findings per corpus on the TUNING half of /work/shared/corpora (bench/findings.py,
   rule enabled), next to the strict per-finding verdicts recorded in bench/results/anaphora_judged.json
   (counts only; a sample of up to 20 findings per corpus, read in their paragraph).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from dataclasses import fields, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from spec_lsp.language import anaphora  # noqa: E402
from spec_lsp.language.engine import LanguageEngine, LanguageSettings  # noqa: E402

DATA = Path("/work/shared/datasets/anaphora_reqeval/training.tsv")
BAR_F1, BAR_P = 0.72, 0.60


def load(path: Path) -> list[tuple[str, str, int, int, bool, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        m = re.search(r"<referential>(.*?)</referential>", parts[1])
        if not m:
            continue
        plain = re.sub(r"</?referential>", "", parts[1])
        a = m.start()
        rows.append((parts[0], plain, a, a + len(m.group(1)), parts[2].strip().upper() == "NOCUOUS",
                     parts[3].strip() if len(parts) > 3 else ""))
    return rows


def predict(doc, a: int, b: int, opts) -> bool:
    for r in anaphora.resolve(doc, None, opts):
        t = r.pronoun
        if t.idx < b and a < t.idx + len(t.text):
            return r.ambiguous or r.unresolved
    return False


def score(pairs) -> tuple[int, int, int, int]:
    tp = sum(1 for p, y in pairs if p and y)
    fp = sum(1 for p, y in pairs if p and not y)
    fn = sum(1 for p, y in pairs if y and not p)
    tn = sum(1 for p, y in pairs if not p and not y)
    return tp, fp, fn, tn


def prf(tp, fp, fn) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def line(name, c) -> str:
    p, r, f = prf(*c[:3])
    return f"| {name} | {c[0]} | {c[1]} | {c[2]} | {c[3]} | {p:.0%} | {r:.0%} | {f:.2f} |"


JUDGED = REPO / "bench/results/anaphora_judged.json"


def real_specs(count: bool) -> list[str]:
    judged = json.loads(JUDGED.read_text(encoding="utf-8")) if JUDGED.exists() else {}
    counts = {}
    if count:
        sys.path.insert(0, str(REPO / "bench"))
        import findings  # noqa: E402
        import split  # noqa: E402
        for c in split.corpora():
            fs, _ = findings.run(c, ("ambiguous-pronoun",))
            counts[c] = sum(1 for f in fs if f["half"] == "tuning" and f["rule"] == "ambiguous-pronoun")
    else:
        counts = {c: v.get("findings") for c, v in judged.get("corpora", {}).items()}
    out = ["", "## Real specs (tuning half; rule enabled)", "",
           f"Verdicts: {judged.get('how', 'none recorded')}", "",
           "| corpus | findings | judged | true | precision |", "|---|---|---|---|---|"]
    tj = tt = 0
    for c in sorted(counts):
        v = judged.get("corpora", {}).get(c, {})
        j, t = v.get("judged", 0), v.get("true", 0)
        tj += j
        tt += t
        out.append(f"| {c} | {counts[c]} | {j} | {t} | {f'{t / j:.0%}' if j else 'n/a'} |")
    out.append(f"| all | {sum(x or 0 for x in counts.values())} | {tj} | {tt} | {f'{tt / tj:.0%}' if tj else 'n/a'} |")
    return out + [""]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=REPO / "bench/results/anaphora.md")
    ap.add_argument("--dump", action="store_true")
    ap.add_argument("--corpora", action="store_true", help="also count findings on the tuning half of every corpus")
    a = ap.parse_args(argv)
    rows = load(a.data)
    eng = LanguageEngine(LanguageSettings(enabled_rules=frozenset({"ambiguous-pronoun"})))
    eng.load()
    docs = list(eng.nlp.pipe([r[1] for r in rows]))
    groups = sorted({r[0].split("#")[0] for r in rows})
    labels = [r[4] for r in rows]

    names = [f.name for f in fields(anaphora.Options)]
    configs = [anaphora.Options(**dict(zip(names, bits))) for bits in itertools.product((True, False), repeat=len(names))]
    preds = {}
    for ci, o in enumerate(configs):
        preds[ci] = [predict(d, r[2], r[3], o) for d, r in zip(docs, rows)]
    default_i = next(i for i, o in enumerate(configs) if o == anaphora.DEFAULT)

    def sc(ci, idx):
        return score([(preds[ci][i], labels[i]) for i in idx])

    out = ["# ambiguous-pronoun (SPEC211) on ReqEval anaphora (training split)", "",
           f"`python bench/eval_anaphora.py` — {len(rows)} marked pronouns, {sum(labels)} NOCUOUS. "
           f"Issue bar for default-on: F1 > {BAR_F1} with P > {BAR_P:.2f}.", "",
           "## Shipped configuration", "", "| set | TP | FP | FN | TN | P | R | F1 |", "|---|---|---|---|---|---|---|---|"]
    allidx = list(range(len(rows)))
    out.append(line("full set", sc(default_i, allidx)))
    for g in groups:
        out.append(line(f"group {g} ({sum(1 for r in rows if r[0].startswith(g + '#'))})",
                        sc(default_i, [i for i, r in enumerate(rows) if r[0].startswith(g + "#")])))
    base = score([(True, y) for y in labels])
    out.append(line("flag every pronoun (baseline)", base))

    # nested leave-one-group-out
    pooled = []
    chosen = []
    for g in groups:
        test = [i for i, r in enumerate(rows) if r[0].startswith(g + "#")]
        train = [i for i in allidx if i not in set(test)]

        def key(ci):
            p, r, f = prf(*sc(ci, train)[:3])
            return (p > BAR_P, f, ci == default_i)
        best = max(range(len(configs)), key=key)
        chosen.append((g, best))
        pooled += [(preds[best][i], labels[i]) for i in test]
    out += ["", "## Held-out (nested leave-one-group-out: switches chosen on the other groups)", "",
            "| set | TP | FP | FN | TN | P | R | F1 |", "|---|---|---|---|---|---|---|---|",
            line("pooled held-out", score(pooled)), "",
            "Switches chosen per held-out group (flags that differ from the shipped configuration):", ""]
    for g, ci in chosen:
        diff = [f"{n}={getattr(configs[ci], n)}" for n in names if getattr(configs[ci], n) != getattr(anaphora.DEFAULT, n)]
        out.append(f"- {g}: {', '.join(diff) or 'the shipped configuration'}")

    out += ["", "## Ablation (shipped configuration with one switch flipped, full set)", "",
            "| switch | TP | FP | FN | TN | P | R | F1 |", "|---|---|---|---|---|---|---|---|"]
    for n in names:
        o = replace(anaphora.DEFAULT, **{n: not getattr(anaphora.DEFAULT, n)})
        ci = next(i for i, c in enumerate(configs) if c == o)
        out.append(line(f"{n}={getattr(o, n)}", sc(ci, allidx)))
    p, r, f = prf(*sc(default_i, allidx)[:3])
    hp, hr, hf = prf(*score(pooled)[:3])
    out += ["", f"Bar (F1 > {BAR_F1}, P > {BAR_P:.2f}): full set {'met' if f > BAR_F1 and p > BAR_P else 'missed'} "
            f"(F1 {f:.2f}, P {p:.0%}); held-out {'met' if hf > BAR_F1 and hp > BAR_P else 'missed'} (F1 {hf:.2f}, P {hp:.0%}).", ""]
    out += real_specs(a.corpora)
    text = "\n".join(out)
    print(text)
    if a.dump:
        for d, r, pr in zip(docs, rows, preds[default_i]):
            res = [x for x in anaphora.resolve(d, None) if x.pronoun.idx < r[3] and r[2] < x.pronoun.idx + len(x.pronoun.text)]
            why = (res[0].skipped or ",".join(c.text for c in res[0].candidates)) if res else "-"
            mark = "ok " if pr == r[4] else "ERR"
            print(f"{mark} {r[0]:<12} {'N' if r[4] else 'i'} pred={'N' if pr else 'i'} [{why}] {r[1][:150]}")
    a.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
