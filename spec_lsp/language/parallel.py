"""`spec-lsp check --jobs N`: the language pass's heavy step over N processes.

The job is prepared once (cheap), its sentences and clause texts are sharded over a process pool
whose workers each load the engine once, and the results are applied in this process.  Shards are
contiguous so that each worker's batch stays large enough for `nlp.pipe` to be efficient, and the
sentences already in the on-disk cache cost the workers nothing.
"""

from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor

from .langpass import LanguagePass, Results, _frame_vectors

_ENGINE = None


def _init(settings) -> None:
    global _ENGINE
    from . import LanguageEngine

    _ENGINE = LanguageEngine(settings)
    _ENGINE.load()


def _work(payload):
    from . import SentenceInput

    sentences, prop_texts = payload
    hits, props = _ENGINE.analyze_with_props([SentenceInput(*x) for x in sentences], prop_texts)
    _ENGINE.flush()
    return hits, props


def _shards(items: list, n: int) -> list[list]:
    if not items:
        return []
    size = max(1, -(-len(items) // n))
    return [items[k : k + size] for k in range(0, len(items), size)]


def analyze_parallel(lp: LanguagePass, ws, jobs: int, progress=None) -> set[str]:
    job = lp.prepare(ws, sorted(ws.docs))
    if not lp.ready or len(job.units) < 200 or jobs <= 1:
        return lp.apply(ws, lp.run(job))
    sentences = [(u.text, u.context, u.rfc2119) for u in job.units]
    want_props = job.enabled is None or "contradiction" in job.enabled
    clause_texts = [c.text for c in job.clauses] if want_props else []
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    from dataclasses import replace

    settings = replace(lp.engine_settings, enabled_rules=job.enabled) if job.enabled is not None else lp.engine_settings
    # sentences and clause texts are sharded at the same boundaries (the pass lists them in the same
    # order), so a worker parses a statement once for its rules and its propositions
    s_sh = _shards(sentences, jobs)
    size = len(s_sh[0]) if s_sh else 1
    p_sh = [clause_texts[k * size:(k + 1) * size] for k in range(len(s_sh))] if len(clause_texts) == len(sentences) else _shards(clause_texts, jobs)
    n = max(len(s_sh), len(p_sh))
    payloads = [(s_sh[k] if k < len(s_sh) else [], p_sh[k] if k < len(p_sh) else []) for k in range(n)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init, initargs=(settings,)) as ex:
        parts = list(ex.map(_work, payloads))
    res = Results(job)
    res.hits = [h for part in parts for h in part[0]]
    res.props = [p for part in parts for p in part[1]] if want_props else [()] * len(job.clauses)
    if want_props and any(res.props):
        res.vecs = _frame_vectors(res.props, full=not lp.one_shot)  # the semantic candidates, as `LanguagePass.run` gives them
    return lp.apply(ws, res)
