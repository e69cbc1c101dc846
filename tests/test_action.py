"""The composite GitHub Action (action.yml): its `run:` steps executed as the runner would (bash,
step env, $GITHUB_OUTPUT, step outputs), with the inputs' defaults substituted, in a temporary
repository.  The `uses:` step (github/codeql-action/upload-sarif) needs GitHub itself: it is listed, not run."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def run_action(workspace: Path, tmp: Path, inputs: dict[str, str] | None = None) -> dict:
    """Run the action's shell steps in order; returns per-step results, skipped `uses:` steps and outputs."""
    values = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    values.update(inputs or {})
    outputs: dict[str, dict[str, str]] = {}

    def expr(m: re.Match) -> str:
        e = m.group(1)
        if e.startswith("inputs."):
            return values[e[len("inputs."):]]
        if e == "github.action_path":
            return str(REPO)
        if e == "runner.temp":
            return str(tmp)
        got = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", e)
        if got:
            return outputs.get(got.group(1), {}).get(got.group(2), "")
        raise AssertionError(f"the test runner does not know the expression {e!r}")

    steps, skipped = [], []
    for step in ACTION["runs"]["steps"]:
        if "uses" in step:
            skipped.append(step["uses"])
            continue
        assert step.get("shell") == "bash" and "if" not in step, step
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "GITHUB_"))}
        out_file = tmp / f"output-{len(steps)}"
        out_file.write_text("")
        env.update({k: EXPR.sub(expr, str(v)) for k, v in (step.get("env") or {}).items()})
        env.update(GITHUB_OUTPUT=str(out_file), GITHUB_WORKSPACE=str(workspace), GITHUB_ACTIONS="true")
        script = tmp / f"step-{len(steps)}.sh"
        script.write_text(EXPR.sub(expr, step["run"]))
        # GitHub's `shell: bash` is `bash --noprofile --norc -eo pipefail {0}`
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace, env=env,
                           capture_output=True, text=True, timeout=1200)
        outputs[step.get("id", str(len(steps)))] = dict(
            line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line)
        steps.append({"name": step["name"], "code": r.returncode, "stdout": r.stdout, "stderr": r.stderr})
        if r.returncode != 0:
            break
    return {"steps": steps, "skipped": skipped, "outputs": outputs}


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory) -> Path:
    """One `runner.temp` for the structural-only runs: the second install finds the venv populated."""
    return tmp_path_factory.mktemp("runner-temp")


def workspace(tmp_path: Path, fixture: str) -> Path:
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(REPO / "fixtures" / fixture, ws)
    subprocess.run(["git", "init", "-q"], cwd=ws, check=True)
    return ws


def test_action_inputs_are_documented_and_steps_are_shell_or_upload():
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), name
    kinds = [("uses" if "uses" in s else s.get("shell")) for s in ACTION["runs"]["steps"]]
    assert kinds == ["bash", "bash", "uses", "bash"]
    assert ACTION["runs"]["steps"][2]["uses"].startswith("github/codeql-action/upload-sarif@")


@pytest.mark.slow
def test_action_defaults_on_a_clean_spec(tmp_path):
    """Defaults: the action's own revision with the nlp extra (spaCy and its model), SARIF written, job passes."""
    ws = workspace(tmp_path, "model-spec")
    res = run_action(ws, tmp_path)
    names = [s["name"] for s in res["steps"]]
    assert names == ["Install spec-lsp", "Check", "Result"], res["steps"]
    assert all(s["code"] == 0 for s in res["steps"]), res["steps"]
    assert res["skipped"] == ["github/codeql-action/upload-sarif@v3"]
    assert res["outputs"]["check"]["exit-code"] == "0"
    sarif = json.loads((ws / "spec-lsp.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["tool"]["driver"]["name"] == "spec-lsp"
    # the language rules ran (the nlp extra is installed): no "spaCy is not installed" notice
    check = res["steps"][1]
    assert "spaCy is not installed" not in check["stderr"] and "No spaCy English model" not in check["stderr"], check["stderr"]
    assert re.search(r"spec-lsp \S+ installed \(.*\[nlp\]\) in \d+ s", res["steps"][0]["stdout"]), res["steps"][0]


@pytest.mark.slow
def test_action_fails_on_errors_with_annotations(tmp_path, runner_temp):
    ws = workspace(tmp_path, "broken")
    res = run_action(ws, runner_temp, {"extras": "", "sarif-file": "out/report.sarif"})
    (install, check, result) = res["steps"]
    assert install["code"] == 0 and check["code"] == 0, res["steps"]
    assert res["outputs"]["check"]["exit-code"] == "1"
    assert result["code"] == 1 and "::error title=spec-lsp::" in result["stdout"]
    # annotations the runner turns into PR comments, with the path relative to the repository
    assert re.search(r"^::error file=spec\.md,line=17,col=\d+,endLine=17,title=SPEC120::", check["stdout"], re.M), check["stdout"]
    assert "spec.md:17:" in check["stdout"]
    assert (ws / "out" / "report.sarif").is_file()


@pytest.mark.slow
def test_action_fail_on_never_and_extra_args(tmp_path, runner_temp):
    ws = workspace(tmp_path, "broken")
    res = run_action(ws, runner_temp, {"extras": "", "fail-on": "never", "args": "--select SPEC120", "paths": "spec.md"})
    assert [s["code"] for s in res["steps"]] == [0, 0, 0], res["steps"]
    sarif = json.loads((ws / "spec-lsp.sarif").read_text(encoding="utf-8"))
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"SPEC120"}


@pytest.mark.slow
def test_action_baseline_input(tmp_path, runner_temp):
    """`baseline` becomes `check --baseline FILE`: with every current finding recorded, the job passes;
    a new error on top fails it, and only that one is reported.  The baseline and SARIF files live outside
    the checked tree: main's citation scan (SPEC500) reads every file, spec-lsp's own outputs included."""
    ws = workspace(tmp_path, "broken")
    res = run_action(ws, runner_temp, {"extras": "", "fail-on": "never", "sarif-file": "../out.sarif", "args": "--no-language --write-baseline ../spec-lsp-baseline.json"})
    assert res["outputs"]["check"]["exit-code"] == "0" and (ws.parent / "spec-lsp-baseline.json").is_file(), res["steps"]
    res = run_action(ws, runner_temp, {"extras": "", "baseline": "../spec-lsp-baseline.json", "sarif-file": "../out.sarif", "args": "--no-language"})
    check = res["steps"][1]
    assert "--baseline ../spec-lsp-baseline.json" in check["stdout"].splitlines()[0], check["stdout"]
    assert res["outputs"]["check"]["exit-code"] == "0" and res["steps"][2]["code"] == 0, res["steps"]
    assert json.loads((ws.parent / "out.sarif").read_text(encoding="utf-8"))["runs"][0]["results"] == []
    (ws / "new.md").write_text("# New\n\nSee [there](#nowhere-at-all).\n", encoding="utf-8")
    res = run_action(ws, runner_temp, {"extras": "", "baseline": "../spec-lsp-baseline.json", "sarif-file": "../out.sarif", "args": "--no-language"})
    assert res["outputs"]["check"]["exit-code"] == "1" and res["steps"][2]["code"] == 1, res["steps"]
    results = json.loads((ws.parent / "out.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results] == [("SPEC120", "new.md")]
