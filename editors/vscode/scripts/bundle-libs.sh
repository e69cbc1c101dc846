#!/usr/bin/env bash
# Put spec-lsp and its pure-Python dependencies into bundled/libs (as Microsoft's
# vscode-python-tools-extension-template does), for the .vsix: the extension runs them with the user's
# Python through bundled/tool/launch.py.  spaCy is not bundled (compiled, and large): the extension
# installs it on request into a private environment.
#   PYTHON=python3 bash scripts/bundle-libs.sh      (from editors/vscode; `npm run package` calls it)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
REPO=$(cd ../.. && pwd)
LIBS=bundled/libs
WHEELS=$(mktemp -d)
trap 'rm -rf "$WHEELS"' EXIT
rm -rf "$LIBS"
# build from a copy, so that setuptools' build/ and *.egg-info do not land in the checkout
mkdir "$WHEELS/src" && cp "$REPO/pyproject.toml" "$REPO/README.md" "$WHEELS/src/"
(cd "$REPO" && tar cf - --exclude=__pycache__ spec_lsp) | (cd "$WHEELS/src" && tar xf -)
"$PY" -m pip wheel --disable-pip-version-check -q --no-deps -w "$WHEELS" "$WHEELS/src" >/dev/null
# --platform any --abi none --implementation py: only pure-Python wheels are accepted, so a
# dependency that needs a compiler or a platform wheel fails here instead of on the user's machine.
PURE=(--only-binary=:all: --python-version 3.10 --implementation py --abi none --platform any)
WHL=$(ls "$WHEELS"/spec_lsp-*.whl)
# spec-lsp's own dependencies, less the compiled ones it can do without (NOT_BUNDLED, below)
mapfile -t REQS < <("$PY" - "$WHL" <<'PY'
import re, sys, zipfile
# regex: compiled; core/config.py falls back to `re` (user patterns then run without a time budget).
# pyyaml: compiled; only `spec-lsp evals export` imports it.
NOT_BUNDLED = {"regex", "pyyaml"}
z = zipfile.ZipFile(sys.argv[1])
meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
for line in z.read(meta).decode().splitlines():
    if line.startswith("Requires-Dist:"):
        req = line.split(":", 1)[1].strip()
        name = re.split(r"[ ;<>=!~\[(]", req, maxsplit=1)[0].lower()
        if "extra ==" not in req and name not in NOT_BUNDLED:
            print(req)
PY
)
"$PY" -m pip install --disable-pip-version-check -q --no-compile --target "$LIBS" "${PURE[@]}" --no-deps "$WHL"
"$PY" -m pip install --disable-pip-version-check -q --no-compile --target "$LIBS" "${PURE[@]}" "${REQS[@]}" -r bundled-requirements.txt
# what the server never runs: test suites, console scripts, byte code
find "$LIBS" -depth -type d \( -name tests -o -name __pycache__ \) -path "$LIBS/networkx/*" -exec rm -rf {} +
find "$LIBS" -depth -type d -name __pycache__ -exec rm -rf {} +
rm -rf "$LIBS/bin"
test -f "$LIBS/spec_lsp/docs/rules/broken-anchor-link.md"   # the rule pages ship with the server
echo "bundled/libs: $(du -sh "$LIBS" | cut -f1) ($(ls "$LIBS" | grep -c dist-info) distributions)"
