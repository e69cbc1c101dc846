#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run it.
#   bash scripts/test.sh              # everything, editors included (installs Neovim, code-server, Chromium)
#   SPEC_LSP_EDITORS=0 bash scripts/test.sh   # skip the real-editor tests and their installs
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

echo "== installing spec-lsp with the spaCy model and test dependencies"
"$PY" -m pip install --disable-pip-version-check -q -e ".[nlp,test]"

if [ "${SPEC_LSP_EDITORS:-1}" != "0" ] && [ -x editors/scripts/install-editor-test-deps.sh ] || [ -f editors/scripts/install-editor-test-deps.sh ]; then
  if [ "${SPEC_LSP_EDITORS:-1}" != "0" ]; then
    echo "== installing the real editors for the end-to-end tests"
    bash editors/scripts/install-editor-test-deps.sh
  fi
fi

echo "== running the tests"
set +e
"$PY" -m pytest -ra "$@"
rc=$?
set -e
exit $rc
