"""The Model Spec's challenge-prompt files (formats with `uses_challenge_files`):
SPEC101 missing-challenge-file (per clause, in the clause loop of `check_spec`) and, per
challenge file, SPEC102 orphan-challenge-file, SPEC103 stale-challenge-header and
SPEC104 malformed-challenge-file (the header checks of 103/104 exclude each other)."""

from __future__ import annotations

from ..core.document import ChallengeDocument, Clause
from ..core.model import Finding, Fix, Position, Range, Related
from ..core.text import closest, normalize_title
from ..formats.base import fix_for
from .base import E, W, SpecContext, declare, make

RULES = (
    declare("SPEC101", "missing-challenge-file", W, "A clause has no challenge-prompt file (its test cases)."),
    declare("SPEC102", "orphan-challenge-file", W, "A challenge-prompt file's ID is carried by no clause."),
    declare("SPEC103", "stale-challenge-header", W, "A challenge file's header names a section that is no longer the clause's section."),
    declare("SPEC104", "malformed-challenge-file", E, "A challenge file has no header or examples, an unclosed block, or an unknown role."),
)


def challenge_template_text(clause_id: str, section_title: str) -> str:
    return (
        f"Examples for [^{clause_id}] in {section_title}:\n\n"
        f"**Example**: <short title of the challenging prompt>\n\n"
        f"~~~xml\n<user>\n<a prompt that tests this clause>\n</user>\n~~~\n"
    )


def _code_evidence(ws, path, clause):
    from ..trace.resolve import code_evidence

    return code_evidence(ws, path, clause)


def check_clause(ctx: SpecContext, c: Clause) -> None:
    """SPEC101 (or SPEC542 when the clause's section has examples); called from the clause loop."""
    ws, path, fmt, doc = ctx.ws, ctx.path, ctx.fmt, ctx.doc
    if fmt.uses_challenge_files and not ws.challenge_docs(c.id) and not _code_evidence(ws, path, c):
        from ..core.eval_checks import missing_challenge_finding

        si = doc.section_at(c.range.start.line)
        title = doc.sections[si].title if si is not None else doc.title
        new_path = ws.challenge_path_for(c.id)
        specific = missing_challenge_finding(doc, c, ws, title, new_path)  # SPEC542 replaces SPEC101
        if specific is not None:
            ctx.out.append(specific)
            return
        ctx.out.append(make("SPEC101", path, c.range,
                            f"Clause “{c.id}” has no challenge-prompt file; add `{new_path}` with prompts that test it.",
                            c.id, (), fix_for(fmt.missing_evidence(ws, path, c, title))))


def check_challenge(doc: ChallengeDocument, ws, out: list[Finding]) -> None:
    """SPEC102, SPEC103, SPEC104 of one challenge file."""
    path = doc.path
    # what the clause is and its section title, not where it sits: a challenge file is re-checked when its
    # clause moves only if a finding here embeds the clause's location (SPEC103's related place)
    defs = ws.clause_facts(doc.file_id)
    head_rng = doc.header.id_range if doc.header else Range(Position(0, 0), Position(0, 0))
    if not defs:
        sugg = closest(doc.file_id, ws.clause_ids(), cutoff=0.7)
        out.append(make("SPEC102", path, head_rng,
                        f"No clause carries the ID “{doc.file_id}”, so nothing is tested by this file"
                        + (f"; did you mean “{sugg[0]}”?" if sugg else "; delete it or tag the clause it tests with "
                           f"[^{doc.file_id}]."), doc.file_id))
    h = doc.header
    if h is not None and h.id != doc.file_id:
        out.append(make("SPEC104", path, h.id_range,
                        f"The header names [^{h.id}] but this file holds the prompts of “{doc.file_id}” (its file name).",
                        doc.file_id, (), [Fix(f"Change to {doc.file_id}", "replace", doc.file_id, h.id_range)]))
    elif h is not None and defs and h.section_title is not None and h.title_range is not None:
        dpath, current = defs[0]
        if normalize_title(current) != normalize_title(h.section_title):
            _dp, clause = ws.clause_defs(doc.file_id)[0]  # the related place: its position is read (recorded)
            out.append(make("SPEC103", path, h.title_range,
                            f"The header says “{h.section_title}” but clause “{h.id}” is now in section “{current}”.",
                            h.id, [Related(dpath, clause.range, f"clause “{h.id}” is here, in “{current}”")],
                            [Fix(f"Change to “{current}”", "replace", current, h.title_range)]))
    for pr in doc.problems:
        fixes = []
        if pr.kind == "no-header" and defs:
            title = defs[0][1]
            fixes.append(Fix("Insert the header line", "replace", f"Examples for [^{doc.file_id}] in {title}:\n\n",
                             Range(Position(0, 0), Position(0, 0))))
        out.append(make("SPEC104", path, pr.range, _problem_message(pr.kind, pr.detail), doc.file_id, (), fixes))


def _problem_message(kind: str, detail: str) -> str:
    base = {
        "no-header": "Challenge file has no header",
        "no-examples": "Challenge file has no examples",
        "no-block": "Example has no conversation",
        "unclosed-block": "Unclosed conversation block",
        "unclosed-role": "Unclosed message",
        "unknown-role": "Unknown role",
    }.get(kind, "Malformed challenge file")
    return f"{base}: {detail}." if detail else f"{base}."
