"""A hostile .gitignore outside git must not freeze the citation scan (issue: never hang on a document)."""

from __future__ import annotations

import subprocess
import sys

from helpers import REPO


def test_gitignore_line_with_many_wildcards_does_not_freeze_the_listing(tmp_path):
    # `*a*a*a*a*a*a*a*a*x` translates to a backtracking regular expression: minutes on one long name
    (tmp_path / ".gitignore").write_text("*a*a*a*a*a*a*a*a*x\n*.log\nbuild/\n")
    (tmp_path / ("a" * 80 + ".py")).write_text("# covers ab12\n")
    (tmp_path / "run.log").write_text("FR-001\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.py").write_text("# covers ab12\n")
    code = ("import sys; from spec_lsp.trace.repo_files import list_repo_files; "
            f"print(sorted(f.path for f in list_repo_files(sys.argv[1], use_git=False)))")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60,
                       env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    listed = eval(r.stdout)
    assert "a" * 80 + ".py" in listed  # the hostile line is skipped, not applied
    assert "run.log" not in listed and "build/out.py" not in listed  # the ordinary lines still apply
