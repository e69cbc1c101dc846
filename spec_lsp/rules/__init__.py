"""The generic (format-independent) structural rules, one module per rule or per small family
sharing one loop: each module holds its `RULES` metadata (code, name, severity, summary, doc page
`spec_lsp/docs/rules/<name>.md`), its check and its messages.

`core.checks.check_spec` / `check_challenge` call the checks in one pass over a document
(the clause rules are called per clause from a single clause loop). Rules checked elsewhere keep
their metadata in `core/rules.py` (config, unreadable file, trace, spec.lock, eval material);
format rules live in `spec_lsp/formats/<format>.py`, language rules in `spec_lsp/language/`.

To add a generic rule: a module here with `RULES = (declare(...),)` and its check, a line in
`MODULES`, a call in `core/checks.py`, a doc page, and a test with `tests/helpers.check(select=...)`.
"""

from __future__ import annotations

from . import attribute_value, challenge_files, duplicate_anchor, duplicate_clause_id, links, unclosed_code_fence, \
    unknown_clause_mention, waivers

MODULES = (waivers, challenge_files, duplicate_clause_id, duplicate_anchor, links, unknown_clause_mention,
           attribute_value, unclosed_code_fence)

GENERIC_RULES = tuple(r for m in MODULES for r in m.RULES)
