"""Roots and format detection through the real server: a sub-directory with a config file of its own is a
root of its own (its settings, its findings: the same as `spec-lsp check`), also when the config file
appears or goes away; deleting a repository's last spec-kit spec deactivates the format (paranoid)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types as T

import lsp_helpers
from lsp_helpers import REPO, start, uri, wait_for

pytestmark = pytest.mark.asyncio

SPEC = ("# Feature Specification: Photo albums\n\n## Requirements\n\n"
        "- **FR-001**: System MUST let users create an album “Porto 🌅”.\n"
        "- **FR-002**: System MUST let users rename an album.\n")
TASKS = "# Tasks\n\n- [ ] T001 Build the album page 🙂 (FR-001, FR-009)\n"
NESTED = "projects/albums"
CONFIG = '[rules]\nunknown-requirement-reference = "error"\nrequirement-without-task = "off"\n'
SEV = {T.DiagnosticSeverity.Error: "error", T.DiagnosticSeverity.Warning: "warning",
       T.DiagnosticSeverity.Information: "information", T.DiagnosticSeverity.Hint: "hint"}


def make_repo(tmp_path: Path, nested_config: bool = True) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)  # the repository boundary (find_root stops here)
    for base in ("", NESTED + "/"):
        feat = root / f"{base}specs/001-photo-albums"
        feat.mkdir(parents=True)
        (feat / "spec.md").write_text(SPEC, encoding="utf-8")
        (feat / "tasks.md").write_text(TASKS, encoding="utf-8")
    if nested_config:
        (root / NESTED / ".spec-lsp.toml").write_text(CONFIG, encoding="utf-8")
    return root


def cli_findings(root: Path, target: Path) -> set[tuple]:
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(target), "--no-language", "--format", "json", "--fail-on", "never"],
                       capture_output=True, text=True, cwd=root, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    out = set()
    for f in json.loads(r.stdout):
        base = root / f["root"] if not Path(f["root"]).is_absolute() else Path(f["root"])
        rel = (base / f["path"]).relative_to(root).as_posix()
        line, col = f["range"]["start"]["line"], f["range"]["start"]["character"]  # code points
        text = (root / rel).read_text(encoding="utf-8").split("\n")[line]
        out.add((rel, f["code"], f["severity"], line, len(text[:col].encode("utf-16-le")) // 2))  # as the server: UTF-16
    return out


def server_findings(client, root: Path) -> set[tuple]:
    out = set()
    for u, diags in client.diagnostics.items():
        rel = Path(lsp_helpers.unquote(lsp_helpers.urlparse(u).path)).relative_to(root).as_posix()
        for d in diags:
            out.add((rel, str(d.code), SEV[d.severity], d.range.start.line, d.range.start.character))
    return out


def sev_of(client, root: Path, rel: str, code: str) -> str | None:
    got = [SEV[d.severity] for d in client.diagnostics.get(uri(root, rel), []) if str(d.code) == code]
    return got[0] if got else None


NESTED_TASKS = f"{NESTED}/specs/001-photo-albums/tasks.md"
TOP_TASKS = "specs/001-photo-albums/tasks.md"


async def test_nested_config_is_a_root_with_its_settings_same_findings_as_the_cli(tmp_path, stop_clients):
    root = make_repo(tmp_path)
    client = await start(root)
    stop_clients.append(client)
    await wait_for(lambda: sev_of(client, root, NESTED_TASKS, "SPEC400") and sev_of(client, root, TOP_TASKS, "SPEC400"),
                   what="diagnostics of both features")
    # the nested feature gets its own config's severity; the repository's keeps the default
    assert sev_of(client, root, NESTED_TASKS, "SPEC400") == "error"
    assert sev_of(client, root, TOP_TASKS, "SPEC400") == "warning"
    await wait_for(lambda: sev_of(client, root, "specs/001-photo-albums/spec.md", "SPEC401"), what="SPEC401 outside")
    assert sev_of(client, root, f"{NESTED}/specs/001-photo-albums/spec.md", "SPEC401") is None  # "off" there
    # the CLI: the whole repository (nested root included), and the nested file on its own
    cli = cli_findings(root, root)
    assert cli == server_findings(client, root)
    assert cli_findings(root, root / NESTED_TASKS) == {f for f in cli if f[0] == NESTED_TASKS}
    assert any(f[0] == NESTED_TASKS and f[2] == "error" for f in cli)


async def test_nested_config_created_then_deleted(tmp_path, stop_clients):
    root = make_repo(tmp_path, nested_config=False)
    client = await start(root)
    stop_clients.append(client)
    await wait_for(lambda: sev_of(client, root, NESTED_TASKS, "SPEC400"), what="diagnostics")
    assert sev_of(client, root, NESTED_TASKS, "SPEC400") == "warning"
    cfg = root / NESTED / ".spec-lsp.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=[T.FileEvent(uri=cfg.as_uri(), type=T.FileChangeType.Created)]))
    await wait_for(lambda: sev_of(client, root, NESTED_TASKS, "SPEC400") == "error", what="the nested root's severity")
    assert sev_of(client, root, TOP_TASKS, "SPEC400") == "warning"
    cfg.unlink()
    client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=[T.FileEvent(uri=cfg.as_uri(), type=T.FileChangeType.Deleted)]))
    await wait_for(lambda: sev_of(client, root, NESTED_TASKS, "SPEC400") == "warning", what="back under the repository's root")
    assert cli_findings(root, root) == server_findings(client, root)


async def test_deleting_the_last_speckit_spec_deactivates_the_format(tmp_path, stop_clients, monkeypatch):
    orig = lsp_helpers.ClientServerConfig
    monkeypatch.setattr(lsp_helpers, "ClientServerConfig",
                        lambda server_command, server_env: orig(server_command=server_command + ["--paranoid"], server_env=server_env))
    root = make_repo(tmp_path)
    client = await start(root)
    stop_clients.append(client)
    await wait_for(lambda: sev_of(client, root, TOP_TASKS, "SPEC400") and sev_of(client, root, NESTED_TASKS, "SPEC400"),
                   what="spec-kit findings")
    spec = root / "specs/001-photo-albums/spec.md"
    spec.unlink()
    client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=[T.FileEvent(uri=spec.as_uri(), type=T.FileChangeType.Deleted)]))
    # tasks.md is no longer a spec-kit file: no "not defined in the feature's spec" warning (no flood either)
    await wait_for(lambda: uri(root, TOP_TASKS) in client.diagnostics and sev_of(client, root, TOP_TASKS, "SPEC400") is None,
                   what="spec-kit deactivated")
    assert not any("differs from a fresh build" in m.message or "skipped" in m.message for m in client.log_messages)
    assert cli_findings(root, root) == server_findings(client, root)
