"""The contradiction checker: propositions from clause sentences, and an index that finds pairs that
cannot both hold without comparing all pairs.

A proposition is (actor, action, objects, polarity, modality) plus optional numeric bounds and an
"only" restriction.  Candidates for a clause come from the index keyed by (actor, action) and by
bounded quantity, so the work grows with the number of candidates, not the square of the clauses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, Iterable

# antonym actions: (canonical action, polarity flip)
ANTONYMS = {
    "forbid": ("allow", True), "prohibit": ("allow", True), "disallow": ("allow", True), "ban": ("allow", True),
    "permit": ("allow", False), "enable": ("allow", False),
    "disable": ("allow", True),
    "reject": ("accept", True), "decline": ("accept", True), "deny": ("accept", True),
    "refuse": ("comply", True), "ignore": ("follow", True), "disregard": ("follow", True), "obey": ("follow", False),
    "withhold": ("reveal", True), "conceal": ("reveal", True), "hide": ("reveal", True), "disclose": ("reveal", False),
    "share": ("reveal", False), "exclude": ("include", True), "omit": ("include", True),
    "avoid": ("use", True), "skip": ("perform", True),
}
STRENGTH = {"must": 3, "shall": 3, "will": 3, "always": 3, "never": 3, "should": 2, "may": 1, "can": 1, "could": 1, "might": 1}
RANK = {"root": 5, "system": 4, "developer": 3, "user": 2, "guideline": 1}
UPPER = {"most", "max", "maximum", "under", "below", "within", "up", "fewer", "less", "exceed"}
LOWER = {"least", "min", "minimum", "over", "above", "more", "exceeds"}


@dataclass(frozen=True)
class Bound:
    quantity: str  # lemma of the measured noun ("word", "second")
    op: str  # "<=" | ">="
    value: float
    text: str


@dataclass(frozen=True)
class Proposition:
    actor: str
    action: str
    objects: tuple[str, ...]
    negated: bool
    modality: str  # must | should | may | (indicative) is
    only: bool = False
    bounds: tuple[Bound, ...] = ()
    text: str = ""
    conditional: bool = False  # "if/when/unless …", "by default", "then", "otherwise": a default or an exception
    said: str = ""  # the verb phrase as written ("must not share detail"), for messages

    @property
    def prohibits(self) -> bool:
        return self.negated and self.modality in ("must", "should", "may", "is")

    @property
    def requires_or_permits(self) -> bool:
        return not self.negated and self.modality in ("must", "should", "may", "is")


@dataclass(frozen=True)
class ClauseMeta:
    authority: str | None = None
    section: str = ""
    path: str = ""
    clause_id: str = ""


@dataclass(frozen=True)
class Conflict:
    a_key: Hashable
    b_key: Hashable
    kind: str  # polarity | bounds | exclusivity
    message_for_a: str
    message_for_b: str
    informational: bool = False


def extract(doc) -> tuple[Proposition, ...]:
    """Propositions of a parsed clause sentence (spaCy Doc)."""
    props: list[Proposition] = []
    for v in doc:
        if v.pos_ not in ("VERB",) or v.dep_ in ("amod", "acl", "relcl", "advcl", "pcomp", "csubj"):
            continue
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        head = v
        if subj is None and v.dep_ in ("xcomp", "conj"):
            # "must avoid X and provide Y", "is required to provide": inherit the governing verb's subject
            g = v.head
            subj = next((c for c in g.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            head = g
        if subj is None or subj.pos_ == "PRON" and subj.lower_ not in ("it",):
            continue
        actor = subj.lemma_.lower() if subj.pos_ != "PRON" else "it"
        mods = [c for c in list(v.children) + (list(head.children) if head.i != v.i else []) if c.dep_ in ("aux", "advmod", "neg")]
        modality = "is"
        negated = False
        for c in mods:
            lw = c.lower_
            if lw in ("must", "shall", "will", "always"):
                modality = "must"
            elif lw == "should" and modality != "must":
                modality = "should"
            elif lw in ("may", "can", "could", "might") and modality == "is":
                modality = "may"
            if c.dep_ == "neg" or lw in ("never", "not", "n't"):
                negated = True
                if lw == "never":
                    modality = "must" if modality in ("is", "must") else modality
        if head.i != v.i and head.lemma_ in ("need", "have", "require", "be") and modality == "is":
            modality = "must"
        action = v.lemma_.lower()
        prt = next((c.lower_ for c in v.children if c.dep_ == "prt"), None)
        if prt:
            action = f"{action} {prt}"
        written_verb, written_neg = action, negated
        if action in ANTONYMS:
            action, flip = ANTONYMS[action]
            negated = negated != flip
        objs: list[str] = []
        for c in v.children:
            if c.dep_ in ("dobj", "attr", "oprd"):
                objs.append(c.lemma_.lower())
                objs.extend(x.lemma_.lower() for x in c.conjuncts)
        for c in v.children if not objs else ():
            if c.dep_ == "prep" and c.lower_ not in ("by", "during", "after", "before", "since", "until"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        objs.append(p.lemma_.lower())
                        objs.extend(x.lemma_.lower() for x in p.conjuncts)
        only = any(c.lower_ == "only" for c in v.subtree if c.dep_ == "advmod" and (c.head.i == v.i or c.head.dep_ in ("dobj", "pobj", "prep")))
        bounds = tuple(_bounds(v))
        conditional = _conditional(v, head, doc)
        m_word = {"must": "must", "should": "should", "may": "may", "is": ""}[modality]
        said = " ".join(w for w in (actor, m_word, "not" if written_neg else "", written_verb, objs[0] if objs else "") if w)
        props.append(Proposition(actor, action, tuple(dict.fromkeys(objs)), negated, modality, only, bounds, doc.text, conditional, said))
    return tuple(props)


_CONDITION_WORDS = {"if", "when", "whenever", "unless", "except", "otherwise", "then", "until", "once"}


def _conditional(v, head, doc) -> bool:
    for x in ((v, head) if head.i != v.i else (v,)):
        for c in x.children:
            if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITION_WORDS for m in c.children):
                return True
            if c.dep_ in ("advmod", "prep") and c.lower_ in _CONDITION_WORDS:
                return True
            if c.dep_ == "prep" and c.lower_ in ("by", "unless", "except") and any(p.lower_ in ("default", "request") for p in c.children):
                return True
    low = doc.text.lower()
    return "by default" in low or "unless" in low or "otherwise" in low


def _bounds(v) -> list[Bound]:
    out = []
    for t in v.subtree:
        if not (t.like_num and t.pos_ == "NUM"):
            continue
        try:
            value = float(t.text.replace(",", ""))
        except ValueError:
            continue
        noun = t.head if t.head.pos_ in ("NOUN", "PROPN") else None
        if noun is None:
            continue
        window = [x.lower_ for x in t.doc[max(0, t.i - 3) : t.i]]
        op = None
        if any(w in UPPER for w in window) or (window[-2:] == ["no", "more"]) or "than" in window and any(w in ("fewer", "less") for w in window):
            op = "<="
        if any(w in LOWER for w in window) and not (window[-3:-1] == ["no", "more"]):
            op = ">=" if not (window and window[-2:] == ["no", "more"]) else "<="
        if "least" in window:
            op = ">="
        if "most" in window or "under" in window or "within" in window:
            op = "<="
        if op:
            out.append(Bound(noun.lemma_.lower(), op, value, t.doc[max(0, t.i - 3) : noun.i + 1].text))
    return out


class ContradictionIndex:
    def __init__(self) -> None:
        self._props: dict[Hashable, tuple[tuple[Proposition, ...], ClauseMeta]] = {}
        self._by_action: dict[tuple[str, str], set] = {}
        self._by_quantity: dict[str, set] = {}
        self.comparisons = 0  # pairs actually compared (for tests and benchmarks)

    def update(self, key: Hashable, props: tuple[Proposition, ...], meta: ClauseMeta) -> None:
        self.remove(key)
        self._props[key] = (tuple(props), meta)
        for p in props:
            self._by_action.setdefault((p.actor, p.action), set()).add(key)
            for b in p.bounds:
                self._by_quantity.setdefault(b.quantity, set()).add(key)

    def remove(self, key: Hashable) -> None:
        old = self._props.pop(key, None)
        if old is None:
            return
        for p in old[0]:
            s = self._by_action.get((p.actor, p.action))
            if s is not None:
                s.discard(key)
            for b in p.bounds:
                q = self._by_quantity.get(b.quantity)
                if q is not None:
                    q.discard(key)

    def __len__(self) -> int:
        return len(self._props)

    def conflicts(self, keys: Iterable[Hashable] | None = None) -> list[Conflict]:
        return list(self.iter_conflicts(keys))

    def iter_conflicts(self, keys: Iterable[Hashable] | None = None):
        """The conflicts of `keys` (all clauses when None) with any clause, each pair once, streamed.

        Bounded memory (issue 9, item 10): no set of the pairs already compared is kept (on 6,000
        files that set held every candidate pair, 6.9 GB).  Each pair is compared once by order
        instead: a pair of two clauses that are both in `keys` is compared when the earlier one (in
        `keys` order) is processed.  Only one clause's candidate set exists at a time.
        (A rewrite of this model should keep that property: no structure that grows with the number
        of candidate *pairs*; conflicts found are yielded, not collected.)"""
        todo = list(self._props) if keys is None else list(dict.fromkeys(k for k in keys if k in self._props))
        order = {k: i for i, k in enumerate(todo)}
        for i, a in enumerate(todo):
            pa, ma = self._props[a]
            cands: set = set()
            for p in pa:
                cands |= self._by_action.get((p.actor, p.action), set())
                for b in p.bounds:
                    cands |= self._by_quantity.get(b.quantity, set())
            cands.discard(a)
            for b in cands:
                j = order.get(b)
                if j is not None and j < i:
                    continue  # compared when b was processed
                self.comparisons += 1
                pb, mb = self._props[b]
                cf = _compare(a, pa, ma, b, pb, mb)
                if cf is not None:
                    yield cf


def _verb_phrase(p: Proposition) -> str:
    if p.said:
        return p.said
    m = {"must": "must", "should": "should", "may": "may", "is": ""}[p.modality]
    neg = " not" if p.negated else ""
    obj = f" {p.objects[0]}" if p.objects else ""
    return f"{p.actor} {m}{neg} {p.action}{obj}".replace("  ", " ")


def _compare(ka, pa, ma: ClauseMeta, kb, pb, mb: ClauseMeta) -> Conflict | None:
    for x in pa:
        for y in pb:
            kind = None
            detail = ""
            if x.conditional or y.conditional:
                continue  # a default and its exception (or two conditions we cannot compare): not reported
            if (x.actor, x.action) == (y.actor, y.action) and x.actor not in ("it",):
                same_obj = set(x.objects) & set(y.objects) or (not x.objects and not y.objects)
                if same_obj and x.negated != y.negated:
                    pos, neg = (x, y) if not x.negated else (y, x)
                    if not (pos.modality == "may" and neg.modality == "may") and neg.modality in ("must", "should", "may") and pos.modality in ("must", "should", "may", "is"):
                        kind = "polarity"
                        detail = f"“{_verb_phrase(x)}” against “{_verb_phrase(y)}”"
                if kind is None and not x.negated and not y.negated and x.objects and y.objects:
                    for o, other in ((x, y), (y, x)):
                        if o.only and set(o.objects) < set(other.objects) and set(o.objects) & set(other.objects):
                            kind = "exclusivity"
                            extra = sorted(set(other.objects) - set(o.objects))
                            detail = f"“only {', '.join(o.objects)}” against also {', '.join(extra)}"
                            break
            if kind is None:
                for bx in x.bounds:
                    for by in y.bounds:
                        if bx.quantity == by.quantity and bx.op != by.op:
                            lo, hi = (bx, by) if bx.op == ">=" else (by, bx)
                            if lo.value > hi.value and (x.actor == y.actor or set(x.objects) & set(y.objects)):
                                kind = "bounds"
                                detail = f"“{lo.text}” (≥ {lo.value:g}) against “{hi.text}” (≤ {hi.value:g})"
            if kind is None:
                continue
            ra, rb = RANK.get(ma.authority or "", 0), RANK.get(mb.authority or "", 0)
            informational = bool(ra and rb and ra != rb)
            def msg(me: ClauseMeta, other: ClauseMeta, r_me: int, r_other: int) -> str:
                base = f"Contradicts [^{other.clause_id}]" if other.clause_id else "Contradicts another clause"
                base += f": {detail}. Both cannot hold"
                if informational:
                    if r_me < r_other:
                        return base + f"; the {other.authority}-level clause overrides this {me.authority}-level default. Say so explicitly if that is intended."
                    return base + f"; this {me.authority}-level clause overrides the {other.authority}-level default there."
                return base + ": which one should win, and when?"
            return Conflict(ka, kb, kind, msg(ma, mb, ra, rb), msg(mb, ma, rb, ra), informational)
    return None
