"""Round 5: the embedding model read without the wordllama package, the on-disk vector cache, and the prefilter's
literal guard.  Each cache is checked where it could go wrong: a warm run after an edit must report what a cold
run reports."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from spec_lsp.language import rules as R
from spec_lsp.language import semantic

REPO = Path(__file__).resolve().parents[2]

TEXTS = ["", "a", "timer", "The retransmission timer MUST be 500 milliseconds.", "ünïcödé 📡 “quoted” text",
         "x" * 2000, "eligibility validation", "The gateway must not compress responses to legacy clients."]


def test_the_fast_model_gives_wordllamas_vectors_bit_for_bit():
    wordllama = pytest.importorskip("wordllama")
    fast = semantic._load_fast()
    assert fast is not None, "the bundled model of the installed wordllama is read directly"
    ref = wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    a, b = semantic._embed(fast, TEXTS), semantic._embed(ref, TEXTS)
    assert a.dtype == b.dtype == np.float32 and a.shape == b.shape
    assert (a.view(np.uint32) == b.view(np.uint32)).all()
    # one text at a time gives the same vectors as a batch (the cache stores them per text)
    one = np.vstack([semantic._embed(fast, [t]) for t in TEXTS])
    assert (one.view(np.uint32) == a.view(np.uint32)).all()


class _Store:
    def __init__(self):
        self.d, self.gets = {}, 0

    def get_vecs(self, keys):
        self.gets += 1
        return {k: self.d[k] for k in keys if k in self.d}

    def put_vecs(self, items):
        self.d.update(items)


def test_cached_vectors_equal_computed_ones_and_skip_the_model(semantic_model, monkeypatch):
    store = _Store()
    semantic.set_store(store)
    try:
        first = semantic.cached_vectors(TEXTS, "float16")
        assert len(store.d) == len(set(TEXTS))
        direct = semantic.vectors(TEXTS).astype("float16")
        assert all((f == d).all() for f, d in zip(first, direct))
        monkeypatch.setattr(semantic, "_embed", lambda m, t: pytest.fail("a cached vector was embedded again"))
        again = semantic.cached_vectors(TEXTS, "float16")
        assert all((f.view(np.uint16) == g.view(np.uint16)).all() for f, g in zip(first, again))
        # float32 (similarity) and float16 (frames) are separate entries
        monkeypatch.undo()
        assert semantic.cached_vectors(["timer"], "float32")[0].dtype == np.float32
    finally:
        semantic.set_store(None)


def test_the_keyword_guard_never_hides_a_match():
    """Every match of keyword-misuse's trigger contains one of its guard words: the guard only skips sentences the
    pattern cannot match."""
    rx = re.compile(R._TRIGGERS["keyword-misuse"], re.IGNORECASE)
    lits = R._TRIGGER_LITERALS["keyword-misuse"]
    samples = ["Clients must retry.", "MUST retry.", "x Should y", "Should y", "No client may retry.", "NO client MAY retry",
               "nothing here may", "Nothing may", "mustard", "The server SHOULD, and it Should.", "none of them may"]
    for s in samples:
        if rx.search(s):
            assert any(w in s for w in lits), s
    enabled = {r.name for r in __import__("spec_lsp.language.registry", fromlist=["x"]).LANGUAGE_RULES}
    for s in samples + ["The node MUST send 3 pings.", "It is done."]:
        assert R.could_fire(s, enabled, {}) == bool(re.search("|".join(
            R._TRIGGERS[r] for r in enabled if r in R._TRIGGERS and r not in R._DEGREE_TRIGGERS), s, re.IGNORECASE)
            or any(R._DEGREE_TRIGGERS[r][1].search(s) and any(
                m.group(0).lower() in R._DEGREE_TRIGGERS[r][0] or R._comparative_form(m.group(0).lower())
                for m in R._DEGREE_TRIGGERS[r][1].finditer(s)) for r in R._DEGREE_TRIGGERS if r in enabled)), s


DOC = ("# Sensor reports\n\nThe key words “MUST” and “MUST NOT” are to be interpreted as described in RFC 2119.\n\n"
       "## Retransmission\n\nThe initial retransmission timeout MUST be 2 seconds.\n\n"
       "## Timers\n\nThe retransmission timer MUST be 500 milliseconds.\n\nThe client timeout MUST be 30 seconds.\n\n"
       "The gateway must not compress responses to legacy clients.\n\nThe gateway should compress responses to legacy clients.\n")


def _check(root: Path, cache: Path) -> list:
    e = dict(os.environ, PYTHONPATH=str(REPO), SPEC_LSP_CACHE_DIR=str(cache))
    p = subprocess.run([sys.executable, "-m", "spec_lsp", "check", "--select", "language,consistency", "--format", "json",
                        "--fail-on", "never", str(root)], capture_output=True, text=True, env=e, cwd=root, timeout=600)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    return sorted(json.dumps(x, sort_keys=True) for x in (data["findings"] if isinstance(data, dict) else data))


def test_a_warm_run_after_an_edit_reports_what_a_cold_run_reports(tmp_path):
    root = tmp_path / "spec"
    root.mkdir()
    (root / "spec.md").write_text(DOC, encoding="utf-8")
    warm = tmp_path / "warm-cache"
    first = _check(root, warm)
    assert any("contradiction" in f for f in first)  # the semantic pair (timer / timeout) or the polarity pair
    assert _check(root, warm) == first  # warm: vectors from the cache
    # an edit: new statements (new frames and predicates), one removed; the warm cache holds the old vectors
    edited = DOC.replace("The client timeout MUST be 30 seconds.", "The retransmission timer MUST be 2 seconds.") \
        .replace("should compress", "should gzip")
    (root / "spec.md").write_text(edited, encoding="utf-8")
    assert _check(root, warm) == _check(root, tmp_path / "cold-cache")
