"""The language and consistency rules: codes, names, defaults.  Importing this never imports spaCy."""

from __future__ import annotations

from ..core.model import Rule, Severity

W, I, H = Severity.WARNING, Severity.INFORMATION, Severity.HINT


def _r(code: str, name: str, sev: Severity, summary: str, enabled: bool = False, category: str = "language") -> Rule:
    return Rule(code, name, category, sev, summary, enabled, f"spec_lsp/docs/rules/{name}.md")


# Every language rule and the contradiction checker are OFF by default: none reached the bar (≥ 80% blind-judged
# precision on the test half of every corpus where it fires ≥ 5 times) in rounds 1–3 (bench/results/judging-r*/).
# Turn one on with a severity in `[rules]` or `--select`; each rule's page states its measured figures.
LANGUAGE_RULES: tuple[Rule, ...] = (
    _r("SPEC201", "vague-term", I, "A vague adjective or adverb (“appropriate”, “adequate”, “reasonable”) with no stated criterion."),
    _r("SPEC202", "subjective-language", I, "A matter of taste (“user-friendly”, “intuitive”, “seamless”) instead of an observable property."),
    _r("SPEC203", "loophole", W, "An escape clause (“if possible”, “as appropriate”, “where necessary”) that makes the requirement optional.", enabled=False),
    _r("SPEC204", "open-ended-list", W, "A list that does not end (“etc.”, “and so on”, “including but not limited to”).", enabled=False),
    _r("SPEC205", "superlative", I, "A superlative (“best”, “fastest”, “most secure”) that cannot be verified."),
    _r("SPEC206", "comparative-without-reference", I, "A comparative (“faster”, “more robust”) with nothing to compare against.", enabled=False),
    _r("SPEC207", "vague-timing", W, "Timing without a bound (“quickly”, “periodically”, “in a timely manner”)."),
    _r("SPEC208", "unbounded-quantifier", I, "A quantity without a number (“some”, “several”, “many”, “a few”).", enabled=False),
    _r("SPEC209", "coordination-ambiguity", W, "“and/or”, or “and” and “or” mixed in one list, so the grouping is unclear.", enabled=False),
    _r("SPEC210", "passive-without-agent", I, "A required action in the passive voice with no one to perform it (“must be logged”).", enabled=False),
    _r("SPEC211", "ambiguous-pronoun", I, "A pronoun with more than one plausible antecedent in the same or the previous sentence.", enabled=False),
    _r("SPEC212", "number-without-unit", W, "A number that does not say what it counts or measures.", enabled=False),
    _r("SPEC213", "placeholder", W, "Unfinished text: TBD, TODO, FIXME, “[NEEDS CLARIFICATION]”.", enabled=True),
    _r("SPEC214", "weak-modal", I, "Tentative wording in a requirement (“might”, “could”, “ideally”, “try to”)."),
    _r("SPEC215", "keyword-misuse", W, "In a document that declares RFC 2119/8174 keywords, a requirement written with a lower-case “must”/“shall” (or “no … may”)."),
    _r("SPEC216", "unverifiable-predicate", I, "A requirement whose predicate no test can decide (“SHALL work in …”, “should feel similar”, “must be aware that”, “be limited” with no bound)."),
    _r("SPEC217", "ears-state-trigger", I, "An EARS criterion whose WHEN clause names a state (“WHEN the user is logged in”), not an event: WHILE, or the moment it begins?"),
    _r("SPEC301", "contradiction", W, "Two clauses that cannot both hold (must / must not, conflicting bounds, “only X” / “X or Y”).", category="consistency", enabled=False),
)

PARSER_FREE = frozenset({"loophole", "open-ended-list", "placeholder", "keyword-misuse", "vague-timing", "coordination-ambiguity"})
DEFAULT_ENABLED = frozenset(r.name for r in LANGUAGE_RULES if r.enabled)
