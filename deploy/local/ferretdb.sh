#!/usr/bin/env bash
# Local MongoDB-wire server for LAPOR: FerretDB v1 (SQLite backend) on 127.0.0.1.
# Built from our wrapper module in deploy/local/ferretdb/ (see main.go for why).
#   ferretdb.sh install               build into $LAPOR_CACHE (no-op when present)
#   ferretdb.sh start|stop|status     run dir $LAPOR_RUN_DIR/ferretdb, port $MONGO_PORT
# Env: LAPOR_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/lapor), LAPOR_RUN_DIR (required
# for start/stop/status), MONGO_PORT (default 27017), FERRETDB_LOG_LEVEL (default info).
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/ferretdb
CACHE=${LAPOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lapor}
VERSION=$(sed -nE 's#^[[:space:]]*(require[[:space:]]+)?github\.com/FerretDB/FerretDB[[:space:]]+(v[^[:space:]]+).*#\2#p' "$SRC/go.mod")
# FerretDB 1.24's SQLite backend indexes _id as `_ferretdb_sjson->"_id"` but queries it as
# `_ferretdb_sjson->'$._id'`; SQLite uses an index only for the expression it was built on, so
# every lookup by _id read the whole collection. The build queries with the indexed expression
# (the same value): the one change made to FerretDB's source, at build time.
ID_FILE=internal/backends/sqlite/metadata/metadata.go
ID_QUERIED="IDColumn = DefaultColumn + \"->'\$._id'\""
ID_INDEXED='IDColumn = DefaultColumn + `->"_id"`'
HASH=$( (cat "$SRC/go.mod" "$SRC/go.sum" "$SRC/main.go"; echo "$ID_INDEXED") | sha256sum | cut -c1-12)
BIN=$CACHE/ferretdb/$VERSION-$HASH/ferretdb
START_TIMEOUT=60 STOP_TIMEOUT=20

