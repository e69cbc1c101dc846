"""The report of an evals run: per-clause pass rates and the failing answers with the grader's reasons,
as JSON (`report.json`, also what the editor's hover reads), Markdown and one self-contained HTML page."""

from __future__ import annotations

import html
import json
from pathlib import Path

from .collect import ClauseEval

REPORT_SCHEMA = "spec-lsp.evals-report/1"


def _latest(results: list[dict], keys: set[str]) -> dict[str, dict]:
    """Per job key the record that counts: the last graded one, else the last error."""
    got: dict[str, dict] = {}
    for r in results:
        k = r.get("key")
        if k not in keys:
            continue
        if r.get("status") == "graded" or got.get(k, {}).get("status") != "graded":
            got[k] = r
    return got


def build_report(items: list[ClauseEval], results: list[dict], meta: dict, keys: set[str]) -> dict:
    latest = _latest(results, keys)
    by_clause: dict[str, list[dict]] = {}
    for r in latest.values():
        by_clause.setdefault(r["clause"], []).append(r)
    clauses = []
    tot = {"clauses": 0, "answers": 0, "passed": 0, "failed": 0, "ungraded": 0, "errors": 0, "not_run": 0}
    without = [it.id for it in items if not it.prompts]
    for it in items:
        if not it.prompts:
            continue
        rs = sorted(by_clause.get(it.id, []), key=lambda r: (_pnum(r["prompt"]), r.get("sample", 0)))
        graded = [r for r in rs if r.get("status") == "graded"]
        passed = sum(1 for r in graded if r["verdict"] == "PASS")
        failed = [r for r in graded if r["verdict"] == "FAIL"]
        ungraded = [r for r in graded if r["verdict"] == "UNPARSED"]
        errors = [r for r in rs if r.get("status") == "error"]
        expected = len(it.prompts) * int(meta.get("samples", 1) or 1)
        prompt_by_id = {p.id: p for p in it.prompts}
        clauses.append({
            "id": it.id, "criterion": it.criterion, "document": it.document, "line": it.line,
            "section": list(it.section), "anchor": it.anchor, "authority": it.authority,
            "passed": passed, "total": len(graded), "expected": expected,
            "failed": len(failed), "ungraded": len(ungraded), "errors": len(errors),
            "pass_rate": round(passed / len(graded), 4) if graded else None,
            "failures": [{
                "prompt": r["prompt"], "prompt_title": r.get("prompt_title", ""), "sample": r.get("sample", 0),
                "messages": list(prompt_by_id[r["prompt"]].messages) if r["prompt"] in prompt_by_id else [],
                "answer": r.get("answer", ""), "verdict": r["verdict"], "reason": r.get("reason", ""),
                "quote": r.get("quote", ""), "cited": r.get("cited", False),
                **({"grader_output": r.get("grader_output", "")} if r["verdict"] == "UNPARSED" else {}),
            } for r in failed + ungraded],
            "errors_detail": [{"prompt": r["prompt"], "error": r.get("error", "")} for r in errors],
        })
        tot["clauses"] += 1
        tot["answers"] += len(graded)
        tot["passed"] += passed
        tot["failed"] += len(failed)
        tot["ungraded"] += len(ungraded)
        tot["errors"] += len(errors)
        tot["not_run"] += max(0, expected - len(graded) - len(errors))
    tot["pass_rate"] = round(tot["passed"] / tot["answers"], 4) if tot["answers"] else None
    return {"schema": REPORT_SCHEMA, "run": meta, "totals": tot, "clauses": clauses, "clauses_without_prompts": without}


def _pnum(pid: str) -> int:
    try:
        return int(pid.rsplit("/", 1)[1])
    except (IndexError, ValueError):
        return 0


def _pct(x) -> str:
    return "–" if x is None else f"{round(100 * x)}%"


