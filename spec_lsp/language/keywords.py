"""keyword-misuse (SPEC215): a lower-case "must" / "shall" used as a requirement in a spec that declares BCP 14.

RFC 8174 says that only the upper-case words carry the BCP 14 meaning, so a lower-case keyword is ordinary English
unless it *prescribes*.  The rule is only called for sentences the normative-statement model reads, of documents
that write upper-case keywords in a workspace that declares them (langpass decides that, and it further keeps only
sections whose own prose writes upper-case keywords).  Within such a sentence a lower-case keyword is a requirement
when, on the dependency parse:

* it is the modal of a verb in the sentence's main clause: the verb it governs, and every head above it up to the
  root, is not in a relative clause (``state that must be processed``), an adverbial clause (``if the value must
  …``), a clausal complement (``which means care must be taken``) or a clausal subject — those describe, they do
  not prescribe;
* it is deontic, not epistemic: ``must have been`` (a perfect) is an inference, and ``therefore must …`` (an
  inferential adverb on the verb) restates a consequence of a rule given before;
* it is used, not mentioned or quoted: not inside a code span or quotation marks;
* it is "must" or "shall" — or a lower-case "may" whose subject is negated ("no hook may use …": a prohibition,
  MUST NOT).  A lower-case "should" is left alone: in these specs it is advice in ordinary English
  (RFC 8174), and the blind development verdicts agreed (2 of 16 lower-case "should" findings were judged worth
  capitalising, against 6 of 6 main-clause "must").  A sentence-initial "Should" is the inverted conditional
  ("Should the server receive …, it MUST …"); a capitalised "Should" in mid-sentence is a mistyped keyword.

Without a parser (no spaCy model) the text fallback keeps the same decisions that need no parse: must/shall only,
no trailing relative clause, not in code or quotes, not a perfect.
"""

from __future__ import annotations

import re

TRIGGER = r"(?-i:\b(?:must|shall|Must|Shall)\b|\w.*\bShould\b|\b(?:no|No|none|None|nobody|Nobody|nothing|Nothing|neither|Neither)\b.*\bmay\b)"
"""A regex (for rules.could_fire) matching every sentence on which keyword_misuse can fire."""

from .rules import Hit  # noqa: E402  (rules imports TRIGGER above while it loads)

_KW = re.compile(r"\b(must|shall)(\s+not)?\b", re.IGNORECASE)
_ANY = re.compile(r"\b(?:must|shall|Must|Shall|Should|may)\b")
_SUBORDINATE = frozenset({"relcl", "acl", "advcl", "ccomp", "csubj", "csubjpass", "pcomp"})
_TRAILING_RELATIVE = re.compile(r",\s*(?:which|who|whom|whose|where)\b[^,;:]*$", re.IGNORECASE)
_INFERENTIAL = frozenset({"therefore", "thus", "hence", "consequently", "necessarily", "accordingly"})
_RELATIVE_BEFORE = re.compile(r"\b(?:which|who|whom|whose|where|that)\s+(?:\w+\s+){0,3}$", re.IGNORECASE)


def _mentioned(text: str, a: int) -> bool:
    """Inside a code span or quotation marks (a mention of the word, not a use)."""
    before = text[:a]
    if before.count("`") % 2 == 1:
        return True
    if before.count("“") > before.count("”"):
        return True
    return before.count('"') % 2 == 1


def _message(w: str) -> str:
    up = w.upper()
    if w[0].isupper() and w[1:].islower():
        return (f"“{w}”: this document declares RFC 2119 keywords; if this is a requirement write “{up}”, "
                f"otherwise rephrase without the keyword.")
    return (f"“{w}”: lower-case keywords have no RFC 2119 meaning; this sentence prescribes, so write “{up}” "
            f"(or, if it is not a requirement, rephrase: “needs to”, “is expected to”).")


def _hit(text: str, a: int, b: int) -> Hit:
    w = text[a:b]
    return Hit(a, b, "keyword-misuse", _message(w), w.upper())


def _main_clause(v) -> bool:
    """Is `v` (the verb a modal governs) in the main clause: no subordinate link on the way to the root?"""
    x = v
    for _ in range(40):
        if x.dep_ in _SUBORDINATE:
            return False
        if x.head is x:
            return True
        x = x.head
    return True


def keyword_misuse(text: str, doc=None) -> list[Hit]:
    """Lower/mixed-case "must"/"shall" that prescribes; `doc` is the spaCy parse of `text` when there is one."""
    if not _ANY.search(text):
        return []
    out: list[Hit] = []
    if doc is None:
        for m in _KW.finditer(text):
            w = m.group(0)
            if w.isupper() or _mentioned(text, m.start()):
                continue
            if _RELATIVE_BEFORE.search(text[:m.start()]) or re.match(r"\s+have\s+\w+ed\b", text[m.end():]):
                continue
            out.append(_hit(text, m.start(), m.end()))
        return out
    toks = list(doc)

    def orig(t) -> str:  # the token as written: the parser reads a copy with the keywords lower-cased
        return text[t.idx:t.idx + len(t.text)]

    for t in toks:
        low = t.lower_
        if low == "may" and orig(t) == "may" and t.dep_ in ("aux", "auxpass") and _main_clause(t.head) and not _mentioned(text, t.idx):
            subj = [c for c in t.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and (subj[0].lower_ in ("none", "nobody", "nothing", "neither")
                         or any(d.dep_ == "det" and d.lower_ in ("no", "neither") for d in subj[0].children)):
                # "no hook may use …": a prohibition written as a lower-case permission
                out.append(Hit(t.idx, t.idx + len(t.text), "keyword-misuse",
                               "“no … may”: a prohibition in lower case has no RFC 2119 meaning; write it as “… MUST NOT …” "
                               "(e.g. “hooks MUST NOT use …”).", None))
            continue
        if orig(t).isupper():
            continue
        if orig(t) == "Should" and t.dep_ in ("aux", "auxpass") and any(x.is_alpha for x in doc[:t.i]):
            out.append(_hit(text, t.idx, t.idx + len(t.text)))  # "… and Should log": a mistyped keyword mid-sentence
            continue
        if low not in ("must", "shall"):
            continue
        if t.dep_ not in ("aux", "auxpass", "ROOT") and t.tag_ != "MD":
            continue
        if _mentioned(text, t.idx):
            continue
        v = t.head if t.dep_ in ("aux", "auxpass") else t
        if not _main_clause(v) or _TRAILING_RELATIVE.search(text[:t.idx]):
            continue  # (the text check backs the parse up where it attaches ", which means …" wrongly)
        if v.tag_ == "VBN" and any(c.lower_ == "have" and c.dep_ == "aux" for c in v.children):
            continue  # "must have been": an inference about the past
        if any(c.dep_ == "advmod" and c.lower_ in _INFERENTIAL and c.i < v.i for c in v.children):
            continue  # "and therefore must always represent …": a consequence of a rule stated before, not a new one
        end = t.idx + len(t.text)
        nxt = t.nbor(1) if t.i + 1 < len(doc) else None
        if nxt is not None and nxt.lower_ == "not" and not orig(nxt).isupper():
            end = nxt.idx + len(nxt.text)
        out.append(_hit(text, t.idx, end))
    return out


