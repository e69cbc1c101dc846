"""Findings at the edge: text, JSON and SARIF 2.1.0."""

from __future__ import annotations

import json
from typing import Iterable

from .. import __version__
from .model import Finding, Rule, Severity
from .rule_docs import doc_url, page
from .rules import all_rules

REPO_URL = "https://github.com/spec-lsp/spec-lsp"


def to_text(findings: Iterable[Finding], lines_of=None) -> str:
    out = []
    for f in findings:
        s = f.range.start
        col = s.character + 1
        out.append(f"{f.path}:{s.line + 1}:{col}: {f.severity.label} {f.code} {f.message}")
        for r in f.related:
            out.append(f"    {r.path}:{r.range.start.line + 1}:{r.range.start.character + 1}: note: {r.message}")
        if f.waived is not None:
            out[-1 - len(f.related)] += f"  [waived: {f.waived}]"
    return "\n".join(out)


def to_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.to_json() for f in findings], indent=2, ensure_ascii=False)


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFORMATION: "note", Severity.HINT: "note"}


def _region(rng) -> dict:
    # SARIF lines and columns are 1-based; we count columns in Unicode code points (declared in the run)
    return {
        "startLine": rng.start.line + 1,
        "startColumn": rng.start.character + 1,
        "endLine": rng.end.line + 1,
        "endColumn": rng.end.character + 1,
    }


def _rule_desc(r: Rule) -> dict:
    text = page(r.name)
    return {
        "id": r.code,
        "name": "".join(part.capitalize() for part in r.name.split("-")),
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.summary},
        "helpUri": doc_url(r),
        "help": {"text": r.summary, **({"markdown": text} if text else {})},
        "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity], "enabled": r.enabled},
        "properties": {"category": r.category, "tags": [r.category, r.name]},
    }


def to_sarif(findings: Iterable[Finding], root_uri: str | None = None) -> str:
    rules = list(all_rules())
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for f in findings:
        res = {
            "ruleId": f.code,
            "ruleIndex": index.get(f.code, 0),
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"}, "region": _region(f.range)}}],
            "partialFingerprints": {"specLsp/v1": f"{f.code}:{f.path}:{f.subject}:{f.message}"},
            "properties": {"rule": f.rule, "category": f.category, "subject": f.subject},
        }
        if f.related:
            res["relatedLocations"] = [
                {"id": k, "message": {"text": r.message},
                 "physicalLocation": {"artifactLocation": {"uri": r.path, "uriBaseId": "%SRCROOT%"}, "region": _region(r.range)}}
                for k, r in enumerate(f.related)
            ]
        if f.waived is not None:
            res["suppressions"] = [{"kind": "inSource", "justification": f.waived}]
        results.append(res)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "spec-lsp", "version": __version__, "semanticVersion": __version__,
                                "informationUri": REPO_URL, "rules": [_rule_desc(r) for r in rules]}},
            "columnKind": "unicodeCodePoints",
            **({"originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri.rstrip("/") + "/"}}} if root_uri else {}),
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def rules_table(fmt: str) -> str:
    rules = all_rules()
    if fmt == "json":
        return json.dumps([r.to_json() for r in rules], indent=2, ensure_ascii=False)
    w = max(len(r.name) for r in rules)
    lines = [f"{'code':8} {'name':{w}} {'category':12} {'severity':12} {'default':8} summary"]
    for r in rules:
        lines.append(f"{r.code:8} {r.name:{w}} {r.category:12} {r.severity.label:12} {'on' if r.enabled else 'off':8} {r.summary}")
    return "\n".join(lines)
