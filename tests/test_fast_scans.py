"""The scans rewritten for speed (issue 11) find exactly what their plain forms find, and the packed offset
map of a block behaves like the tuple it replaced."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from spec_lsp.core import markdown as md
from spec_lsp.core import text as tx
from spec_lsp.language import prose

# the plain forms (what the fast ones replaced)
SENT_END = re.compile(r"(?<![.!?])[.!?]+[\"'”’)\]]*(?=\s|$)")
BCP14 = re.compile(r"(?<![\w-])(?:MUST(?: NOT)?|SHALL(?: NOT)?|SHOULD(?: NOT)?|REQUIRED|RECOMMENDED|NOT RECOMMENDED|MAY|OPTIONAL)(?![\w-])")
CODE_RUN = re.compile(r"`+")

markdownish = st.text(alphabet=st.sampled_from(list("ab \\!\n[]()<>*_`\"'#:/x-^.?’”🙂é")), max_size=40)
keywordish = st.lists(st.sampled_from(["MUST", "NOT", "SHALL", "SHOULD", "REQUIRED", "RECOMMENDED", "MAY", "OPTIONAL",
                                       "-", "x", " ", "é", "_", "M", "MAYBE", "\n", "’"]), max_size=8).map("".join)


@settings(max_examples=3000, deadline=None)
@given(markdownish, st.integers(0, 40), st.integers(0, 40))
def test_inline_search_is_the_alternation_search(s, i, j):
    i, j = min(i, len(s)), min(max(i, j), len(s))
    a, b = md._INLINE.search(s, i, j), md._inline_search(s, i, j)
    assert (a is None) == (b is None)
    if a is not None:
        assert (a.span(), a.lastgroup) == (b.span(), b.lastgroup)


@settings(max_examples=3000, deadline=None)
@given(markdownish)
def test_sentence_ends_and_code_runs(s):
    assert [m.span() for m in tx._SENT_END.finditer(s)] == [m.span() for m in SENT_END.finditer(s)]
    assert [m.span() for m in md._CODE_RUN.finditer(s)] == [m.span() for m in CODE_RUN.finditer(s)]


@settings(max_examples=3000, deadline=None)
@given(keywordish)
def test_bcp14_keywords(s):
    assert [(m.span(), m.group(0)) for m in prose.BCP14_UPPER.finditer(s)] == [(m.span(), m.group(0)) for m in BCP14.finditer(s)]


def test_offsets_behave_like_the_tuple():
    wide = md.Offsets(range(70000, 70010))
    narrow = md.Offsets(range(300, 310), "H")
    assert narrow == md.Offsets(range(300, 310)) and hash(narrow) == hash(md.Offsets(range(300, 310)))
    assert list(narrow[2:4]) == [302, 303] and narrow[-1] == 309 and len(wide) == 10
    import pickle

    assert pickle.loads(pickle.dumps(narrow)) == narrow and pickle.loads(pickle.dumps(narrow)).typecode == "H"


def test_a_block_maps_non_ascii_plain_text_to_its_source():
    res = md.parse_chunk("The “relay” **MUST** forward 🙂 [frames](#f) `now`.\n", "text")
    b = res.blocks[0]
    assert b.plain == "The “relay” MUST forward 🙂 frames now."
    k = b.plain.index("MUST")
    assert b.position(k).character == "The “relay” **".__len__()
    assert b.position(b.plain.index("frames")).character == "The “relay” **MUST** forward 🙂 [".__len__()
