#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run it.
#   bash scripts/test.sh                      # everything, real editors included
#   SPEC_LSP_EDITORS=0 bash scripts/test.sh   # skip installing Neovim/code-server/Chromium (those tests skip)
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

echo "== installing spec-lsp with the spaCy model and the test dependencies"
"$PY" -m pip install --disable-pip-version-check -q -e ".[nlp,test]"

if command -v npm >/dev/null 2>&1; then
  echo "== VS Code extension: type check and unit tests (npm test), then the .vsix with the bundled server (bundled/libs)"
  (cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error && npm test --silent \
    && PYTHON="$PY" npm run --silent package >/dev/null && ls -l spec-lsp.vsix | awk '{print "   spec-lsp.vsix: " $5 " bytes"}')
fi

echo "== installing promptfoo for the eval-export tests (cached; skipped without npm)"
bash scripts/install-eval-test-deps.sh || echo "promptfoo could not be installed: its tests will skip"

if [ "${SPEC_LSP_EDITORS:-1}" != "0" ]; then
  echo "== installing the real editors for the end-to-end tests"
  bash editors/scripts/install-editor-test-deps.sh
fi

echo "== running the tests"
exec "$PY" -m pytest -ra "$@"
