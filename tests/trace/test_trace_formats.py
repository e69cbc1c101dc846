"""Traceability for the other formats, through the real CLI: OpenSpec requirements cited by name
(`@spec("auth/Session expiry")`), Kiro criteria by number (`spec: offline-sync/1.1`)."""

from __future__ import annotations

import json

from test_trace_cli import copy, run


def test_openspec_test_citations_are_evidence_and_rename_edits_them(tmp_path):
    root = copy(tmp_path, "openspec")
    data = json.loads(run(root, "trace", "--format", "json").stdout)
    rows = {c["key"]: c for c in data["clauses"]}
    assert [e["label"] for e in rows["auth/Session expiry"]["evidence"]["tests"]] == [
        "tests/test_auth.py::test_session_expires_after_idle_time"]
    assert rows["auth/Session expiry"]["evidence"]["scenarios"] and not rows["auth/Sign-out"]["evidence"]["tests"]
    run(root, "rename", "auth/Session expiry", "Session timeout")
    assert '@pytest.mark.spec("auth/Session timeout")' in (root / "tests/test_auth.py").read_text()
    assert "### Requirement: Session timeout" in (root / "openspec/specs/auth/spec.md").read_text()


def test_kiro_criteria_cited_by_number_and_unknown_citation(tmp_path):
    root = copy(tmp_path, "kiro")
    data = json.loads(run(root, "trace", "--format", "json").stdout)
    rows = {c["key"]: c for c in data["clauses"]}
    assert [e["label"] for e in rows["offline-sync/1.1"]["evidence"]["tests"]] == [
        "tests/test_sync.py::test_unsent_changes_are_sent_after_reconnect"]
    assert [e["label"] for e in rows["export-notes/FR-1.2"]["evidence"]["tests"]] == ["tests/test_sync.py::test_export_markdown"]
    assert not rows["offline-sync/1.2"]["evidence"]["tests"]
    out = json.loads(run(root, "check", "--no-language", "--format", "json", "--select", "SPEC500", code=None).stdout)
    assert [(f["path"], f["range"]["start"]["line"], f["subject"]) for f in out] == [("tests/test_sync.py", 10, "9.9")]
