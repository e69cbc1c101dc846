"""Write each language rule's measured precision into its page (spec_lsp/docs/rules/<name>.md).

    python bench/rule_pages.py r1 [r2 ...]

For every round, reads bench/results/judging-<round>/verdicts-<corpus>.json and stats.json (blind verdicts on the
test halves) and replaces the page's "## Measured" section; the "Enabled by default" line follows the registry.
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from spec_lsp.language.registry import LANGUAGE_RULES  # noqa: E402

BAR = "the bar: ≥ 80% on the test half of every corpus where the rule fires ≥ 5 times"


def figures(rounds):
    out = collections.defaultdict(list)  # rule -> [(round, corpus, fired, judged, true)]
    for rnd in rounds:
        res = REPO / "bench" / "results" / f"judging-{rnd}"
        stats = json.loads((res / "stats.json").read_text())
        for corpus, st in sorted(stats.items()):
            vf = res / f"verdicts-{corpus}.json"
            vs = json.loads(vf.read_text()) if vf.exists() else []
            per = collections.defaultdict(lambda: [0, 0])
            for v in vs:
                per[v["rule"]][1] += 1
                per[v["rule"]][0] += v["verdict"] == "true"
            for rule, fired in st["findings_test"].items():
                t, n = per.get(rule, (0, 0))
                out[rule].append((rnd, corpus, fired, n, t))
    return out


def main() -> None:
    rounds = sys.argv[1:] or ["r1"]
    fig = figures(rounds)
    for r in LANGUAGE_RULES:
        page = REPO / "spec_lsp" / "docs" / "rules" / f"{r.name}.md"
        if not page.exists():
            continue
        s = page.read_text(encoding="utf-8")
        on = "Enabled by default." if r.enabled else "Off by default (enable it with a severity in `[rules]` or `--select`)."
        s = re.sub(r"(Default severity: \w+\.) (?:Enabled by default\.|Off by default[^\n]*)", rf"\1 {on}", s, count=1)
        rows = fig.get(r.name, [])
        title = "## Measured on real specs" if r.name == "contradiction" else "## Measured"
        sec = [title, ""]
        if rows:
            tot_t = sum(t for *_, n, t in rows)
            tot_n = sum(n for *_, n, t in rows)
            sec.append(f"Blind-judged on the test half of every corpus in `../shared/corpora` (up to 20 findings per corpus and round, "
                       f"judged by a reviewer who did not write the rules and saw only the sentence, its paragraph, the span and the "
                       f"message; `bench/results/judging-<round>/`). Overall: {tot_t} true of {tot_n} judged"
                       f" ({tot_t / tot_n:.0%}). " if tot_n else "No finding was judged. ")
            last = max((rnd for rnd, c, fired, n, t in rows if n), default=None)  # the rule as it is now
            fails = [(rnd, c, t, n) for rnd, c, fired, n, t in rows if rnd == last and fired >= 5 and n and t / n < 0.8]
            if not tot_n:
                sec.append("")
            elif fails:
                sec.append("It misses " + BAR + f" ({', '.join(f'{c} {t}/{n} in {rnd}' for rnd, c, t, n in fails)}), so it is off by default.")
            elif not r.enabled:
                sec.append(f"It fired fewer than 5 times on each corpus's test half; judged true in {tot_t} of {tot_n}, so it is off by "
                           "default (with it on, a corpus's overall precision would fall below 70%).")
            else:
                sec.append(f"It meets {BAR} (where it fires that often).")
            sec += ["", "| round | corpus | findings on the test half | judged | true | precision |", "|---|---|---|---|---|---|"]
            for rnd, c, fired, n, t in rows:
                sec.append(f"| {rnd} | {c} | {fired} | {n} | {t} | {f'{t / n:.0%}' if n else 'n/a'} |")
        else:
            sec.append("It did not fire on the test half of any corpus in the judged rounds.")
        block = "\n".join(sec) + "\n\n"
        if title + "\n" in s:
            s = re.sub(re.escape(title) + r"\n.*?(?=\n## |\Z)", block.rstrip("\n") + "\n", s, count=1, flags=re.S)
        else:
            s = s.replace("## Why", block + "## Why", 1)
        page.write_text(s, encoding="utf-8")
        print(r.name, "on" if r.enabled else "off", len(rows))


if __name__ == "__main__":
    main()
