"""`spec-lsp rule NAME|CODE` (and `--all`): print a rule's documentation page, as `ruff rule` does.
Imports only the rule registry and the package's pages, so it runs from a wheel with no dependencies."""

from __future__ import annotations

import difflib
import json
import sys

from .core.rule_docs import doc_url, page
from .core.rules import all_rules, find_rule


def add_parser(sub) -> None:
    r = sub.add_parser("rule", help="print a rule's documentation page (by code or name)")
    r.add_argument("rule", nargs="?", metavar="NAME|CODE", help="rule code (SPEC120) or name (broken-anchor-link)")
    r.add_argument("--all", action="store_true", help="print every rule's page")
    r.add_argument("--format", choices=("text", "json"), default="text",
                   help="text: the Markdown page; json: code, name, summary, url and page")


def _entry(rule) -> dict:
    d = rule.to_json()
    d["url"] = doc_url(rule)
    d["page"] = page(rule.name)
    return d


def run(a) -> int:
    if a.all == bool(a.rule):
        sys.stderr.write("spec-lsp rule: give a rule code or name, or --all\n")
        return 2
    if a.all:
        rules = list(all_rules())
    else:
        rule = find_rule(a.rule.strip())
        if rule is None:
            names = [x.name for x in all_rules()] + [x.code for x in all_rules()]
            close = difflib.get_close_matches(a.rule.strip(), names, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else "; `spec-lsp rules` lists them"
            sys.stderr.write(f"spec-lsp rule: no rule “{a.rule}”{hint}\n")
            return 2
        rules = [rule]
    if a.format == "json":
        out = [_entry(r) for r in rules]
        sys.stdout.write(json.dumps(out if a.all else out[0], indent=2, ensure_ascii=False) + "\n")
        return 0
    chunks = []
    for r in rules:
        text = page(r.name) or f"# {r.name} ({r.code})\n\n{r.summary}\n"
        chunks.append(text.rstrip("\n") + f"\n\n{doc_url(r)}\n")
    sys.stdout.write("\n".join(chunks))
    return 0
