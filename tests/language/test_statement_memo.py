"""The language server's per-document memo of statement verdicts (prose.statements(memo=…), used by
LanguagePass.prepare on every keystroke) gives exactly what a fresh computation gives, through edit sequences
that move, split, join and retitle blocks, add and remove clause tags, lead-ins, BCP 14 keywords and
declarations. No spaCy: prepare() is the statement model and the units it hands to the engine."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from spec_lsp.core.config import load_config
from spec_lsp.core.document import SpecDocument
from spec_lsp.core.workspace import Workspace
from spec_lsp.language import prose
from spec_lsp.language.langpass import LanguagePass

REPO = Path(__file__).resolve().parents[2]
FIXTURES = ["language", "model-spec", "speckit", "kiro", "openspec", "requirements", "broken"]

# edits that change what a statement's verdict depends on: its sentence, the section it sits in, the block before
# it (a normative lead-in ending in a colon), its clause tag, the document's BCP 14 keywords and declaration
INSERTS = [
    "TBD ", "The assistant must reasonably ", "\n\n", "\n", "\n\n## Rationale\n\n", "\n\n## Requirements\n\n",
    " [^zz01]", "The server MUST:\n\n- reject it\n- log it\n\n", "MUST ", "e.g. ", "Note: ", "? ", ":",
    "\n\nThe key words \"MUST\" in this document are to be interpreted as described in BCP 14 [RFC2119].\n\n",
    "\n\n!!! meta\n    The assistant should wait.\n\n", "| a | b |\n|---|---|\n| x | MUST y |\n\n", "- [ ] the client must log\n",
    "#### Scenario: a case\n\n- THEN it must stop\n",
]


def _docs(ws: Workspace) -> list[str]:
    return sorted(p for p, d in ws.docs.items() if isinstance(d, SpecDocument))


def _edit(text: str, rnd: random.Random) -> str:
    n = len(text)
    k = rnd.randrange(n + 1) if n else 0
    r = rnd.random()
    if r < 0.2 and n > 2:  # delete a span (a line's end, a heading mark, a tag)
        return text[:k] + text[k + rnd.randrange(1, 40):]
    if r < 0.3:  # at a line start
        k = text.rfind("\n", 0, k) + 1
    return text[:k] + rnd.choice(INSERTS) + text[k:]


def _job_data(job):
    return ([(u.path, u.block, u.start, u.end, u.text, u.context, u.rfc2119, u.subject) for u in job.units],
            [(c.key, c.text, c.authority, c.section, c.path, c.range, c.scope, c.declarative) for c in job.clauses])


@pytest.mark.parametrize("fixture", FIXTURES)
def test_memo_equals_fresh_statements_through_edits(tmp_path, fixture):
    root = tmp_path / fixture
    shutil.copytree(REPO / "fixtures" / fixture, root)
    cfg, probs = load_config(root)
    ws = Workspace(root, cfg, probs)
    ws.load()
    paths = _docs(ws)
    assert paths
    rnd = random.Random(fixture)
    kept = LanguagePass(cfg)  # the server's: one memo per document, kept across edits
    memos = {(p, b): {} for p in paths for b in (False, True)}
    for step in range(60):
        p = rnd.choice(paths)
        ws.set_document(p, _edit(ws.text(p), rnd))
        for q in paths:
            doc = ws.docs.get(q)
            if not isinstance(doc, SpecDocument):
                continue
            for bcp14 in (False, True):
                want = prose.statements(doc, bcp14=bcp14)
                assert prose.statements(doc, bcp14=bcp14, memo=memos[(q, bcp14)]) == want, (fixture, step, q)
                # a second call is all memo hits, and still the same
                assert prose.statements(doc, bcp14=bcp14, memo=memos[(q, bcp14)]) == want, (fixture, step, q)
        # the language pass's job (the engine's input) with the kept memo equals a fresh pass's
        assert _job_data(kept.prepare(ws, paths)) == _job_data(LanguagePass(cfg).prepare(ws, paths)), (fixture, step)


def test_memo_holds_the_current_blocks_only(tmp_path):
    root = tmp_path / "language"
    shutil.copytree(REPO / "fixtures" / "language", root)
    cfg, probs = load_config(root)
    ws = Workspace(root, cfg, probs)
    ws.load()
    p = _docs(ws)[0]
    memo: dict = {}
    prose.statements(ws.docs[p], memo=memo)
    n = len(memo)
    assert n > 0
    for i in range(20):  # every edit adds a new block; the memo follows the document, it does not accumulate
        ws.set_document(p, ws.text(p) + f"\n\nThe client must retry {i} times.\n")
        prose.statements(ws.docs[p], memo=memo)
    assert n < len(memo) <= n + 21
