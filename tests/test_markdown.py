"""The Markdown layer: what is (and is not) a clause, a link, a section; chunking is invisible."""

from __future__ import annotations

import random

import pytest

from helpers import EIPS, FIXTURES, MODEL_SPEC, needs_corpus
from spec_lsp.core.config import Config
from spec_lsp.core.document import parse_challenge, parse_spec
from spec_lsp.core.markdown import parse_chunk
from spec_lsp.core.model import Position, Range


def spec(text: str, **cfg) -> object:
    return parse_spec("spec.md", text, Config(**cfg))


def test_heading_attributes_and_slugs():
    d = spec("# Top\n\n## Don't be sycophantic {#avoid_sycophancy authority=user}\n\n### Plain “Title” here\n\n### Plain “Title” here\n")
    anchors = [s.anchor for s in d.sections]
    assert anchors == ["top", "avoid_sycophancy", "plain-title-here", "plain-title-here-1"]
    s = d.sections[1]
    assert s.title == "Don't be sycophantic"
    assert s.own_authority == "user" and s.explicit
    assert s.anchor_range == Range(Position(2, 26), Position(2, 42))
    assert d.sections[2].authority == "user"  # inherited from the parent section
    assert d.sections[2].parent == 1


def test_clause_sentence_is_the_tagged_sentence():
    d = spec("## S {#s}\n\nFirst sentence here. The assistant must adhere[^ab12]. Note, however, that this is not it.\n")
    (c,) = d.clauses
    assert c.id == "ab12"
    assert c.sentence == "The assistant must adhere."
    assert c.range == Range(Position(2, 48), Position(2, 52))
    assert c.tag_range == Range(Position(2, 46), Position(2, 53))
    assert c.sentence_range.start == Position(2, 21)


def test_several_tags_on_one_line_and_abbreviations():
    d = spec("Models may be overridden by developer[^zyu5] or user[^2bl7] instructions, e.g. in a system message. Next one.\n")
    assert [c.id for c in d.clauses] == ["zyu5", "2bl7"]
    assert d.clauses[0].sentence == d.clauses[1].sentence
    assert d.clauses[0].sentence.endswith("e.g. in a system message.")


def test_nothing_in_code_is_a_clause_or_link():
    text = (
        "Real clause[^real].\n\n"
        "Inline `code [^c1] and [x](#nowhere)` is skipped.\n\n"
        "~~~xml\n<user>\n```\n# not a heading [^c2]\n```\n</user>\n~~~\n\n"
        "    indented code [^c3]\n\n"
        "<!-- a comment [^c4] [y](#nope)\n# not a heading either\n-->\n\n"
        "After all that[^last].\n"
    )
    d = spec(text)
    assert [c.id for c in d.clauses] == ["real", "last"]
    assert d.links == ()
    assert [s.title for s in d.sections] == []


def test_footnote_definitions_are_not_clauses():
    d = spec("A real footnote[^1] and a clause[^ab12].\n\n[^1]: The footnote text.\n")
    assert [c.id for c in d.clauses] == ["ab12"]
    assert [c.id for c in d.footnote_refs] == ["1"]


def test_links_and_anchor_ranges():
    d = spec("See [?](#chain_of_command), [the guide](guide.md#tone), [file](other.md) and [web](https://x.org/#a).\n")
    got = [(lk.path, lk.anchor) for lk in d.links]
    assert got == [("", "chain_of_command"), ("guide.md", "tone"), ("other.md", None), ("https://x.org/", "a")]
    lk = d.links[1]
    assert lk.anchor_range == Range(Position(0, 49), Position(0, 53))


def test_admonition_body_is_prose_with_context():
    text = "!!! meta \"Commentary\"\n    Indented commentary[^mc01] text.\n\n    Second paragraph after a blank line.\n\nBack to normal[^nm01].\n"
    d = spec(text)
    assert [c.id for c in d.clauses] == ["mc01", "nm01"]
    assert d.clauses[0].context == ("admonition:meta",)
    assert d.clauses[0].range.start == Position(1, 25)
    assert any(b.plain.startswith("Second paragraph") and b.context == ("admonition:meta",) for b in d.blocks)


def test_requirement_ids_at_paragraph_start_and_mentions():
    text = "- **FR-001**: System MUST allow users to create albums.\n- **FR-002**: Users MUST see FR-001 results.\n\nREQ-12: Plain style too.\n"
    d = parse_spec("s.md", text, Config(id_patterns=("FR-\\d{3}", "REQ-\\d+")))
    assert [(c.id, c.kind) for c in d.clauses] == [("FR-001", "id"), ("FR-002", "id"), ("REQ-12", "id")]
    assert d.clauses[0].sentence == "System MUST allow users to create albums."
    assert [m.id for m in d.mentions] == ["FR-001"]
    assert d.mentions[0].range == Range(Position(1, 29), Position(1, 35))


def test_non_ascii_columns_are_code_points():
    d = spec("“Quick” answers 🙂 must stay short[^rt02].\n")
    (c,) = d.clauses
    line = "“Quick” answers 🙂 must stay short[^rt02]."
    assert c.range.start.character == line.index("rt02")