def to_markdown(rep: dict) -> str:
    run, tot = rep["run"], rep["totals"]
    out = [f"# Spec evals: {run.get('workspace') or 'spec'}", "",
           f"Model `{run.get('model')}`, graded by `{run.get('grader_model')}` · run {_when(run)}", "",
           f"**{tot['passed']}/{tot['answers']} answers passed ({_pct(tot['pass_rate'])})** over {tot['clauses']} clauses"
           + (f"; {tot['ungraded']} ungraded" if tot["ungraded"] else "") + (f"; {tot['errors']} request errors" if tot["errors"] else "")
           + (f"; {tot['not_run']} not run yet" if tot["not_run"] else ""), "",
           "| clause | section | passed | rate |", "|---|---|---:|---:|"]
    for c in rep["clauses"]:
        sec = " › ".join(c["section"]).replace("|", "\\|")
        out.append(f"| [^{c['id']}] | {sec} | {c['passed']}/{c['total']} | {_pct(c['pass_rate'])} |")
    w = rep.get("clauses_without_prompts") or []
    if w:
        out += ["", f"{len(w)} clause(s) without challenge prompts, not run: " + ", ".join(f"[^{x}]" for x in w)]
    failing = [c for c in rep["clauses"] if c["failures"] or c["errors_detail"]]
    if failing:
        out += ["", "## Failing answers", ""]
    for c in failing:
        out += [f"### [^{c['id']}] {' › '.join(c['section'])}", "", f"> {c['criterion']}", "", f"`{c['document']}:{c['line']}`", ""]
        for f in c["failures"]:
            out += [f"**{f['prompt_title'] or f['prompt']}** ({f['prompt']}, sample {f['sample'] + 1}): **{f['verdict']}**", ""]
            out += ["Answer:", "", "```text", f["answer"].replace("```", "ˋˋˋ"), "```", ""]
            out += [f"Grader: {f['reason'] or '(no reason given)'}" + ("" if f["cited"] else " *(the grader did not cite the clause)*"), ""]
        for e in c["errors_detail"]:
            out += [f"- {e['prompt']}: request failed: {e['error']}", ""]
    return "\n".join(out).rstrip() + "\n"


_CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--bg2:#f6f8fa}
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);margin:0;background:#fff}
main{max-width:1100px;margin:0 auto;padding:28px 32px 60px}h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:36px 0 12px;border-bottom:1px solid var(--line);padding-bottom:6px}
.meta{color:var(--muted);margin:0 0 18px}.meta code{background:var(--bg2);padding:1px 5px;border-radius:4px}
.cards{display:flex;gap:14px;flex-wrap:wrap;margin:0 0 10px}.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:13px}.card.fail b{color:var(--fail)}.card.pass b{color:var(--pass)}
table{border-collapse:collapse;width:100%;font-size:14px}th{text-align:left;color:var(--muted);font-weight:600;border-bottom:2px solid var(--line);padding:6px 8px}
td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;white-space:nowrap}.sec{color:var(--muted);font-size:13px}
.crit{max-width:520px}.bar{display:inline-block;width:90px;height:8px;border-radius:4px;background:#eaeef2;vertical-align:middle;margin-right:8px;overflow:hidden}
.bar i{display:block;height:100%;background:var(--pass)}.bar.low{background:#ffebe9}.bar.low i{background:var(--fail)}.bar.mid i{background:var(--warn)}
.pct{display:inline-block;min-width:44px;text-align:right}th.num{text-align:right}.jump{font-size:12px}.id{color:var(--fg)}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
.clause{border:1px solid var(--line);border-radius:8px;margin:0 0 18px;overflow:hidden}.clause>header{background:var(--bg2);padding:10px 14px;border-bottom:1px solid var(--line)}
.clause>header .id{font-weight:600}.clause blockquote{margin:6px 0 0;padding:0 0 0 10px;border-left:3px solid var(--line);color:var(--fg)}
.fail-item{padding:12px 14px;border-top:1px solid var(--line)}.fail-item:first-of-type{border-top:0}
.verdict{display:inline-block;font-weight:700;font-size:12px;padding:1px 7px;border-radius:10px;color:#fff;background:var(--fail);margin-right:6px}.verdict.UNPARSED{background:var(--warn)}
.label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em;margin:10px 0 3px}
pre{white-space:pre-wrap;word-wrap:break-word;background:var(--bg2);border-radius:6px;padding:8px 10px;margin:0;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;max-height:260px;overflow:auto}
.reason{background:#fff8f8;border:1px solid #ffcecb;border-radius:6px;padding:8px 10px}.nocite{color:var(--warn);font-size:13px}
details summary{cursor:pointer;color:var(--muted);font-size:13px;margin-top:8px}.msg{margin:6px 0}.role{font-weight:600;font-size:12px;color:var(--muted)}
.ok{color:var(--pass)}.muted{color:var(--muted)}
"""


def _bar(rate) -> str:
    if rate is None:
        return '<span class="bar"></span>'
    cls = "low" if rate < 0.5 else "mid" if rate < 0.8 else ""
    return f'<span class="bar {cls}"><i style="width:{round(100 * rate)}%"></i></span>'


def to_html(rep: dict) -> str:
    e = html.escape
    run, tot = rep["run"], rep["totals"]
    name = run.get("workspace") or "spec"
    rows = []
    for c in rep["clauses"]:
        nbad = len(c["failures"]) + len(c["errors_detail"])
        more = (f'<a class="jump" href="#c-{e(c["id"])}">{nbad} failing ↓</a>' if nbad else "")
        rows.append(
            f'<tr><td class="id">[^{e(c["id"])}]</td>'
            f'<td><div class="crit">{e(_clip(c["criterion"], 180))}</div><div class="sec">{e(" › ".join(c["section"]))}'
            f'{" · authority: " + e(c["authority"]) if c["authority"] else ""}</div></td>'
            f'<td class="num">{_bar(c["pass_rate"])}<span class="pct">{_pct(c["pass_rate"])}</span></td>'
            f'<td class="num">{c["passed"]}/{c["total"]}{"<br>" + more if more else ""}</td></tr>')
    fails = []
    for c in rep["clauses"]:
        if not (c["failures"] or c["errors_detail"]):
            continue
        items = []
        for f in c["failures"]:
            convo = "".join(f'<div class="msg"><div class="role">{e(m["role"])}</div><pre>{e(m["content"])}</pre></div>' for m in f["messages"])
            items.append(
                f'<div class="fail-item"><span class="verdict {e(f["verdict"])}">{e(f["verdict"])}</span>'
                f'<b>{e(f["prompt_title"] or f["prompt"])}</b> <span class="muted">{e(f["prompt"])} · sample {f["sample"] + 1}</span>'

                + (f'<div class="label">Prompt ({e(_last_request(f["messages"])[0])})</div><pre>{e(_last_request(f["messages"])[1])}</pre>' if f["messages"] else "")
                + f'<div class="label">Answer</div><pre>{e(f["answer"])}</pre>'
                f'<div class="label">Grader</div><div class="reason">{e(f["reason"] or "(no reason given)")}'
                + ("" if f["cited"] else ' <span class="nocite">(the grader did not cite the clause)</span>') + "</div>"
                + (f'<details><summary>grader output</summary><pre>{e(f.get("grader_output", ""))}</pre></details>' if f["verdict"] == "UNPARSED" else "")
                + f'<details><summary>whole conversation ({len(f["messages"])} message{"s" if len(f["messages"]) != 1 else ""})</summary>{convo}</details></div>')
        for er in c["errors_detail"]:
            items.append(f'<div class="fail-item"><span class="verdict UNPARSED">ERROR</span>{e(er["prompt"])}: {e(er["error"])}</div>')
        fails.append(
            f'<section class="clause" id="c-{e(c["id"])}"><header><span class="id">[^{e(c["id"])}]</span> '
            f'<span class="sec">{e(" › ".join(c["section"]))} · {e(c["document"])}:{c["line"]} · {c["passed"]}/{c["total"]} passed</span>'
            f'<blockquote>{e(c["criterion"])}</blockquote></header>{"".join(items)}</section>')
    cards = [
        f'<div class="card {"pass" if (tot["pass_rate"] or 0) >= 0.8 else "fail"}"><b>{_pct(tot["pass_rate"])}</b><span>{tot["passed"]} of {tot["answers"]} answers passed</span></div>',
        f'<div class="card"><b>{tot["clauses"]}</b><span>clauses with prompts</span></div>',
        f'<div class="card fail"><b>{tot["failed"]}</b><span>failing answers</span></div>',
    ]
    if tot["ungraded"] or tot["errors"] or tot["not_run"]:
        cards.append(f'<div class="card"><b>{tot["ungraded"] + tot["errors"] + tot["not_run"]}</b><span>'
                     f'{tot["ungraded"]} ungraded · {tot["errors"]} errors · {tot["not_run"]} not run</span></div>')
    when = e(_when(run))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Spec evals: {e(name)}</title><style>{_CSS}</style></head>
<body><main>
<h1>Spec evals: {e(name)}</h1>
<p class="meta">Model <code>{e(str(run.get("model")))}</code> graded by <code>{e(str(run.get("grader_model")))}</code> · {when}</p>
<div class="cards">{"".join(cards)}</div>
<h2>Pass rate per clause</h2>
<p class="muted">Clauses in spec order. A clause passes an answer when the grader finds the answer follows it.</p>
<table><thead><tr><th>clause</th><th>criterion · section</th><th class="num">pass rate</th><th class="num">passed</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
{_without_html(rep)}
<h2>Failing answers</h2>
{"".join(fails) or '<p class="ok">No failing answers.</p>'}
</main></body></html>
"""


def _without_html(rep: dict) -> str:
    w = rep.get("clauses_without_prompts") or []
    if not w:
        return ""
    ids = ", ".join(f"[^{html.escape(x)}]" for x in w[:40]) + ("…" if len(w) > 40 else "")
    return (f'<p class="muted">{len(w)} clause{"s have" if len(w) != 1 else " has"} no challenge prompts and '
            f'{"were" if len(w) != 1 else "was"} not run: <span class="id">{ids}</span></p>')


def _last_request(messages: list[dict]) -> tuple[str, str]:
    for m in reversed(messages):
        if m.get("role") in ("user", "developer", "tool", "system"):
            return m["role"], m.get("content", "")
    return "", ""


def _when(run: dict) -> str:
    """“2026-11-23 03:24 UTC, 2 s”: a run's start and duration, readable."""
    from datetime import datetime

    try:
        a = datetime.fromisoformat(run["started"])
    except (KeyError, TypeError, ValueError):
        return str(run.get("started", ""))
    out = a.strftime("%Y-%m-%d %H:%M UTC")
    try:
        secs = (datetime.fromisoformat(run["finished"]) - a).total_seconds()
        out += ", under 1 s" if secs < 1 else f", {secs:.0f} s" if secs < 120 else f", {secs / 60:.0f} min"
    except (KeyError, TypeError, ValueError):
        out += ", unfinished"
    return out


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def write_reports(items: list[ClauseEval], results: list[dict], meta: dict, out: Path, opts_keys: set[str]) -> list[Path]:
    rep = build_report(items, results, meta, opts_keys)
    paths = [out / "report.json", out / "report.md", out / "report.html"]
    paths[0].write_text(json.dumps(rep, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths[1].write_text(to_markdown(rep), encoding="utf-8")
    paths[2].write_text(to_html(rep), encoding="utf-8")
    return paths


def load_pass_rates(report_path: Path) -> dict[str, tuple[int, int, str]]:
    """clause ID -> (passed, graded, run date) from a report.json; {} when missing or unreadable."""
    try:
        rep = json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(rep, dict) or rep.get("schema") != REPORT_SCHEMA:
        return {}
    when = str((rep.get("run") or {}).get("finished") or (rep.get("run") or {}).get("started") or "")
    out = {}
    for c in rep.get("clauses") or []:
        try:
            out[str(c["id"])] = (int(c["passed"]), int(c["total"]), when)
        except (KeyError, TypeError, ValueError):
            continue
    return out


__all__ = ["build_report", "to_markdown", "to_html", "write_reports", "load_pass_rates", "REPORT_SCHEMA"]
