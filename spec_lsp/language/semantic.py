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


def _load():
    """The WordLlama model, or None.  Never raises."""
    if os.environ.get("SPEC_LSP_SEMANTIC", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    try:
        import pathlib

        import wordllama
        from wordllama import WordLlama

        # the wheel bundles the 256-dim model; load it from the package folder, never from the network
        return WordLlama.load(cache_dir=pathlib.Path(wordllama.__file__).parent, disable_download=True)
    except Exception:  # not installed, an incompatible numpy, a damaged wheel: literal matching
        return None


def ensure_loaded():
    """Load the model once per process (blocking: call it from a worker thread).  The model or None."""
    global _model, _tried
    if _tried:
        return _model
    with _lock:
        if not _tried:
            _model = _load()
            _tried = True
    return _model


def current():
    """The model if it is loaded already (never loads), else None."""
    return _model


def available() -> bool:
    return _model is not None


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
    got = _embed(m, [text])
    return None if got is None else got[0]


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
