"""The traceability matrix: each clause with its evidence by kind and its citations; coverage totals.

Pure data and renderers (text, markdown, JSON, CSV, one self-contained HTML page).  Building the rows
from a workspace lives in `spec_lsp.trace.build`.
"""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import asdict, dataclass, field

# evidence kinds, in display order
EVIDENCE_KINDS = ("challenge prompts", "scenarios", "criteria", "tasks", "tests")
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class EvidenceItem:
    kind: str  # one of EVIDENCE_KINDS
    label: str  # "examples/pv01.md: 3 prompts", "tests/test_privacy.py::test_pv01", "T012"
    path: str
    line: int  # 1-based
    count: int = 1  # a challenge file stands for its number of prompts


@dataclass(frozen=True)
class CitationRef:
    path: str
    line: int  # 1-based
    file_kind: str  # test | code | config | doc
    test: str | None = None


@dataclass
class Row:
    id: str  # display ID
    key: str  # the ID as a citation names it: scope-qualified where the format has scopes (`001-photo-albums/FR-001`)
    path: str
    line: int  # 1-based
    section: str
    sentence: str
    evidence: list[EvidenceItem] = field(default_factory=list)
    citations: list[CitationRef] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(e.count for e in self.evidence if e.kind == kind)

    @property
    def covered(self) -> bool:
        return any(e.count > 0 for e in self.evidence)


@dataclass
class Matrix:
    root: str
    rows: list[Row]

    def totals(self, key) -> list[tuple[str, int, int]]:
        """(group, covered, total) grouped by key(row), in first-seen order."""
        groups: dict[str, list[int]] = {}
        for r in self.rows:
            g = groups.setdefault(key(r), [0, 0])
            g[0] += r.covered
            g[1] += 1
        return [(k, c, t) for k, (c, t) in groups.items()]

    @property
    def covered(self) -> int:
        return sum(r.covered for r in self.rows)

    @property
    def coverage(self) -> float:
        return 100.0 * self.covered / len(self.rows) if self.rows else 100.0


def _pct(c: int, t: int) -> str:
    return f"{(100.0 * c / t) if t else 100.0:.1f}%"


def _cell(r: Row, kind: str) -> str:
    n = r.count(kind)
    return str(n) if n else "–"


def to_json(m: Matrix) -> str:
    return json.dumps({
        "schemaVersion": SCHEMA_VERSION,
        "root": m.root,
        "clauses": [
            {**{k: v for k, v in asdict(r).items() if k not in ("evidence", "citations")},
             "covered": r.covered,
             "evidence": {k: [asdict(e) for e in r.evidence if e.kind == k] for k in EVIDENCE_KINDS},
             "citations": [asdict(c) for c in r.citations]}
            for r in m.rows
        ],
        "totals": {
            "clauses": len(m.rows), "covered": m.covered, "coverage": round(m.coverage, 2),
            "byDocument": [{"path": g, "covered": c, "clauses": t} for g, c, t in m.totals(lambda r: r.path)],
            "bySection": [{"path": g.split("\0")[0], "section": g.split("\0")[1], "covered": c, "clauses": t}
                          for g, c, t in m.totals(lambda r: r.path + "\0" + r.section)],
        },
    }, ensure_ascii=False, indent=2) + "\n"


def to_csv(m: Matrix) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", "path", "line", "section", "covered", *EVIDENCE_KINDS, "citations", "sentence"])
    for r in m.rows:
        w.writerow([r.id, r.path, r.line, r.section, "yes" if r.covered else "no", *(r.count(k) for k in EVIDENCE_KINDS),
                    len(r.citations), r.sentence])
    return out.getvalue()


