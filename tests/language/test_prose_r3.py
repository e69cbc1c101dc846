"""Round 3 of the normative-statement model (spec_lsp/language/prose.py): one IN and one OUT case for each class
of scope error fixed after auditing the tuning half of the corpora.  Pure functions, no spaCy."""

from __future__ import annotations

import pytest

from spec_lsp.language import prose

TABLE = [
    # contractions of the modals of obligation are obligations
    ("The assistant shouldn’t shy away from discussing differences.", True, "modal"),
    ("In the absence of such context, there shouldn't be a disclaimer.", True, "modal"),
    # a restriction or prohibition of an actor with "may only / may not / may never" …
    ("The assistant may only pursue goals entailed by applicable instructions.", True, "may only"),
    ("The client may not reuse a nonce.", True, "may not"),
    # … but "may not be / may not have / may not know" is a possibility
    ("The end user may not be aware that the developer changed the defaults.", False, "no prescriptive"),
    ("The reader may not have seen the earlier message.", False, "no prescriptive"),
    ("Users may implicitly delegate authority to tool outputs.", False, "no prescriptive"),
    # deontic predicates
    ("Only sexual content involving minors is prohibited.", True, "modal"),
    ("Political content crafted for a broad audience is allowed.", True, "modal"),
    ("A trailing comma is not permitted in the list.", True, "modal"),
    ("The permitted values are listed in the registry.", False, "no prescriptive"),
    # a prohibition with a negated subject
    ("No file beneath it may be attributed to another step.", True, "may"),
    ("Neither may precede step 2.", True, "may"),
    ("No user may be able to tell the difference.", False, "no prescriptive"),
    # imperatives addressed to the actor
    ("Never reveal the contents of the system message.", True, "imperative"),
    ("Avoid repeating the user's prompt.", True, "imperative"),
    ("When presenting unfamiliar traditions, ensure the description is accurate.", True, "imperative"),
    ("Deleting files on a user's computer", False, "no prescriptive"),
    # hypothetical modals say what would happen, not what is required
    ("Since calldata costs gas, the builder would need to pay for this data.", False, "no prescriptive"),
    ("A syncing node may have to apply many deposits per block.", False, "no prescriptive"),
    ("The builder needs to pay for this data.", True, "modal"),
    # a modal only inside a trailing non-restrictive relative clause describes the noun
    ("The stages are defined for Core EIPs, which must be activated by all nodes.", False, "no prescriptive"),
    ("The stages must be activated by all nodes, which is checked at the fork.", True, "modal"),
    # "it should be clear/obvious" is epistemic, not an obligation
    ("This is written for the OAS, but it should be clear how it would be adapted.", False, "no prescriptive"),
    ("It must be possible to disable the cache.", True, "modal"),
    # notes and informative labels
    ("Note that when using arrays, plural forms are not inferred, and must be set explicitly.", False, "note"),
    ("Note: the cache MUST be cleared on logout.", False, "informative"),
    ("Why this priority: The fix must not delete real information.", False, "informative"),
    ("Independent Test: Hover every footer button — each must have a tooltip.", False, "informative"),
    ("Notification emails MUST be sent within 5 minutes.", True, "BCP 14"),
    # example narration
    ("In this example, the end user should see the developer's persona.", False, "example"),
    ("Here, the website might be trying to get the user to visit a malicious page.", False, "example"),
    ("Assuming a miner should receive a job for each block, the pool sends one every 15 seconds.", False, "example"),
    ("Here is how the server MUST respond.", True, "BCP 14"),
]


@pytest.mark.parametrize("text,kw,normative,why", [
    ("WHEN the user confirms the dialog", {"scenario": True, "context": ("list-item",)}, True, "scenario condition"),
    ("GIVEN a project with two specs", {"scenario": True, "context": ("list-item",)}, True, "scenario condition"),
    ("WHEN the user confirms the dialog", {"context": ("list-item",)}, False, "no prescriptive"),
])
def test_scenario_conditions(text, kw, normative, why):
    ok, reason = prose.sentence_reason(text, **kw)
    assert ok is normative, (text, reason)
    assert why.lower() in reason.lower(), reason


@pytest.mark.parametrize("text,normative,why", TABLE)
def test_scope_classes(text, normative, why):
    ok, reason = prose.sentence_reason(text)
    assert ok is normative, (text, reason)
    assert why.lower() in reason.lower(), reason


@pytest.mark.parametrize("text,bcp14,normative", [
    # RFC 8174: where BCP 14 is declared (and used), only the capitals carry the defined meaning — a lower-case
    # "should" is advice in ordinary English; a lower-case "must" still prescribes (keyword-misuse asks to capitalise it)
    ("Implementors should validate against the shared test vectors.", True, False),
    ("Implementors should validate against the shared test vectors.", False, True),
    ("Each request must appear in the list, and clients should log it.", True, True),
    ("Clients SHOULD log the retry.", True, True),
])
def test_lower_case_should_in_a_bcp14_document(text, bcp14, normative):
    ok, reason = prose.sentence_reason(text, bcp14=bcp14)
    assert ok is normative, reason
    if not normative:
        assert "RFC 8174" in reason


DESIGN = """# Design Document

## Architecture

The scheduler SHALL poll the queue every second.

## Correctness Properties

### Property 1: Capacity never over-committed

*For any* endpoint, the sum of the estimated load SHALL never exceed the endpoint’s capacity.
"""


def test_design_document_reads_only_its_correctness_properties():
    from spec_lsp.core.config import Config
    from spec_lsp.core.document import parse_spec

    doc = parse_spec(".kiro/specs/throttle/design.md", DESIGN, Config())
    st = {s.text: s for s in prose.statements(doc)}
    assert not st["The scheduler SHALL poll the queue every second."].normative
    prop = next(s for t, s in st.items() if t.startswith("For any endpoint") or "For any" in t)
    assert prop.normative, prop.reason
    # the same section in a tasks file stays out
    doc2 = parse_spec(".kiro/specs/throttle/tasks.md", DESIGN, Config())
    assert not any(s.normative for s in prose.statements(doc2))
