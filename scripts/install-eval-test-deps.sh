#!/usr/bin/env bash
# Installs the real eval tools the `spec-lsp evals export` tests validate against, idempotently:
#   promptfoo (npm) into ${SPEC_LSP_EVAL_CACHE:-$HOME/.cache/spec-lsp-evals}/promptfoo, and
#   OpenAI Evals (PyPI `evals`, installed --no-deps with only what its loader, registry, modelgraded
#   eval classes and `oaieval` import) into a private venv ${SPEC_LSP_EVAL_CACHE:-...}/openai-evals-venv
#   (its full dependency list is large and mostly unused for loading and dry-running an eval).
# (inspect-ai and openai come from PyPI through the `test` extra.)
set -euo pipefail
CACHE=${SPEC_LSP_EVAL_CACHE:-$HOME/.cache/spec-lsp-evals}
PF_VERSION=0.121.20   # the last release that runs on Node 20 (0.122 needs Node >= 22.22)
PF_DIR="$CACHE/promptfoo"
log() { echo "[eval-deps] $*"; }

OE_VERSION=3.0.1.post1
OE_VENV="$CACHE/openai-evals-venv"
# what `evals.data`, `evals.registry`, `evals.elsuite.modelgraded.classify` and `oaieval` import at run time
OE_DEPS="blobfile lz4 pydantic zstandard pyyaml requests openai backoff tqdm tiktoken"
mkdir -p "$CACHE"
install_openai_evals() {   # an && chain: `set -e` does not apply inside a function called with ||
  rm -rf "$OE_VENV" &&
  python3 -m venv "$OE_VENV" &&
  "$OE_VENV/bin/pip" install -q --disable-pip-version-check --no-deps "evals==$OE_VERSION" &&
  # the resolver complains that the rest of evals' declared deps are missing: expected, they are unused here
  { "$OE_VENV/bin/pip" install -q --disable-pip-version-check $OE_DEPS 2>&1 |
      grep -v -e "^ERROR: pip's dependency resolver" -e "^evals .* requires" -e "^WARNING: Location"; true; } &&
  # the wheel bundles ~720 MB of datasets for OpenAI's own evals; nothing here reads them
  rm -rf "$OE_VENV"/lib/python3*/site-packages/evals/registry/data &&
  OPENAI_API_KEY=sk-offline "$OE_VENV/bin/python" -c \
    "import evals.data, evals.registry, evals.elsuite.modelgraded.classify, evals.cli.oaieval" &&
  touch "$OE_VENV/.installed-$OE_VERSION"
}
if [ ! -f "$OE_VENV/.installed-$OE_VERSION" ]; then
  log "installing OpenAI Evals $OE_VERSION (--no-deps + $OE_DEPS) into $OE_VENV (about a minute)"
  install_openai_evals || log "OpenAI Evals could not be installed: its tests will skip"
fi
if [ -f "$OE_VENV/.installed-$OE_VERSION" ]; then log "ready: OpenAI Evals $("$OE_VENV/bin/pip" show evals 2>/dev/null | sed -n 's/^Version: //p') in $OE_VENV"; fi

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