def to_text(m: Matrix) -> str:
    lines = []
    w_id = max([len(r.key) for r in m.rows] + [2])
    hdr = ["prompts", "scen.", "crit.", "tasks", "tests"]
    lines.append(f"{'id':<{w_id}}  {'  '.join(f'{h:>7}' for h in hdr)}  cites  section")
    for r in m.rows:
        lines.append(f"{r.key:<{w_id}}  {'  '.join(f'{_cell(r, k):>7}' for k in EVIDENCE_KINDS)}  {len(r.citations):>5}  "
                     f"{r.section}{'' if r.covered else '   <- no evidence'}".rstrip())
    lines.append("")
    for g, c, t in m.totals(lambda r: r.path):
        lines.append(f"{g}: {c}/{t} clauses with evidence ({_pct(c, t)})")
        for g2, c2, t2 in m.totals(lambda r: r.path + "\0" + r.section):
            if g2.split("\0")[0] == g:
                lines.append(f"  {g2.split(chr(0))[1] or '(no section)'}: {c2}/{t2} ({_pct(c2, t2)})")
    lines.append(f"total: {m.covered}/{len(m.rows)} clauses with evidence ({_pct(m.covered, len(m.rows))})")
    return "\n".join(lines) + "\n"


def to_markdown(m: Matrix) -> str:
    lines = [f"## Traceability: {m.covered}/{len(m.rows)} clauses with evidence ({_pct(m.covered, len(m.rows))})", ""]
    lines.append("| document | clauses | with evidence | coverage |")
    lines.append("|---|---:|---:|---:|")
    for g, c, t in m.totals(lambda r: r.path):
        lines.append(f"| `{g}` | {t} | {c} | {_pct(c, t)} |")
    lines += ["", "| document | section | clauses | with evidence | coverage |", "|---|---|---:|---:|---:|"]
    for g, c, t in m.totals(lambda r: r.path + "\0" + r.section):
        p, sec = g.split("\0")
        lines.append(f"| `{p}` | {sec.replace('|', chr(92) + '|')} | {t} | {c} | {_pct(c, t)} |")
    lines += ["", "| clause | section | prompts | scenarios | criteria | tasks | tests | citations |",
              "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in m.rows:
        ident = f"**{r.key}**" if r.covered else f"⚠️ **{r.key}**"
        sec = r.section.replace("|", "\\|")
        lines.append(f"| {ident} | {sec} | " + " | ".join(_cell(r, k) for k in EVIDENCE_KINDS) + f" | {len(r.citations)} |")
    return "\n".join(lines) + "\n"


_CSS = """
:root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bad:#fff1f0;--badfg:#a40e26;--good:#1a7f37;--head:#f6f8fa}
*{box-sizing:border-box}body{font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;
color:var(--fg);background:var(--bg);margin:0;padding:24px 32px}
h1{font-size:22px;margin:0 0 4px}.sub{color:var(--muted);margin-bottom:18px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:18px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:12px}
.bar{height:6px;background:#eef1f4;border-radius:3px;margin-top:6px;overflow:hidden}.bar i{display:block;height:100%;background:var(--good)}
.controls{display:flex;gap:16px;align-items:center;margin:10px 0}
input[type=search]{padding:6px 10px;border:1px solid var(--line);border-radius:6px;width:280px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--head);position:sticky;top:0;cursor:pointer;user-select:none;white-space:nowrap}
th.num,td.num{text-align:right}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
tr.uncovered td{background:var(--bad)}tr.uncovered td.id{color:var(--badfg);font-weight:600}
td.id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;white-space:nowrap}
td.sentence{color:var(--muted);max-width:520px}td .where{color:var(--muted);font-size:12px}
details summary{cursor:pointer;color:var(--muted)}ul.ev{margin:4px 0 0 16px;padding:0}
.tag{display:inline-block;padding:0 6px;border-radius:10px;background:var(--bad);color:var(--badfg);font-size:12px}
"""

_JS = """
const t=document.getElementById('m'),tb=t.tBodies[0];
t.tHead.querySelectorAll('th').forEach((th,i)=>th.addEventListener('click',()=>{
 const asc=th.getAttribute('aria-sort')!=='ascending';t.tHead.querySelectorAll('th').forEach(h=>h.removeAttribute('aria-sort'));
 th.setAttribute('aria-sort',asc?'ascending':'descending');const num=th.classList.contains('num');
 const rows=[...tb.rows].sort((a,b)=>{let x=a.cells[i].dataset.v??a.cells[i].textContent,y=b.cells[i].dataset.v??b.cells[i].textContent;
 if(num){x=+x;y=+y;return asc?x-y:y-x}return asc?x.localeCompare(y):y.localeCompare(x)});rows.forEach(r=>tb.appendChild(r))}));
const q=document.getElementById('q'),only=document.getElementById('only');
function f(){const s=q.value.toLowerCase();[...tb.rows].forEach(r=>{const ok=(!only.checked||r.classList.contains('uncovered'))&&
 r.textContent.toLowerCase().includes(s);r.style.display=ok?'':'none'})}q.addEventListener('input',f);only.addEventListener('change',f);
"""


def to_html(m: Matrix, title: str = "Traceability matrix") -> str:
    e = html.escape
    total = len(m.rows)
    cards = [f'<div class="card"><b>{_pct(m.covered, total)}</b><span>{m.covered} of {total} clauses have evidence</span>'
             f'<div class="bar"><i style="width:{(100.0 * m.covered / total) if total else 100:.1f}%"></i></div></div>']
    for k in EVIDENCE_KINDS:
        n = sum(r.count(k) for r in m.rows)
        if n:
            cards.append(f'<div class="card"><b>{n}</b><span>{e(k)}</span></div>')
    ncite = sum(len(r.citations) for r in m.rows)
    cards.append(f'<div class="card"><b>{ncite}</b><span>citations in code, tests and docs</span></div>')
    docs = "".join(
        f'<tr><td>{e(g)}</td><td class="num">{t}</td><td class="num">{c}</td><td class="num">{_pct(c, t)}</td></tr>'
        for g, c, t in m.totals(lambda r: r.path))
    body = []
    for r in m.rows:
        items = "".join(f'<li>{e(ev.kind)}: {e(ev.label)} <span class="where">{e(ev.path)}:{ev.line}</span></li>' for ev in r.evidence)
        items += "".join(
            f'<li>cited in {e(c.file_kind)}: {e(c.path)}:{c.line}{(" · " + e(c.test)) if c.test else ""}</li>' for c in r.citations)
        det = f"<details><summary>{len(r.evidence)} evidence, {len(r.citations)} citations</summary><ul class=ev>{items}</ul></details>" if items else '<span class="tag">no evidence</span>'
        cells = "".join(f'<td class="num" data-v="{r.count(k)}">{_cell(r, k)}</td>' for k in EVIDENCE_KINDS)
        body.append(
            f'<tr class="{"covered" if r.covered else "uncovered"}"><td class="id">{e(r.key)}</td>'
            f'<td>{e(r.section)}<div class="where">{e(r.path)}:{r.line}</div></td>{cells}'
            f'<td class="num" data-v="{len(r.citations)}">{len(r.citations) or "–"}</td>'
            f'<td class="sentence">{e(r.sentence[:220])}{"…" if len(r.sentence) > 220 else ""}{det}</td></tr>')
    heads = "".join(f'<th class="num">{e(k)}</th>' for k in EVIDENCE_KINDS)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{e(title)}</title><style>{_CSS}</style></head><body>
<h1>{e(title)}</h1><div class="sub">{e(m.root)} · generated by spec-lsp trace</div>
<div class="cards">{''.join(cards)}</div>
<table><thead><tr><th>document</th><th class="num">clauses</th><th class="num">with evidence</th><th class="num">coverage</th></tr></thead><tbody>{docs}</tbody></table>
<div class="controls"><input id="q" type="search" placeholder="Filter clauses…" aria-label="Filter clauses">
<label><input id="only" type="checkbox"> only clauses without evidence</label></div>
<table id="m"><thead><tr><th>clause</th><th>section</th>{heads}<th class="num">citations</th><th>statement</th></tr></thead>
<tbody>{''.join(body)}</tbody></table>
<script>{_JS}</script></body></html>
"""


RENDERERS = {"text": to_text, "markdown": to_markdown, "json": to_json, "csv": to_csv, "html": to_html}
