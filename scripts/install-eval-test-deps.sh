#!/usr/bin/env bash
# Installs the real eval tools the `spec-lsp evals export` tests validate against, idempotently:
#   promptfoo (npm) into ${SPEC_LSP_EVAL_CACHE:-$HOME/.cache/spec-lsp-evals}/promptfoo.
# (inspect-ai and openai come from PyPI through the `test` extra.)
set -euo pipefail
CACHE=${SPEC_LSP_EVAL_CACHE:-$HOME/.cache/spec-lsp-evals}
PF_VERSION=0.121.20   # the last release that runs on Node 20 (0.122 needs Node >= 22.22)
PF_DIR="$CACHE/promptfoo"
log() { echo "[eval-deps] $*"; }
command -v npm >/dev/null 2>&1 || { log "npm not found: the promptfoo tests will skip"; exit 0; }
mkdir -p "$PF_DIR"
if [ ! -f "$PF_DIR/.installed-$PF_VERSION" ]; then
  log "installing promptfoo $PF_VERSION (about a minute)"
  cd "$PF_DIR"
  rm -rf node_modules package-lock.json .installed-*   # another version's tree: start clean
  [ -f package.json ] || echo '{"name":"spec-lsp-eval-tests","private":true}' > package.json
  npm_config_yes=true npm install --no-audit --no-fund --loglevel=error "promptfoo@$PF_VERSION"
  touch "$PF_DIR/.installed-$PF_VERSION"
fi
log "ready: promptfoo $("$PF_DIR/node_modules/.bin/promptfoo" --version 2>/dev/null | tail -1) in $PF_DIR"
