"""Checks that keep a spec's examples usable as eval material (SPEC540–SPEC542).

* SPEC540 `challenge-without-user-turn`: a challenge conversation gives the model nothing to answer;
* SPEC541 `comparison-without-good-answer`: a `<comparison>` has no `<!-- GOOD -->` answer;
* SPEC542 `examples-without-challenge-file`: a clause has no challenge file although its section
  already has examples.  It is the more specific form of SPEC101 and replaces it for that clause
  (when SPEC542 is off, SPEC101 reports the clause as before), so a clause is never reported twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .conversation import Conversation, challenge_conversations, comparisons_without_good, section_examples
from .document import ChallengeDocument, Clause, SpecDocument
from .model import Finding, Fix, Position, Range

if TYPE_CHECKING:  # pragma: no cover
    from .workspace import Workspace


def _make(code, path, rng, message, subject="", fixes=()):
    from .checks import make

    return make(code, path, rng, message, subject, (), fixes)


def _first_line(r: Range, lines: list[str]) -> Range:
    ln = r.start.line
    return Range(Position(ln, 0), Position(ln, len(lines[ln]) if ln < len(lines) else 0))


def _comparison_finding(path: str, title: str, rng: Range, labels: tuple, lines: list[str]) -> Finding:
    n = len(labels)
    if not n:
        what = "it holds no assistant answer"
    elif all(x is None for x in labels):
        what = f"its {n} answer{'s' if n != 1 else ''} carry no label" if n != 1 else "its answer carries no label"
    else:
        what = (f"its {n} answer{'s are' if n != 1 else ' is'} labelled "
                + "/".join(sorted({(x or 'unlabelled').upper() for x in labels})))
    name = f"“{title}”" if title else "this example"
    return _make("SPEC541", path, _first_line(rng, lines),
                 f"The comparison in {name} has no GOOD answer ({what}), so a grader has no example of "
                 "what passes; add an answer that follows the clause as `<assistant> <!-- GOOD: why -->`.", title)


def comparison_findings(path: str, convs: tuple[Conversation, ...], lines: list[str]) -> list[Finding]:
    out = []
    for conv in convs:
        for k, crng in enumerate(conv.comparisons):
            labels = tuple(m.label for m in conv.messages if m.comparison == k and m.role == "assistant")
            if "good" not in labels:
                out.append(_comparison_finding(path, conv.title, crng, labels, lines))
    return out


def check_spec_examples(doc: SpecDocument, ws: "Workspace") -> list[Finding]:
    if not ws.settings.enabled("SPEC541"):
        return []
    bad = comparisons_without_good(doc, ws.config.roles)
    if not bad:
        return []
    lines = doc.text.split("\n")
    return [_comparison_finding(doc.path, t, r, labels, lines) for t, r, labels in bad]


def check_challenge_examples(doc: ChallengeDocument, ws: "Workspace") -> list[Finding]:
    out: list[Finding] = []
    convs = challenge_conversations(doc, ws.config.roles)
    lines = doc.text.split("\n")
    for conv in convs:
        if conv.block_range == conv.title_range:
            continue  # no block at all: SPEC104 says so
        prompt = conv.prompt
        if any(m.role == "user" for m in prompt):
            continue
        if prompt and prompt[-1].role == "developer":
            continue  # programmatic use: the developer message is the request (as the Model Spec does)
        if not prompt:
            detail = "no message before the assistant's answer" if conv.messages else "no messages"
        else:
            detail = "only " + ", ".join(dict.fromkeys(f"<{m.role}>" for m in prompt)) + " messages"
        rng = conv.title_range or _first_line(conv.block_range, lines)
        out.append(_make("SPEC540", doc.path, rng,
                         f"Example “{conv.title}” has {detail}: there is no user turn for a model to answer, so it tests "
                         "nothing. Add a `<user>` message with the request (or a `<developer>` request last, for "
                         "programmatic use).", conv.title))
    out.extend(comparison_findings(doc.path, convs, lines))
    return out


def render_challenge_file(clause_id: str, section_title: str, convs: tuple[Conversation, ...]) -> str:
    """A challenge file holding the prompts (not the answers) of a section's examples."""
    parts = [f"Examples for [^{clause_id}] in {section_title}:\n"]
    for conv in convs:
        msgs = conv.prompt
        if not msgs:
            continue
        body = []
        for m in msgs:
            attrs = "".join(f' {k}="{v}"' for k, v in m.attrs)
            body.append(f"<{m.role}{attrs}>\n{m.content}\n</{m.role}>")
        parts.append(f"**Example**: {conv.title or 'example from the spec'}\n\n~~~xml\n" + "\n".join(body) + "\n~~~\n")
    return "\n".join(parts)


def missing_challenge_finding(doc: SpecDocument, c: Clause, ws: "Workspace", section_title: str, new_path: str) -> Finding | None:
    """SPEC542 for a clause without a challenge file whose section has examples, else None (SPEC101)."""
    if not ws.settings.enabled("SPEC542"):
        return None
    convs = section_examples(doc, doc.section_at(c.range.start.line), ws.config.roles)
    usable = tuple(cv for cv in convs if cv.prompt and cv.title_range is not None)  # `**Example**:` items, not bare blocks
    if not usable:
        return None
    n = len(usable)
    return _make("SPEC542", doc.path, c.range,
                 f"Clause “{c.id}” has no challenge-prompt file, but its section “{section_title}” has {n} example"
                 f"{'s' if n != 1 else ''}; turn {'them' if n != 1 else 'it'} into `{new_path}` (the quick fix copies "
                 "the prompts) and add prompts that test this clause.",
                 c.id, [Fix(f"Create {new_path} from the section's examples", "create-file",
                            render_challenge_file(c.id, section_title, usable), path=new_path)])


__all__ = ["check_spec_examples", "check_challenge_examples", "missing_challenge_finding", "render_challenge_file",
           "comparison_findings"]
