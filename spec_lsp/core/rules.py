"""The rule registry and how configuration selects rules and sets their severity."""

from __future__ import annotations

from functools import lru_cache

from .config import Config, matches_selector
from .model import Rule, Severity

E, W, I, H = Severity.ERROR, Severity.WARNING, Severity.INFORMATION, Severity.HINT


def _r(code: str, name: str, sev: Severity, summary: str, category: str = "structure", enabled: bool = True) -> Rule:
    return Rule(code, name, category, sev, summary, enabled, f"spec_lsp/docs/rules/{name}.md")


# Rules checked outside `core/checks.py` (config, workspace reading, trace, spec.lock, eval material).
# The generic structural rules (SPEC010/011, SPEC101-104, SPEC110/111, SPEC120-122, SPEC130, SPEC140)
# are declared next to their checks and messages in spec_lsp/rules/<rule>.py.
_OTHER_RULES: tuple[Rule, ...] = (
    _r("SPEC001", "invalid-config", E, "The configuration file has a key that is unknown or has a bad value; its default is used."),
    _r("SPEC002", "unreadable-file", E, "A spec file could not be read as UTF-8 text."),
    # traceability (spec_lsp/trace/): citations in code, tests and other files
    _r("SPEC500", "unknown-citation", W, "A code, test or other file cites a clause ID that no clause carries (or that spec.lock retired)."),
    _r("SPEC501", "ambiguous-citation", W, "A file cites an ID defined in several scopes (spec-kit features) without saying which."),
    # spec versions (spec_lsp/versions/): spec.lock
    _r("SPEC520", "stale-evidence", W, "A clause was reworded since spec.lock while its challenge prompts were not: they may no longer test it."),
    _r("SPEC521", "reused-id", E, "A clause ID that spec.lock records as retired is back on a different sentence."),
    _r("SPEC522", "invalid-lock-file", E, "spec.lock cannot be read (bad TOML or a malformed entry); it is ignored where broken."),
    # eval material (spec_lsp/core/eval_checks.py)
    _r("SPEC540", "challenge-without-user-turn", W, "A challenge conversation has no user turn (nor a closing developer request) for a model to answer."),
    _r("SPEC541", "comparison-without-good-answer", W, "A `<comparison>` has no `<!-- GOOD -->` answer, so a grader has no example of what passes."),
    _r("SPEC542", "examples-without-challenge-file", W, "A clause has no challenge file although its section has examples (replaces SPEC101 for that clause)."),
)


from ..rules import GENERIC_RULES  # noqa: E402  (they import this registry only when called)

STRUCTURE_RULES: tuple[Rule, ...] = tuple(sorted(_OTHER_RULES + GENERIC_RULES, key=lambda r: r.code))


def all_rules() -> tuple[Rule, ...]:
    rules = list(STRUCTURE_RULES)
    try:
        from ..language.registry import LANGUAGE_RULES  # no spaCy import there
    except ImportError:  # pragma: no cover - the language package is part of the distribution
        LANGUAGE_RULES = ()
    rules.extend(LANGUAGE_RULES)
    from ..formats import all_format_rules  # each format declares its rules with its code

    rules.extend(all_format_rules())
    return tuple(rules)


@lru_cache(maxsize=None)
def _by_key() -> dict[str, Rule]:
    d: dict[str, Rule] = {}
    for r in all_rules():
        d[r.code] = r
        d[r.name] = r
    return d


def rule(key: str) -> Rule:
    return _by_key()[key]


def find_rule(key: str) -> Rule | None:
    return _by_key().get(key) or _by_key().get(key.upper())


def _specificity(sel: str, r: Rule) -> int:
    s = sel.strip()
    if s.upper() == r.code or s.lower() == r.name:
        return 3
    if s.upper().startswith("SPEC"):
        return 2
    return 1  # category or ALL


class RuleSettings:
    """Resolved per-rule state for one configuration (and optional CLI overrides)."""

    def __init__(self, config: Config, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> None:
        self._sev: dict[str, Severity | None] = {}
        select = select or config.select
        ignore = tuple(config.ignore) + tuple(ignore)
        for r in all_rules():
            on = r.enabled
            if select:
                on = any(matches_selector(s, r.code, r.name, r.category) for s in select)
            sev: Severity | None = r.severity
            best = -1
            for key, val in config.rules.items():
                if matches_selector(key, r.code, r.name, r.category):
                    sp = _specificity(key, r)
                    if sp >= best:
                        best = sp
                        if val == "off":
                            on_override, s2 = False, None
                        elif val == "on":
                            on_override, s2 = True, r.severity
                        else:
                            on_override, s2 = True, Severity.parse(val)
                        rule_on = on_override
                        sev = s2
            if best >= 0:
                on = rule_on
            if any(matches_selector(s, r.code, r.name, r.category) for s in ignore):
                on = False
            self._sev[r.code] = sev if on else None

    def severity(self, code: str) -> Severity | None:
        return self._sev.get(code)

    def finding_severity(self, code: str, reported: Severity) -> Severity | None:
        """The severity a finding is shown with, or None when its rule is off. The configured
        severity replaces the rule's default; a finding its rule deliberately reported at another
        level (a contradiction that an authority override resolves is information) keeps it."""
        sev = self._sev.get(code)
        if sev is None:
            return None
        r = find_rule(code)
        return sev if r is None or reported == r.severity else reported

    def enabled(self, code: str) -> bool:
        return self._sev.get(code) is not None

    def any_enabled(self, category: str) -> bool:
        return any(self._sev.get(r.code) is not None for r in all_rules() if r.category == category)
