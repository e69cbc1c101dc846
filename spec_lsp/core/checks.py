"""Structural findings of one document, given read access to the workspace index.

Each check is a pure function of the document and the index; the index decides which documents
to re-check after an edit (see workspace.py).  The generic rules live one module each (or one per
small family sharing a loop) in spec_lsp/rules/: metadata, check and message together.  This
module is the one pass over a document that calls them: each list of the document (anchors,
sections, clauses, links, mentions, problems) is walked once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .document import ChallengeDocument, Clause, SpecDocument
from .eval_checks import check_challenge_examples, check_spec_examples
from .model import Finding
from .rules import find_rule
from ..rules import attribute_value, challenge_files, duplicate_anchor, duplicate_clause_id, links, unclosed_code_fence, \
    unknown_clause_mention
from ..rules.base import SpecContext, make
from ..rules.challenge_files import challenge_template_text
from ..rules.links import MARKDOWN_EXT, resolve_link  # noqa: F401  (imported from here by navigation, graph, formats)
from ..rules.waivers import apply_waivers

if TYPE_CHECKING:  # pragma: no cover
    from .workspace import Workspace


def code_evidence(ws, path, clause):
    from ..trace.resolve import code_evidence as _ce

    return _ce(ws, path, clause)


def check_spec(doc: SpecDocument, ws: "Workspace") -> list[Finding]:
    out: list[Finding] = []
    ctx = SpecContext.of(doc, ws, out)
    duplicate_anchor.check(ctx)  # SPEC111: the anchor map
    attribute_value.check(ctx)  # SPEC130, SPEC150: section attributes
    for c in doc.clauses:  # one clause loop for every per-clause rule
        duplicate_clause_id.check_clause(ctx, c)  # SPEC110
        challenge_files.check_clause(ctx, c)  # SPEC101 (or SPEC542)
    links.check(ctx)  # SPEC120, SPEC121: one loop over links
    unknown_clause_mention.check(ctx)  # SPEC122 (or the format's own)
    out.extend(check_spec_examples(doc, ws))  # SPEC541
    unclosed_code_fence.check(ctx)  # SPEC140: parser problems
    out.extend(ctx.fmt.check(doc, ws))  # the format's own rules
    # -- spec.lock: stale evidence, reused IDs (spec_lsp/versions/lock.py)
    from ..versions.lock import lock_findings

    out.extend(lock_findings(doc, ws))
    return out


def check_challenge(doc: ChallengeDocument, ws: "Workspace") -> list[Finding]:
    out: list[Finding] = []
    challenge_files.check_challenge(doc, ws, out)  # SPEC102, SPEC103, SPEC104
    unknown_clause_mention.check_challenge(doc, ws, out)  # SPEC122
    out.extend(check_challenge_examples(doc, ws))  # SPEC540, SPEC541
    return out


def clause_section_title(doc: SpecDocument, c: Clause) -> str:
    si = doc.section_at(c.range.start.line)
    return doc.sections[si].title if si is not None else doc.title


__all__ = ["check_spec", "check_challenge", "apply_waivers", "resolve_link", "make", "challenge_template_text"]
_ = find_rule
