"""The normative-statement model (spec_lsp/language/prose.py): a table of what is and is not normative,
BCP 14 declarations, defined terms and criteria that follow a vague word.  Pure functions, no spaCy."""

from __future__ import annotations

import pytest

from spec_lsp.core.config import Config
from spec_lsp.core.document import parse_spec
from spec_lsp.language import prose

TABLE = [
    # (sentence, keyword arguments, normative?, reason contains)
    ("The server MUST reject the request.", {}, True, "BCP 14"),
    ("WHEN the user saves, THE Editor SHALL write the file.", {}, True, "BCP 14"),
    ("FR-001: System MUST allow users to create albums.", {"context": ("list-item",)}, True, "BCP 14"),
    ("The assistant should cite its sources.", {}, True, "modal"),
    ("Clients are required to retry once.", {}, True, "modal"),
    ("THEN the panel shows the error", {"scenario": True, "context": ("list-item",)}, True, "scenario"),
    ("Given a saved file, When the user edits it, Then the title shows a dot.", {}, True, "acceptance"),
    ("reject requests without a token", {"context": ("list-item",), "lead_in": True}, True, "lead-in"),
    ("The cache is shared.", {"tagged": True}, True, "clause"),
    ("[ ] T001 The system must log every call.", {"context": ("list-item",)}, False, "task"),
    ("[x] Write the tests", {"context": ("list-item",)}, False, "task"),
    ("The server MUST reject the request.", {"section": "section “Rationale” (rationale)"}, False, "Rationale"),
    ("For example, the assistant should answer in French.", {}, False, "example"),
    ("E.g. clients must send a token.", {}, False, "example"),
    ("Should the server retry?", {}, False, "question"),
    ("The server MUST reject the request.", {"kind": "heading"}, False, "heading"),
    ("The server MUST reject the request.", {"context": ("blockquote",)}, False, "quotation"),
    ("30 seconds", {"kind": "table-cell"}, False, "table"),
    ("An attacker could replay the message.", {}, False, "no prescriptive"),
    ("We should consider a cache.", {}, False, "no prescriptive"),
    ("It should be noted that the cache is shared.", {}, False, "no prescriptive"),
    ('The key words "MUST", "MUST NOT", "SHOULD" in this document are to be interpreted as described in RFC 2119.', {}, False, "declaration"),
    ("The server MUST reject the request.", {"marked": False}, False, "format"),
    ("The cache is shared.", {"marked": True}, True, "format"),
]


@pytest.mark.parametrize("text,kw,normative,why", TABLE)
def test_what_is_normative(text, kw, normative, why):
    ok, reason = prose.sentence_reason(text, **kw)
    assert ok is normative, (text, reason)
    assert why.lower() in reason.lower(), reason


@pytest.mark.parametrize("title,excluded", [
    ("Rationale", True), ("Motivation", True), ("Alternatives Considered", True), ("FAQ", True), ("Changelog", True),
    ("Design Notes", True), ("Examples", True), ("Threat Model", True), ("Background", True),
    ("Specification", False), ("Requirements", False), ("Security Considerations", False),
    ("Consider uncertainty, state assumptions, and ask clarifying questions when appropriate", False),
])
def test_non_normative_sections(title, excluded):
    assert (prose.section_reason([title]) is not None) is excluded


@pytest.mark.parametrize("path,excluded", [("specs/001/tasks.md", True), ("checklists/ux.md", True), ("CHANGELOG.md", True),
                                           ("specs/001/spec.md", False), ("EIPS/eip-1.md", False)])
def test_non_normative_files(path, excluded):
    assert (prose.file_reason(path) is not None) is excluded


def test_bcp14_declaration_is_not_a_mention():
    assert prose.declares_bcp14('The key words "MUST" and "SHOULD" in this document are to be interpreted as described in BCP 14 [RFC2119] [RFC8174].')
    assert prose.declares_bcp14("intro\n\n{::boilerplate bcp14-tagged}\n")
    assert not prose.declares_bcp14("This tool checks keywords such as those of RFC 2119.")
    assert not prose.declares_bcp14("See RFC 2119 for the history of the keywords.")


DOC = """# Widget service

## Glossary

- **Effective scope**: the set of files a rule reads.
- Grace period: 30 seconds after the last request.

A timely response means a response within 2 seconds.

## Requirements

The service MUST compute the effective scope before each run.
The service MUST send a timely response.
The service MUST take appropriate precautions: rate limits, audit logs.
The service MUST use a reasonable timeout.

- [ ] T001 Build the appropriate cache.

## Rationale

The service MUST be fast, because users wait.
"""


def test_statements_on_a_document():
    doc = parse_spec("spec.md", DOC, Config())
    st = {s.text: s for s in prose.statements(doc)}
    assert st["The service MUST compute the effective scope before each run."].normative
    assert not st["[ ] T001 Build the appropriate cache."].normative
    assert not st["The service MUST be fast, because users wait."].normative
    assert "Rationale" in st["The service MUST be fast, because users wait."].reason
    lines = prose.explain(doc)
    assert any(": READ " in x and "reasonable timeout" in x for x in lines)
    assert any(": skip " in x and "[heading]" in x for x in lines)


def test_defined_terms_and_criteria():
    doc = parse_spec("spec.md", DOC, Config())
    terms = prose.defined_terms(doc)
    assert {"effective scope", "grace period", "timely response", "glossary"} <= terms
    index: dict = {}
    for t in terms:
        for w in t.split():
            index.setdefault(w, set()).add(t)
    s = "The service MUST compute the effective scope before each run."
    a = s.index("effective")
    assert prose.defined_here(s, a, a + len("effective"), index)
    s2 = "The service MUST use a reasonable timeout."
    a2 = s2.index("reasonable")
    assert not prose.defined_here(s2, a2, a2 + len("reasonable"), index)
    s3 = "The service MUST take appropriate precautions: rate limits, audit logs."
    assert prose.criterion_follows(s3, s3.index("appropriate") + len("appropriate"))
    s4 = "The service MUST handle errors in an appropriate way such as retrying."
    assert prose.criterion_follows(s4, s4.index("appropriate") + len("appropriate"))
    assert not prose.criterion_follows(s2, a2 + len("reasonable"))
