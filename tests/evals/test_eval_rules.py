"""SPEC540–SPEC542: the checks that keep examples usable as eval material (one focused test each),
and their findings on the Model Spec copy."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers import MODEL_SPEC, REPO, memory_workspace, needs_corpus

SPEC = """# Spec

## Be kind {#kind authority=user}

The assistant greets people warmly[^kn01].

**Example**: a greeting ’ “quoted” 🙂

~~~xml
<user>
Hello!
</user>
<comparison>
<assistant> <!-- GOOD -->
Hi there! 🙂
</assistant>
</comparison>
~~~
"""


def _of(ws, code):
    return [f for f in ws.all_findings() if f.code == code]


def test_challenge_without_user_turn_flags_a_system_only_conversation():
    ws = memory_workspace({
        "spec.md": SPEC,
        "examples/kn01.md": "Examples for [^kn01] in Be kind:\n\n**Example**: setup only 🙂\n\n~~~xml\n<system>\nBe nice.\n</system>\n~~~\n\n"
                            "**Example**: fine\n\n~~~xml\n<user>\nHi ’there’\n</user>\n~~~\n\n"
                            "**Example**: programmatic\n\n~~~xml\n<developer>\nReturn a greeting as JSON.\n</developer>\n~~~\n",
    })
    got = _of(ws, "SPEC540")
    assert [(f.path, f.range.start.line, f.rule) for f in got] == [("examples/kn01.md", 2, "challenge-without-user-turn")]
    assert "setup only" in got[0].message and "<user>" in got[0].message


def test_challenge_without_user_turn_flags_an_answer_with_no_request():
    ws = memory_workspace({
        "spec.md": SPEC,
        "examples/kn01.md": "Examples for [^kn01] in Be kind:\n\n**Example**: answer alone\n\n~~~xml\n<assistant>\nHi!\n</assistant>\n~~~\n",
    })
    got = _of(ws, "SPEC540")
    assert len(got) == 1 and "no message before the assistant" in got[0].message


def test_comparison_without_good_answer_in_spec_and_challenge_file():
    spec = SPEC.replace("<assistant> <!-- GOOD -->\nHi there! 🙂", "<assistant> <!-- BAD: cold -->\nWhat.\n</assistant>\n<assistant> <!-- OK -->\nHi.")
    ws = memory_workspace({
        "spec.md": spec,
        "examples/kn01.md": "Examples for [^kn01] in Be kind:\n\n**Example**: two answers\n\n~~~xml\n<user>\nHi\n</user>\n"
                            "<comparison>\n<assistant>\nHello.\n</assistant>\n</comparison>\n~~~\n",
    })
    got = sorted(_of(ws, "SPEC541"), key=lambda f: f.path)
    assert [(f.path, f.range.start.line) for f in got] == [("examples/kn01.md", 8), ("spec.md", 12)]
    assert "BAD/OK" in got[1].message and "carries no label" in got[0].message
    assert all(f.rule == "comparison-without-good-answer" for f in got)
    # with a GOOD answer the same spec is clean
    assert not _of(memory_workspace({"spec.md": SPEC, "examples/kn01.md": "Examples for [^kn01] in Be kind:\n\n**Example**: x\n\n~~~xml\n<user>\nHi\n</user>\n~~~\n"}), "SPEC541")


def test_examples_without_challenge_file_replaces_missing_challenge_file():
    ws = memory_workspace({"spec.md": SPEC + "\n## Plain {#plain}\n\nThe assistant answers briefly[^pl01].\n"})
    f542 = _of(ws, "SPEC542")
    assert [(f.subject, f.range.start.line) for f in f542] == [("kn01", 4)]
    assert "1 example" in f542[0].message and "examples/kn01.md" in f542[0].message
    fix = f542[0].fixes[0]
    assert fix.kind == "create-file" and fix.path == "examples/kn01.md"
    assert fix.new_text.startswith("Examples for [^kn01] in Be kind:") and "<user>\nHello!\n</user>" in fix.new_text
    assert "Hi there" not in fix.new_text  # prompts, not the answers
    # the clause is not reported twice; a clause whose section has no examples keeps SPEC101
    assert [f.subject for f in _of(ws, "SPEC101")] == ["pl01"]


def test_an_untitled_block_is_not_an_example():
    ws = memory_workspace({"spec.md": SPEC.replace("**Example**: a greeting ’ “quoted” 🙂\n\n", "")})
    assert not _of(ws, "SPEC542") and [f.subject for f in _of(ws, "SPEC101")] == ["kn01"]


def test_examples_without_challenge_file_off_falls_back_to_spec101():
    from spec_lsp.core.config import Config

    ws = memory_workspace({"spec.md": SPEC}, config=Config(rules={"SPEC542": "off"}))
    assert not _of(ws, "SPEC542") and [f.subject for f in _of(ws, "SPEC101")] == ["kn01"]


def test_the_fix_creates_a_challenge_file_the_parser_accepts():
    ws = memory_workspace({"spec.md": SPEC})
    fix = _of(ws, "SPEC542")[0].fixes[0]
    ws2 = memory_workspace({"spec.md": SPEC, fix.path: fix.new_text})
    assert not [f for f in ws2.all_findings() if f.code in ("SPEC101", "SPEC104", "SPEC540", "SPEC542")]


@needs_corpus(MODEL_SPEC)
def test_model_spec_findings():
    p = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(MODEL_SPEC), "--no-language", "--format", "json",
                        "--fail-on", "never", "--select", "SPEC540,SPEC541,SPEC542,SPEC101"],
                       capture_output=True, text=True, cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)))
    import json

    rows = json.loads(p.stdout)
    got = sorted((r["code"], r["subject"]) for r in rows)
    # four clauses lack a challenge file and each has examples in its section: SPEC542, not SPEC101;
    # the five developer-only challenge prompts are programmatic use, not findings; every comparison has a GOOD answer
    assert got == [("SPEC542", "d0pu"), ("SPEC542", "h82a"), ("SPEC542", "rse0"), ("SPEC542", "t5q0")]
