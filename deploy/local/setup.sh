#!/usr/bin/env bash
# Installs what the platform needs on a developer machine or in CI into a
# per-user cache outside the clone, keyed by version so fresh clones reuse it,
# and links it into the clone (.venv, .tools/bin): the Python environment, buf,
# Kafka (kafka.sh) and the MongoDB-wire server (ferretdb.sh). Idempotent: an install is
# complete only once its marker file exists; an unfinished one is redone.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${LAPOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lapor}
BUF_VERSION=1.75.0
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

buf_cli() {
  local dir="$cache/buf/$BUF_VERSION"
  if [ ! -f "$dir/.complete" ]; then
    echo "setup: installing buf $BUF_VERSION"
    rm -rf "$dir" && mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --prefix "$dir" "@bufbuild/buf@$BUF_VERSION" >/dev/null
    touch "$dir/.complete"
  fi
  mkdir -p "$root/.tools/bin"
  ln -sfn "$dir/node_modules/.bin/buf" "$root/.tools/bin/buf"
}

python_env
buf_cli
"$root/deploy/local/kafka.sh" install
"$root/deploy/local/ferretdb.sh" install