def test_front_matter_is_not_a_heading():
    d = spec("---\neip: 1559\ntitle: Fee market\nrequires: 2718, 2930\n---\n\n## Abstract\n\nText.\n")
    assert [s.title for s in d.sections] == ["Abstract"]
    assert ("title", "Fee market", 2) in d.front_matter
    assert d.title == "Fee market"


def test_unclosed_fence_is_a_problem():
    d = spec("Text.\n\n```\ncode forever [^gone]\n")
    assert [p.kind for p in d.problems] == ["unclosed-fence"]
    assert d.clauses == ()


def test_challenge_file_parse():
    text = (
        "Examples for [^ab12] in Be kind:\n\n**Example**: first\n\n~~~xml\n<developer>\nx\n</developer>\n<user>\nhi\n</user>\n"
        "<comparison>\n<assistant> <!-- GOOD -->\nok\n</assistant>\n</comparison>\n~~~\n\n**Example**: second\n\n~~~xml\n<user>\nq\n</user>\n~~~\n"
    )
    d = parse_challenge("examples/ab12.md", text, "ab12", Config())
    assert d.header.id == "ab12" and d.header.section_title == "Be kind"
    assert [e.title for e in d.examples] == ["first", "second"]
    assert d.examples[0].roles == ("developer", "user", "assistant")
    assert d.problems == ()


@pytest.mark.parametrize("text,kind", [
    ("no header\n\n**Example**: x\n\n~~~xml\n<user>\nq\n</user>\n~~~\n", "no-header"),
    ("Examples for [^ab12] in S:\n\nnothing\n", "no-examples"),
    ("Examples for [^ab12] in S:\n\n**Example**: x\n\n~~~xml\n<user>\nq\n</user>\n", "unclosed-block"),
    ("Examples for [^ab12] in S:\n\n**Example**: x\n\n~~~xml\n<robot>\nq\n</robot>\n~~~\n", "unknown-role"),
    ("Examples for [^ab12] in S:\n\n**Example**: x\n\nno block\n", "no-block"),
])
def test_malformed_challenge_files(text, kind):
    d = parse_challenge("examples/ab12.md", text, "ab12", Config())
    assert kind in [p.kind for p in d.problems]


# --- chunking is invisible: parsing chunk by chunk equals parsing the whole text at once ----------


def _whole(text: str):
    r = parse_chunk(text, "markdown")
    return (
        sorted((h.title, h.line) for h in r.headings),
        sorted((t.id, t.range) for t in r.tags),
        sorted((lk.target, lk.range) for lk in r.links),
        sorted(b.plain for b in r.blocks),
    )


def _chunked(text: str):
    d = parse_spec("x.md", text, Config())
    return (
        sorted((s.title, s.line) for s in d.sections),
        sorted((c.id, c.range) for c in list(d.clauses) + list(d.footnote_refs)),
        sorted((lk.target, lk.range) for lk in d.links),
        sorted(b.plain for b in d.blocks),
    )


def _drop_front_matter(t: str) -> str:
    """Front matter is not Markdown: the document model drops it, a raw chunk parse would read it as a setext
    heading. Blank it (keeping line numbers) before comparing the two."""
    if t.startswith("---"):
        end = t.find("\n---", 3)
        if end != -1:
            return "\n" * t[: end + 4].count("\n") + t[end + 4 :]
    return t


def _equivalence_texts():
    out = [(p.name, _drop_front_matter(p.read_text(encoding="utf-8"))) for p in sorted(FIXTURES.rglob("*.md"))
           if "examples" not in p.parts and "tests" not in p.parts]
    if MODEL_SPEC.exists():
        out.append(("model_spec.md", (MODEL_SPEC / "model_spec.md").read_text(encoding="utf-8")))
    if EIPS.exists():
        files = sorted((EIPS / "EIPS").glob("*.md"))
        random.Random(7).shuffle(files)
        for p in files[:40]:
            t = p.read_text(encoding="utf-8")
            if t.startswith("---"):
                end = t.find("\n---", 3)
                t = "\n" * t[: end + 4].count("\n") + t[end + 4 :]  # keep line numbers, drop front matter
            out.append((p.name, t))
    return out


@pytest.mark.parametrize("name,text", _equivalence_texts(), ids=lambda v: v if isinstance(v, str) and len(v) < 60 else "")
def test_chunked_parse_equals_whole_parse(name, text):
    assert _chunked(text) == _whole(text)


@needs_corpus(MODEL_SPEC)
def test_model_spec_counts():
    d = parse_spec("model_spec.md", (MODEL_SPEC / "model_spec.md").read_text(encoding="utf-8"), Config())
    assert len({c.id for c in d.clauses}) == 116
    assert sum(1 for s in d.sections if s.explicit) == 80
    assert sum(1 for s in d.sections if s.own_authority) == 59
    # 66 `[?](#...)` in the raw text; one sits inside a ~~~xml example block, which is not a reference
    assert sum(1 for lk in d.links if lk.text == "?" and lk.path == "") == 65
