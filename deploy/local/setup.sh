#!/usr/bin/env bash
# Installs what the platform needs on a developer machine or in CI into a
# per-user cache outside the clone, keyed by version so fresh clones reuse it,
# and links it into the clone (.venv, .tools/bin, .tools/axe.min.js): the Python environment,
# buf, axe-core, Kafka (kafka.sh) and the MongoDB-wire server (ferretdb.sh); and Debian's
# chromium package, system-wide, for the browser tests. Idempotent: an install is complete
# only once its marker file exists; an unfinished one is redone.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${LAPOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lapor}
BUF_VERSION=1.75.0
AXE_VERSION=4.14.1
PYTHON=${PYTHON:-python3.11}

python_env() {
  local hash dir
  hash=$(sha256sum "$root/requirements-dev.txt" | cut -c1-12)
  dir="$cache/venv/$PYTHON-$hash"
  if [ ! -f "$dir/.complete" ]; then
    echo "setup: creating the Python environment in $dir"
    rm -rf "$dir"
    "$PYTHON" -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$root/requirements-dev.txt"
    touch "$dir/.complete"
  fi
  ln -sfn "$dir" "$root/.venv"
}

# npm_package NAME VERSION DIR: the npm package installed into DIR, once.
npm_package() {
  local name=$1 version=$2 dir=$3
  if [ ! -f "$dir/.complete" ]; then
    echo "setup: installing $name $version"
    rm -rf "$dir" && mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --prefix "$dir" "$name@$version" >/dev/null
    touch "$dir/.complete"
  fi
}

buf_cli() {
  local dir="$cache/buf/$BUF_VERSION"
  npm_package @bufbuild/buf "$BUF_VERSION" "$dir"
  mkdir -p "$root/.tools/bin"
  ln -sfn "$dir/node_modules/.bin/buf" "$root/.tools/bin/buf"
}

# axe-core, the accessibility checker the browser tests inject into pages (tests/browser.py).
axe_core() {
  local dir="$cache/axe-core/$AXE_VERSION"
  npm_package axe-core "$AXE_VERSION" "$dir"
  mkdir -p "$root/.tools"
  ln -sfn "$dir/node_modules/axe-core/axe.min.js" "$root/.tools/axe.min.js"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian's Chromium, which the browser tests drive (Playwright never downloads a browser).
# The package lists are refreshed only when the install fails without it.
chromium_browser() {
  if [ -x /usr/bin/chromium ]; then
    return
  fi
  echo "setup: installing Debian's chromium"
  local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)
  as_root "${install[@]}" || { as_root apt-get update -q && as_root "${install[@]}"; }
}

python_env
buf_cli
axe_core
chromium_browser
"$root/deploy/local/kafka.sh" install
"$root/deploy/local/ferretdb.sh" install
