"""Requirement IDs by configuration (`id-patterns`): `REQ-12: …`, `**FR-001**: …` at the start of a
paragraph or list item define a clause; any other match is a mention.  Evidence is a challenge file
(`challenge-files`), as for the Model Spec.  A fallback format: it reads every Markdown file that no
specific format claims."""

from __future__ import annotations

from typing import Sequence

from .base import Evidence, Format, MissingEvidenceFix


class IdPatternsFormat(Format):
    name = "id-patterns"
    title = "requirement IDs by `id-patterns` (REQ-12: …), challenge files as evidence"
    fallback = True
    uses_challenge_files = True

    def detect(self, files: Sequence[str]) -> bool:  # active whenever `id-patterns` is configured
        return False

    def definition_patterns(self, rel_path, config):
        return config.id_patterns

    def citation_patterns(self, config):
        return config.id_patterns  # configured requirement IDs (REQ-12) are distinctive by construction

    def symbol_name(self, clause) -> str:
        return f"[^{clause.id}]"

    def evidence(self, ws, path, clause):
        out = []
        for d in ws.challenge_docs(clause.id):
            rng = d.header.range if d.header else _zero()
            out.append(Evidence("challenge-file", d.path, rng, d.path))
        return out

    def missing_evidence(self, ws, path, clause, section_title):
        from ..core.checks import challenge_template_text

        new_path = ws.challenge_path_for(clause.id)
        return MissingEvidenceFix(f"Create {new_path}", new_path, challenge_template_text(clause.id, section_title))


def _zero():
    from ..core.model import Position, Range

    return Range(Position(0, 0), Position(0, 0))
