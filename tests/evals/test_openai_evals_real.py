"""`spec-lsp evals export --format openai-evals` checked by the real OpenAI Evals (PyPI `evals`), offline:
its own JSONL loader reads the samples, its Registry loads the exported eval spec, and the eval class the
spec names (ModelBasedClassify with the closedqa grader) runs every sample end to end with a recording
completion function, so the grader prompt must be built from the sample's `input` and `criteria`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.evals.test_evals_export import PF_CACHE, WS, export, read_jsonl

OE_VENV = PF_CACHE / "openai-evals-venv"
OE_PY = OE_VENV / "bin" / "python"
# the marker is written only after the install script's import check passed
pytestmark = pytest.mark.skipif(not OE_PY.exists() or not any(OE_VENV.glob(".installed-*")), reason="OpenAI Evals venv not installed (bash scripts/install-eval-test-deps.sh)")

# Runs inside the evals venv. argv: registry dir, eval name. Prints one JSON report.
SNIPPET = r'''
import json, sys
from pathlib import Path
import evals.data, evals.record
from evals.api import CompletionFn, CompletionResult
from evals.base import RunSpec
from evals.registry import Registry

reg_dir, name = Path(sys.argv[1]), sys.argv[2]

class Result(CompletionResult):
    def __init__(self, text): self.text = text
    def get_completions(self): return [self.text]

class Recording(CompletionFn):
    """Answers the policy prompt with a fixed reply and the grader with a reasoning + "Y" verdict."""
    def __init__(self): self.policy, self.grader = [], []
    def __call__(self, prompt, **kw):
        text = json.dumps(prompt, ensure_ascii=False)
        if "[Criterion]:" in text:
            self.grader.append(prompt); return Result("The reply follows the clause.\nY\nY")
        self.policy.append(prompt); return Result("Prices: ¥9,000 a night 🏨")

samples = evals.data.get_jsonl(str(reg_dir / "data" / name / "samples.jsonl"))
registry = Registry()                       # the package's own registry (for the closedqa grader spec) ...
registry.add_registry_paths([reg_dir])      # ... plus the exported one
spec = registry.get_eval(name)
cls = registry.get_class(spec)             # a functools.partial of the class named in the spec
klass = getattr(cls, "func", cls)
fn = Recording()
ev = cls(completion_fns=[fn], seed=20220722, name=spec.key, eval_registry_path=spec.registry_path,
         registry=registry, **spec.args)
run_spec = RunSpec(completion_fns=["recording"], eval_name=spec.key, base_eval=name, split=spec.key.split(".")[1],
                   run_config={}, created_by="spec-lsp-test")
recorder = evals.record.DummyRecorder(run_spec=run_spec, log=False)
result = ev.run(recorder)
print(json.dumps({
    "n_samples": len(samples), "keys": sorted({k for s in samples for k in s}),
    "eval_key": spec.key, "cls": f"{klass.__module__}:{klass.__name__}", "grader_spec": ev.mg.input_outputs,
    "result": result, "policy_prompts": fn.policy, "grader_prompts": [json.dumps(p, ensure_ascii=False) for p in fn.grader],
}, ensure_ascii=False))
'''


def run_in_evals(ws: Path, tmp_path: Path) -> tuple[list[dict], dict, str]:
    """Export `ws`, lay the export out as the registry.yaml header tells the user to, and run SNIPPET."""
    out = tmp_path / "out"
    p = export(ws, out, "--format", "openai-evals")
    assert p.returncode == 0, p.stderr
    exported = read_jsonl(out / "openai-evals" / "samples.jsonl")
    reg_yaml = (out / "openai-evals" / "registry.yaml").read_text(encoding="utf-8")
    name = next(line[:-1] for line in reg_yaml.splitlines() if line.startswith("spec-lsp-") and line.endswith(":"))
    reg = tmp_path / "registry"
    (reg / "evals").mkdir(parents=True)
    (reg / "data" / name).mkdir(parents=True)
    shutil.copy(out / "openai-evals" / "registry.yaml", reg / "evals" / f"{name}.yaml")
    shutil.copy(out / "openai-evals" / "samples.jsonl", reg / "data" / name / "samples.jsonl")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),   # HOME: no ~/.evals of the user's
           "OPENAI_API_KEY": "sk-offline-never-used", "PYTHONIOENCODING": "utf-8"}
    r = subprocess.run([str(OE_PY), "-c", SNIPPET, str(reg), name], capture_output=True, text=True,
                       encoding="utf-8", env=env, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    return exported, json.loads(r.stdout.strip().splitlines()[-1]), name


def test_real_openai_evals_loads_and_runs_the_exported_eval(tmp_path):
    exported, rep, name = run_in_evals(WS, tmp_path)   # eval name from the workspace folder: spec-lsp-ws
    assert name == "spec-lsp-ws"
    assert rep["n_samples"] == len(exported) == 7
    assert {"input", "ideal", "criteria"} <= set(rep["keys"])
    assert rep["eval_key"] == "spec-lsp-ws.dev.v0"
    assert rep["cls"] == "evals.elsuite.modelgraded.classify:ModelBasedClassify"
    # closedqa: the sample's `input` is sent to the model under test, its reply fills {completion}
    assert rep["grader_spec"] == {"input": "completion"}
    assert len(rep["policy_prompts"]) == 7 and all(isinstance(m, list) and m for m in rep["policy_prompts"])
    assert {m["role"] for conv in rep["policy_prompts"] for m in conv} <= {"system", "user", "assistant"}
    assert any("¥10,000" in m["content"] for conv in rep["policy_prompts"] for m in conv)
    # every grader prompt quotes its clause's criteria and the reply it grades
    assert len(rep["grader_prompts"]) == 7
    for row in exported:
        clause = row["metadata"]["criterion"]
        assert any(clause in g and "¥9,000 a night 🏨" in g for g in rep["grader_prompts"]), clause
    # the "Y" verdicts were parsed by the real classifier: every sample scored 1.0
    assert rep["result"] == {"counts/Y": 7, "score": 1.0}


def test_a_workspace_folder_name_with_dots_colons_and_spaces_gives_a_loadable_eval_name(tmp_path):
    ws = tmp_path / "Travel spec: v2.1 ’draft’"
    shutil.copytree(WS, ws)
    exported, rep, name = run_in_evals(ws, tmp_path / "run")
    # "." would split the name into base/split/version in OpenAI Evals, ": " would break the YAML
    assert name == "spec-lsp-Travel-spec-v2-1-draft"
    assert rep["eval_key"] == f"{name}.dev.v0" and rep["n_samples"] == len(exported) == 7
    assert rep["result"]["counts/Y"] == 7
