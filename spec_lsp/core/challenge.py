"""Challenge-prompt files (the Model Spec's `examples/<id>.md`): header, examples, roles, problems."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config import Config
from .doc_types import Mention, Problem
from .model import Position, Range

# ---------------------------------------------------------------------------------------------
# Challenge-prompt files

# (Titles are matched greedily and trimmed by hand: a lazy title followed by optional white space
# would be quadratic in a long run of spaces.)
_HEADER = re.compile(r"^Examples\s+for\s+\[\^(?P<id>[^\[\]\s]+)\](?:\s+in\s+(?P<title>.*)|\s*:?)$")
_EXAMPLE = re.compile(r"^\*\*Example\*\*\s*:?\s*(?P<title>.*)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)")
_TAG = re.compile(r"^\s*<(/?)([A-Za-z_][\w.-]*)(?![\w.-])([^>]*)>")


@dataclass(frozen=True, slots=True)
class Example:
    title: str
    range: Range  # the **Example** line
    roles: tuple[str, ...]
    block_range: Range | None


@dataclass(frozen=True, slots=True)
class ChallengeHeader:
    id: str
    id_range: Range
    section_title: str | None
    title_range: Range | None
    range: Range


@dataclass(frozen=True, eq=False)
class ChallengeDocument:
    path: str
    text: str
    file_id: str  # the clause ID the file name gives
    header: ChallengeHeader | None
    examples: tuple[Example, ...]
    problems: tuple[Problem, ...]
    mentions: tuple[Mention, ...]  # [^id] mentions outside the header and outside code
    line_count: int
    prose: tuple[tuple[int, int], ...] = ()  # (line, column) where prose starts: example titles, notes
    kind: str = "challenge"

    def semantic_key(self) -> tuple:
        return (self.path, self.file_id, self.header, self.examples, self.problems, self.mentions, self.line_count)


def _trim_title(t: str) -> str:
    """What a lazy `(?P<title>.*?)\\s*:?\\s*$` would have captured."""
    t = t.rstrip()
    if t.endswith(":"):
        t = t[:-1].rstrip()
    return t


def parse_challenge(path: str, text: str, file_id: str, config: Config) -> ChallengeDocument:
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
    header = None
    problems: list[Problem] = []
    examples: list[Example] = []
    mentions: list[Mention] = []
    roles_allowed = set(config.roles)
    containers = {"comparison"}
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is not None:
        m = _HEADER.match(lines[first].strip())
        if m:
            lead = len(lines[first]) - len(lines[first].lstrip())
            idr = Range(Position(first, lead + m.start("id")), Position(first, lead + m.end("id")))
            tr = None
            title = m.group("title")
            if title is not None:
                title = _trim_title(title)
                tr = Range(Position(first, lead + m.start("title")), Position(first, lead + m.start("title") + len(title)))
            header = ChallengeHeader(m.group("id"), idr, title, tr, Range(Position(first, 0), Position(first, len(lines[first]))))
    if header is None:
        r = Range(Position(first or 0, 0), Position(first or 0, len(lines[first]) if first is not None else 0))
        problems.append(Problem("no-header", r, f"the first line should be `Examples for [^{file_id}] in <section title>:`"))
    cur_title = None
    cur_line = 0
    cur_roles: list[str] = []
    cur_block: Range | None = None
    fence: tuple[str, int, int] | None = None
    depth: list[str] = []
    prose: list[tuple[int, int]] = []

    def close_example():
        if cur_title is not None:
            examples.append(Example(cur_title, Range(Position(cur_line, 0), Position(cur_line, len(lines[cur_line]))), tuple(cur_roles), cur_block))
            if cur_block is None:
                problems.append(Problem("no-block", Range(Position(cur_line, 0), Position(cur_line, len(lines[cur_line]))),
                                        f"example “{cur_title}” has no ~~~xml conversation block"))

    for i, ln in enumerate(lines):
        if fence is not None:
            fm = _FENCE.match(ln)
            if fm and fm.group(1)[0] == fence[0] and len(fm.group(1)) >= fence[1] and not ln.strip()[len(fm.group(1)):].strip():
                cur_block = Range(Position(fence[2], 0), Position(i, len(ln)))
                if depth:
                    problems.append(Problem("unclosed-role", Range(Position(i, 0), Position(i, len(ln))),
                                            f"<{depth[-1]}> is not closed before the end of the block"))
                fence = None
                depth = []
                continue
            tm = _TAG.match(ln)
            if tm:
                closing, name, selfclose = tm.group(1), tm.group(2), "/" if tm.group(3).endswith("/") else ""
                if not depth or depth[-1] in containers:
                    if not closing:
                        if name in roles_allowed:
                            cur_roles.append(name)
                            if not selfclose and f"</{name}>" not in ln[tm.end():]:
                                depth.append(name)
                        elif name in containers:
                            if not selfclose:
                                depth.append(name)
                        else:
                            c0 = ln.index("<") + 1
                            problems.append(Problem("unknown-role", Range(Position(i, c0), Position(i, c0 + len(name))),
                                                    f"<{name}> is not a known role ({', '.join(sorted(roles_allowed))})"))
                            if not selfclose and f"</{name}>" not in ln[tm.end():]:
                                depth.append(name)
                    elif depth and depth[-1] == name:
                        depth.pop()
                elif closing and depth and depth[-1] == name:
                    depth.pop()
            continue
        fm = _FENCE.match(ln)
        if fm:
            fence = (fm.group(1)[0], len(fm.group(1)), i)
            depth = []
            continue
        em = _EXAMPLE.match(ln)
        if em:
            close_example()
            cur_title, cur_line, cur_roles, cur_block = em.group("title").rstrip(), i, [], None
            prose.append((i, em.start("title")))
            continue
        if header is not None and i == header.range.start.line:
            continue
        if ln.strip():
            prose.append((i, 0))
        for mm in re.finditer(r"\[\^([^\[\]\s]+)\]", ln):
            mentions.append(Mention(mm.group(1), Range(Position(i, mm.start(1)), Position(i, mm.end(1))), -1))
    if fence is not None:
        problems.append(Problem("unclosed-block", Range(Position(fence[2], 0), Position(fence[2], len(lines[fence[2]]))),
                                "this conversation block is never closed"))
        cur_block = Range(Position(fence[2], 0), Position(len(lines) - 1, len(lines[-1])))
    close_example()
    if not examples:
        r = header.range if header else Range(Position(0, 0), Position(0, 0))
        problems.append(Problem("no-examples", r, "the file has no `**Example**: <title>` items"))
    return ChallengeDocument(path, text, file_id, header, tuple(examples), tuple(problems), tuple(mentions), len(lines),
                             tuple(prose))