die() { echo "ferretdb.sh: $*" >&2; exit 1; }
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo $((10#$t)); }

# Our wrapper module in $1, building FerretDB's source with the _id change above.
patched_source() {
  local dir; dir=$(cd "$SRC" && go mod download -json "github.com/FerretDB/FerretDB@$VERSION" |
    sed -nE 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')
  [[ -d $dir ]] || die "FerretDB $VERSION's source was not downloaded"
  cp "$SRC/go.mod" "$SRC/go.sum" "$SRC/main.go" "$1/"
  cp -r "$dir" "$1/ferretdb" && chmod -R u+w "$1/ferretdb"
  grep -qF "$ID_QUERIED" "$1/ferretdb/$ID_FILE" || die "FerretDB $VERSION no longer has $ID_QUERIED"
  sed -i "s|$(printf '%s' "$ID_QUERIED" | sed 's/[$.*[\\^|]/\\&/g')|$ID_INDEXED|" "$1/ferretdb/$ID_FILE"
  grep -qF "$ID_INDEXED" "$1/ferretdb/$ID_FILE" || die "the _id change did not apply"
  (cd "$1" && go mod edit -replace "github.com/FerretDB/FerretDB=./ferretdb")
}

install() {
  if [[ -x $BIN ]]; then echo "ferretdb $VERSION already installed: $BIN"; return; fi
  command -v go >/dev/null || die "go not found in PATH"
  mkdir -p "${BIN%/*}"
  TMP=$(mktemp "$BIN.tmp.XXXXXX")
  trap 'rm -f "$TMP"' EXIT
  local t0; t0=$(now_us)
  echo "building ferretdb $VERSION ($HASH); a cold build takes a few minutes..."
  WORK=$(mktemp -d "${BIN%/*}/build.XXXXXX")
  trap 'rm -f "$TMP"; rm -rf "$WORK"' EXIT
  patched_source "$WORK"
  (cd "$WORK" && go build -trimpath -tags ferretdb_no_postgresql -ldflags='-s -w' -o "$TMP" .)
  mv -f "$TMP" "$BIN"
  rm -rf "$WORK"
  trap - EXIT
  printf 'installed %s in %ds\n' "$BIN" $(( ($(now_us) - t0) / 1000000 ))
}

rundir() {
  [[ -n ${LAPOR_RUN_DIR:-} ]] || die "LAPOR_RUN_DIR is not set (e.g. export LAPOR_RUN_DIR=\$PWD/.run)"
  RUN=$LAPOR_RUN_DIR/ferretdb PIDF=$LAPOR_RUN_DIR/ferretdb/ferretdb.pid LOG=$LAPOR_RUN_DIR/ferretdb/ferretdb.log
}

# alive PID: process exists and is not a zombie. pid: the pid file's pid, if it is a live ferretdb.
alive() { readlink "/proc/$1/exe" >/dev/null 2>&1; }
pid() { local p; p=$(cat "$PIDF" 2>/dev/null) && [[ $p =~ ^[0-9]+$ && $(readlink "/proc/$p/exe" 2>/dev/null) == */ferretdb ]] && echo "$p"; }

# Real wire-protocol ping (OP_MSG ping to the recorded address) via the binary's -ping mode.
ping_ok() { "$1" -ping -listen-addr "$(cat "$RUN/addr")" 2>/dev/null; }

start() {
  rundir
  [[ -x $BIN ]] || die "ferretdb $VERSION ($HASH) is not installed; run: $0 install"
  local p addr=127.0.0.1:${MONGO_PORT:-27017}
  if p=$(pid); then
    ping_ok "/proc/$p/exe" || die "ferretdb (pid $p) is running but not answering on $(cat "$RUN/addr"); see $LOG"
    echo "ferretdb already running on $(cat "$RUN/addr") (pid $p)"; return
  fi
  mkdir -p "$RUN/data"
  echo "$addr" >"$RUN/addr"
  ! ping_ok "$BIN" || die "$addr is already answering (another server, not started from $RUN)"
  [[ -f $LOG ]] && mv -f "$LOG" "$LOG.1"
  local t0; t0=$(now_us)
  FERRETDB_LOG_LEVEL=${FERRETDB_LOG_LEVEL:-info} setsid "$BIN" -listen-addr "$addr" \
    -state-dir "$RUN/data" </dev/null >"$LOG" 2>&1 &
  p=$!
  echo "$p" >"$PIDF"
  # Ready = our own process logged that it bound $addr, and the address answers a ping.
  until grep -qsF "Listening on TCP $addr..." "$LOG" && ping_ok "$BIN"; do
    if ! alive "$p"; then
      rm -f "$PIDF"; tail -n 30 "$LOG" >&2; die "ferretdb exited during start-up (log: $LOG)"
    fi
    if (( $(now_us) - t0 > START_TIMEOUT * 1000000 )); then
      tail -n 30 "$LOG" >&2; stop; die "ferretdb not ready on $addr after ${START_TIMEOUT}s (log: $LOG)"
    fi
    sleep 0.05
  done
  local ms=$(( ($(now_us) - t0) / 1000 ))
  printf 'ferretdb ready on %s in %d.%03ds (pid %s, log %s)\n' "$addr" $((ms / 1000)) $((ms % 1000)) "$p" "$LOG"
}

stop() {
  rundir
  local p i
  if ! p=$(pid); then rm -f "$PIDF"; echo "ferretdb not running"; return; fi
  kill -TERM "$p" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    alive "$p" || break
    sleep 0.1
  done
  if alive "$p"; then
    echo "ferretdb (pid $p) ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL" >&2
    kill -KILL "$p" 2>/dev/null || true
    while alive "$p"; do sleep 0.1; done
  fi
  rm -f "$PIDF"
  echo "ferretdb stopped (pid $p)"
}

status() {
  rundir
  local p
  p=$(pid) || { echo "ferretdb not running"; return 1; }
  ping_ok "/proc/$p/exe" || { echo "ferretdb (pid $p) running but not answering on $(cat "$RUN/addr")"; return 1; }
  echo "ferretdb running on $(cat "$RUN/addr") (pid $p)"
}

case ${1:-} in
  install | start | stop | status) "$1" ;;
  *) die "usage: $0 {install|start|stop|status}" ;;
esac
