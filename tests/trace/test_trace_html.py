"""The HTML matrix in a real headless Chromium (Debian's, driven by playwright-core as the VS Code test
does): it renders with no network, sorts by a column, filters uncovered clauses; a screenshot is kept in
tests/trace/artifacts/trace-matrix.png for a person to look at."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import FIXTURES, REPO

CACHE = Path(os.environ.get("SPEC_LSP_EDITOR_CACHE", Path.home() / ".cache" / "spec-lsp-editors"))
PLAYWRIGHT = CACHE / "code-server" / "node_modules" / "playwright-core"
ARTIFACTS = REPO / "tests" / "trace" / "artifacts"
missing = [w for w, ok in [("playwright-core", PLAYWRIGHT.exists()), ("chromium", Path("/usr/bin/chromium").exists()),
                           ("node", shutil.which("node") is not None)] if not ok]

SCRIPT = r"""
const { chromium } = require(process.env.PW);
(async () => {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await b.newPage({ viewport: { width: 1280, height: 900 } });
  const requests = [];
  page.on('request', r => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(process.env.URL);
  const ids = async () => page.$$eval('#m tbody tr', rs => rs.filter(r => r.style.display !== 'none').map(r => r.cells[0].textContent));
  const out = { initial: await ids(),
                uncovered: await page.$$eval('#m tbody tr.uncovered', rs => rs.map(r => r.cells[0].textContent)),
                bg: await page.$eval('#m tbody tr.uncovered td', td => getComputedStyle(td).backgroundColor) };
  await page.click('#m thead th:nth-child(7)');  // "tests"
  await page.click('#m thead th:nth-child(7)');  // descending
  out.sortedByTests = await ids();
  await page.check('#only');
  out.onlyUncovered = await ids();
  await page.uncheck('#only');
  await page.fill('#q', 'tone');
  out.filtered = await ids();
  await page.fill('#q', '');
  await page.click('#m tbody tr:first-child details summary');
  await page.screenshot({ path: process.env.PNG, fullPage: true });
  out.requests = requests; out.errors = errors;
  console.log(JSON.stringify(out));
  await b.close();
})().catch(e => { console.error(e); process.exit(1); });
"""


@pytest.mark.skipif(bool(missing), reason=f"missing {', '.join(missing)}: run editors/scripts/install-editor-test-deps.sh")
def test_html_matrix_in_headless_chromium(tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(FIXTURES / "trace-model-spec", root)
    html = tmp_path / "trace.html"
    subprocess.run([sys.executable, "-m", "spec_lsp", "trace", "--format", "html", "-o", str(html)], cwd=root, check=True,
                   env=dict(os.environ, PYTHONPATH=str(REPO)))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = ARTIFACTS / "trace-matrix.png"
    js = tmp_path / "drive.js"
    js.write_text(SCRIPT)
    r = subprocess.run(["node", str(js)], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PW=str(PLAYWRIGHT), URL=html.as_uri(), PNG=str(png)))
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["initial"] == ["pv01", "pv02", "rt01", "rt02", "hs01"]
    assert got["uncovered"] == ["rt02", "hs01"] and got["bg"] != "rgba(0, 0, 0, 0)"  # highlighted
    assert got["sortedByTests"][-2:] == ["rt02", "hs01"] or set(got["sortedByTests"][-2:]) == {"rt02", "hs01"}
    assert got["onlyUncovered"] == ["rt02", "hs01"]
    assert got["filtered"] == ["rt01", "rt02"]
    assert got["requests"] == [] and got["errors"] == []  # self-contained: nothing fetched, no script errors
    assert png.stat().st_size > 10_000
