"""Rule documentation pages, read from the installed package (`spec_lsp/docs/rules/<name>.md`), and
their public URLs.  Needs nothing outside the standard library, so `spec-lsp rule` works from a bare
wheel; used by the CLI (`spec-lsp rule`), SARIF (`helpUri`, `help.markdown`) and the server
(`codeDescription`, the hover on a diagnostic)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from .model import Rule

# Stable public address of the pages; `{name}` is the rule's kebab-case name, `{code}` its code.
DEFAULT_DOCS_URL = "https://github.com/spec-lsp/spec-lsp/blob/main/spec_lsp/docs/rules/{name}.md"


def doc_url(rule: Rule, template: str | None = None) -> str:
    """The page's URL.  `template` (config key `docs-url`) may use `{name}` and `{code}`; a value
    without either is a base to which `<name>.md` is appended."""
    t = (template or "").strip() or DEFAULT_DOCS_URL
    if "{name}" not in t and "{code}" not in t:
        t = t.rstrip("/") + "/{name}.md"
    return t.replace("{name}", rule.name).replace("{code}", rule.code)


@lru_cache(maxsize=None)
def page(name: str) -> str | None:
    """The Markdown page of the rule named `name`, from the package data; None if it has none."""
    try:
        return (resources.files("spec_lsp") / "docs" / "rules" / f"{name}.md").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError, ModuleNotFoundError):
        return None


_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$")


def section(text: str, title: str) -> str:
    """The first paragraph under the `## title` heading of a page ("" if there is none)."""
    lines = text.splitlines()
    out: list[str] = []
    inside = False
    for line in lines:
        m = _HEADING.match(line)
        if m:
            if inside:
                break
            inside = m.group(1).strip().lower() == title.lower()
            continue
        if inside:
            if not line.strip():
                if out:
                    break
                continue
            out.append(line.strip())
    return " ".join(out)


def summary(rule: Rule) -> str:
    """What the page says the rule flags (its first paragraph), else the registry's one-line summary."""
    text = page(rule.name)
    got = section(text, "What it flags") if text else ""
    return got or rule.summary


def how_to_fix(rule: Rule) -> str:
    text = page(rule.name)
    return section(text, "How to fix") if text else ""


def hover_markdown(rule: Rule, template: str | None = None) -> str:
    """The part of a hover that explains a diagnostic's rule: summary, fix, link to the page."""
    parts = [f"**{rule.code} {rule.name}**: {summary(rule)}"]
    fix = how_to_fix(rule)
    if fix:
        parts.append(f"*How to fix:* {fix}")
    parts.append(f"[Rule documentation]({doc_url(rule, template)})")
    return "\n\n".join(parts)
