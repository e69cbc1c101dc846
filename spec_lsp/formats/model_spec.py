"""The OpenAI Model Spec: sections are headings with `{#anchor authority=…}` attributes, a clause is a
sentence tagged `[^sy73]`, and `examples/sy73.md` holds that clause's challenge prompts (its evidence,
in the challenge format).  A fallback format: it reads every Markdown file no specific format claims,
so its behaviour is the tool's behaviour before formats existed.

Vocabulary: authority levels `root | system | developer | user | guideline` (configurable under
`[attributes]`); the two earliest public releases said `platform` for `root`, which is accepted with
an information-level hint (SPEC150) rather than an error.
"""

from __future__ import annotations

from typing import Sequence

from ..core.model import Rule, Severity
from .id_patterns import IdPatternsFormat

AUTHORITY_ALIASES = {"platform": "root"}


class ModelSpecFormat(IdPatternsFormat):
    name = "model-spec"
    title = "OpenAI Model Spec: [^id] clause tags, {#anchor authority=…} sections, examples/{id}.md challenge files"
    fallback = True
    uses_challenge_files = True
    aliases = {"authority": AUTHORITY_ALIASES}
    rules = (
        Rule("SPEC150", "historical-attribute-value", "structure", Severity.INFORMATION,
             "A section attribute uses a historical name (`authority=platform`); it is read as its current name (`root`).",
             True, "spec_lsp/docs/rules/historical-attribute-value.md"),
    )

    def detect(self, files: Sequence[str]) -> bool:
        return any(f.startswith("examples/") and f.endswith(".md") for f in files)

    def citation_patterns(self, config):
        # short tags (`sy73`) only in explicit forms: `sy73` inside a hash or a word is never a citation;
        # `id-patterns`, when configured, still cite as whole words
        return config.id_patterns

    def display_id(self, clause_id: str) -> str:
        return f"[^{clause_id}]"
