"""Optional lexical-semantic knowledge for the contradiction checker: phrase embeddings from WordLlama.

WordLlama (MIT, https://github.com/dleemiller/WordLlama) ships static token embeddings distilled from an LLM's
embedding layer; its 256-dimension model is bundled in the wheel (16 MB) and needs only numpy at inference, so
no network and no GPU.  It lets the checker see that "the retransmission timer" and "the retransmission
timeout", or "eligibility checks" and "eligibility validation", name one thing.

It is optional (the ``nlp`` extra installs it).  Without it — not installed, a broken install, or
``SPEC_LSP_SEMANTIC=0`` — every function here answers as literal matching would (``similarity`` is 1.0 for equal
phrases and 0.0 otherwise, no vectors), with no notice and no exception.

Loading is lazy and happens once per process, on a worker thread (``ensure_loaded``); the event loop only ever
calls ``current()``, which never loads.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache

_lock = threading.Lock()
_model = None
_tried = False
_store = None  # the on-disk vector cache (`LanguageEngine`: get_vecs / put_vecs), set by the language pass

# The files and the version of WordLlama whose inference `_FastModel` reproduces (tests/language/
# test_semantic_cache.py compares the two vector for vector); any other version is loaded through WordLlama.
_FAST_VERSIONS = ("0.4.",)
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"


class _FastModel:
    """WordLlama's bundled 256-dim model without the `wordllama` package's imports (pydantic, requests, the
    Hugging Face hub: 0.7 s and 40 MB of a run that only needs a tokenizer and a table lookup).  `embed` is
    `WordLlamaInference.embed` (batches of 64, average pooling over the attention mask, L2 norm), so the vectors
    are the same bit for bit; the float16 table is kept as such (each looked-up row is widened to float32, as
    WordLlama widens the whole table up front).  The tokenizer and the table load on the first `embed`: a run
    whose vectors all come from the on-disk cache never reads them (`ensure_loaded(full=True)` loads them now)."""

    def __init__(self, root, version: str) -> None:
        self.root = root
        self.id = f"wordllama-{version}-l2_supercat_256"
        self._tok = None
        self._emb = None
        self._load_lock = threading.Lock()

    def load(self) -> None:
        if self._emb is not None:
            return
        with self._load_lock:
            if self._emb is not None:
                return
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(self.root / _TOKENIZER))
            tok.enable_padding()
            tok.no_truncation()
            emb = _table(self.root / _WEIGHTS, "embedding.weight")
            self._tok = tok
            self._emb = emb

    def embed(self, texts: list, norm: bool = False, batch_size: int = 16):
        # (batches of 16, not WordLlama's 64: the same vectors — a text's pooling ignores its padding, padded
        # positions add exact zeros — with a quarter of the transient batch × tokens × 256 arrays, 40 MB → 10)
        import numpy as np

        try:
            self.load()
        except Exception:  # a damaged install: literal matching from now on (as if it had failed to load)
            _drop()
            raise
        emb = self._emb
        out = np.empty((len(texts), emb.shape[1]), dtype=np.float32)
        for i in range(0, len(texts), batch_size):
            enc = self._tok.encode_batch(texts[i:i + batch_size], is_pretokenized=False, add_special_tokens=False)
            ids = np.array([e.ids for e in enc], dtype=np.int32)
            mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
            np.clip(ids, 0, emb.shape[0] - 1, out=ids)
            x = emb[ids].astype(np.float32)
            mask_sum = np.maximum(mask.sum(axis=1, keepdims=True), 1.0).astype(np.float32)
            x = np.sum(x * mask[..., np.newaxis], axis=1, dtype=np.float32) / mask_sum
            if norm:
                x /= np.linalg.norm(x, axis=1, keepdims=True)
            out[i:i + x.shape[0]] = x
        return out


def _table(path, name: str):
    """One tensor of a safetensors file as a read-only memory map (the format: an 8-byte little-endian header
    size, a JSON header of dtype / shape / data offsets, then the raw little-endian data).  Only the rows a text
    looks up are ever read, so the 16 MB table costs the process a few hundred KB, not 16 MB (plus 16 MB more
    while `safe_open` copies it)."""
    import json
    import struct

    import numpy as np

    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    meta = header[name]
    dtype = {"F16": "<f2", "F32": "<f4", "BF16": None}[meta["dtype"]]
    if dtype is None:
        raise ValueError("unsupported dtype")
    a, z = meta["data_offsets"]
    shape = tuple(meta["shape"])
    if z - a != int(np.prod(shape)) * np.dtype(dtype).itemsize:
        raise ValueError("inconsistent safetensors header")
    return np.memmap(path, dtype=dtype, mode="r", offset=8 + n + a, shape=shape)


def _load_fast():
    """The bundled model through `_FastModel`, or None (not installed, another version, files missing)."""
    import importlib.metadata
    import importlib.util
    import pathlib

    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return None
    version = importlib.metadata.version("wordllama")
    if not version.startswith(_FAST_VERSIONS):
        return None
    root = pathlib.Path(list(spec.submodule_search_locations)[0])
    if not (root / _WEIGHTS).is_file() or not (root / _TOKENIZER).is_file():
        return None
    if importlib.util.find_spec("tokenizers") is None:
        return None
    return _FastModel(root, version)


def _load():
    """The WordLlama model, or None.  Never raises."""
    if os.environ.get("SPEC_LSP_SEMANTIC", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    try:
        fast = _load_fast()
    except Exception:
        fast = None
    if fast is not None:
        return fast
    try:
        import pathlib

        import wordllama
        from wordllama import WordLlama

        # the wheel bundles the 256-dim model; load it from the package folder, never from the network
        m = WordLlama.load(cache_dir=pathlib.Path(wordllama.__file__).parent, disable_download=True)
        m.id = f"wordllama-{getattr(wordllama, '__version__', '?')}-l2_supercat_256"
        return m
    except Exception:  # not installed, an incompatible numpy, a damaged wheel: literal matching
        return None


def ensure_loaded(full: bool = True):
    """Load the model once per process (blocking: call it from a worker thread).  The model or None.
    `full=False` (a one-shot `check`) finds the model but leaves its tokenizer and table unread until a vector
    is missing from the on-disk cache."""
    global _model, _tried
    if not _tried:
        with _lock:
            if not _tried:
                _model = _load()
                _tried = True
    m = _model
    if m is not None and full and isinstance(m, _FastModel):
        try:
            m.load()
        except Exception:  # a damaged install: literal matching from now on
            _drop()
            return None
    return _model


def _drop() -> None:
    global _model
    with _lock:
        _model = None
    _vec.cache_clear()


def current():
    """The model if it is loaded already (never loads), else None."""
    return _model


def available() -> bool:
    return _model is not None


def model_id() -> str | None:
    m = _model
    return None if m is None else getattr(m, "id", "wordllama")


def set_store(store) -> None:
    """The on-disk cache of vectors (an object with `get_vecs(keys) -> dict` and `put_vecs(items)`), or None."""
    global _store
    _store = store


def reset_for_tests() -> None:
    global _model, _tried
    with _lock:
        _model, _tried = None, False
    _vec.cache_clear()


@lru_cache(maxsize=50_000)
def _vec(text: str):
    m = _model
    if m is None:
        return None
    got = cached_vectors([text], "float32")
    return None if got is None else got[0]


def cached_vectors(texts: list[str], dtype: str):
    """`vectors(texts)` as `dtype` ("float16" or "float32"), read from the on-disk cache where present and computed
    (then stored) where not: a list parallel to `texts` (one 1-d array each), or None without the model.  A
    vector is a function of the model and the text alone (WordLlama pools each text on its own), so the cache is
    keyed by those; float16 values are stored as the float32 vector cast to float16, as the pass keeps them."""
    import numpy as np

    m = _model
    if m is None or not texts:
        return None if m is None else []
    mid = model_id()
    store = _store
    out: list = [None] * len(texts)
    keys = [f"{mid}|{dtype}|{t}" for t in texts]
    if store is not None:
        try:
            got = store.get_vecs(list(dict.fromkeys(keys)))
        except Exception:
            got = {}
        for i, k in enumerate(keys):
            b = got.get(k)
            if b is not None:
                out[i] = np.frombuffer(b, dtype=dtype)
    miss = [i for i, o in enumerate(out) if o is None]
    if miss:
        todo = list(dict.fromkeys(texts[i] for i in miss))
        try:
            mat = _embed(m, todo)
        except Exception:
            mat = None
        if mat is None:
            return None
        mat = mat.astype(dtype)
        row = {t: mat[j] for j, t in enumerate(todo)}
        for i in miss:
            out[i] = row[texts[i]]
        if store is not None:
            try:
                store.put_vecs([(f"{mid}|{dtype}|{t}", row[t].tobytes()) for t in todo])
            except Exception:
                pass
    return out


def vectors(texts: list[str]):
    """Normalised embeddings (n × 256 float32 array) of `texts`, or None without the model."""
    m = current()
    if m is None or not texts:
        return None
    return _embed(m, list(texts))


def _embed(m, texts: list[str]):
    """Normalised float32 vectors; a text with no token (empty) gets a zero vector (no NaN, no warning).  None if
    the model fails: the semantic layer never takes a comparison down."""
    try:
        import numpy as np

        with np.errstate(invalid="ignore", divide="ignore"):
            out = m.embed(texts, norm=True).astype("float32")
        return np.nan_to_num(out, copy=False)
    except Exception:
        return None


def similarity(a: str, b: str) -> float:
    """Cosine similarity of two phrases; without the model 1.0 for equal phrases and 0.0 otherwise."""
    if a == b:
        return 1.0
    if not a or not b or _model is None:
        return 0.0
    va, vb = _vec(a), _vec(b)
    if va is None or vb is None:
        return 0.0
    return float(va @ vb)
