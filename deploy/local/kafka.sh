#!/usr/bin/env bash
# Local single-node Kafka (KRaft) assembled from Maven Central jars; no Docker needed.
# Usage: deploy/local/kafka.sh install|start|stop|status|classpath
# Env: LAPOR_RUN_DIR (required for start/stop/status), LAPOR_CACHE, KAFKA_PORT,
#      KAFKA_CONTROLLER_PORT, KAFKA_JVM_OPTS (overrides the JVM flags below).
set -euo pipefail

KAFKA_VERSION=4.1.1
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/kafka"
CACHE="${LAPOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lapor}/kafka"
POM_HASH="$(sha256sum "$HERE/pom.xml" | cut -c1-12)"
DIST="$CACHE/$KAFKA_VERSION-$POM_HASH"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
# Measured on 2 cores: Serial GC + small initial heap idles at ~210 MB RSS vs ~270 MB for
# G1 with -Xms256m, same throughput. C2 stays on: C1-only (TieredStopAtLevel=1) saves ~25 MB
# but costs ~30% sustained producer throughput, and benchmarks run against this broker.
JVM_OPTS="${KAFKA_JVM_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC -XX:MaxMetaspaceSize=128m}"
READY_TIMEOUT=90

die() { echo "kafka.sh: $*" >&2; exit 1; }
log() { echo "kafka.sh: $*" >&2; }

install() {
  [[ -d "$DIST/libs" ]] && return 0
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  mkdir -p "$CACHE"
  local start=${EPOCHREALTIME/./}
  tmp="$(mktemp -d "$CACHE/.install.XXXXXX")"  # global: the EXIT trap may run outside this function
  trap 'rm -rf "$tmp"' EXIT
  log "installing Kafka $KAFKA_VERSION into $DIST"
  # Run from a copy of the pom so Maven writes nothing into the repo.
  cp "$HERE/pom.xml" "$tmp/pom.xml"
  # Output kept aside: Maven 3.8 prints stray ANSI codes even with -q -B.
  mvn -q -B -f "$tmp/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -Dkafka.version="$KAFKA_VERSION" -DoutputDirectory="$tmp/libs" >"$tmp/mvn.log" 2>&1 \
    || { cat "$tmp/mvn.log" >&2; die "mvn failed to resolve Kafka $KAFKA_VERSION"; }
  rm "$tmp/pom.xml" "$tmp/mvn.log"
  # Atomic publish: a concurrent install that won the race is just as good as ours.
  mv -T "$tmp" "$DIST" 2>/dev/null || [[ -d "$DIST/libs" ]] || die "could not create $DIST"
  rm -rf "$tmp"; trap - EXIT
  log "installed $(find "$DIST/libs" -name '*.jar' | wc -l) jars in $(elapsed "$start")s"
}

elapsed() { local us=$(( ${EPOCHREALTIME/./} - $1 )); printf '%d.%d' $((us / 1000000)) $((us / 100000 % 10)); }

run_dir() {
  [[ -n "${LAPOR_RUN_DIR:-}" ]] || die "LAPOR_RUN_DIR is not set (the Makefile sets it to <repo>/.run)"
  RUN="$LAPOR_RUN_DIR/kafka"
  PID_FILE="$RUN/kafka.pid"
  LOG="$RUN/kafka.log"
}

# Serialises start/stop on one run dir (e.g. make -j); the broker must not inherit fd 9.
lock_run_dir() { mkdir -p "$RUN"; exec 9>"$RUN/.lock"; flock 9; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# Prints the broker's pid if our pid file names a live kafka.Kafka process (guards pid reuse).
live_pid() {
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka ' || return 1
  echo "$pid"
}

format_storage() {
  local data="$RUN/data" version_file="$RUN/kafka-version"
  if [[ -f "$data/meta.properties" ]]; then
    local formatted_by
    formatted_by="$(cat "$version_file" 2>/dev/null || echo unknown)"
    [[ "$formatted_by" == "$KAFKA_VERSION" ]] || die "$data was formatted by Kafka $formatted_by," \
      "not $KAFKA_VERSION; refusing to reuse it. Remove $RUN to start from empty."
    return 0
  fi
  # Like Kafka's own Uuid.randomUuid: never one starting with "-", which the tool would take
  # for an option.
  [[ -s "$RUN/cluster-id" ]] || python3 -c \
    'import base64, uuid
ids = (base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode() for _ in iter(int, 1))
print(next(i for i in ids if not i.startswith("-")))' >"$RUN/cluster-id"
  java -cp "$DIST/libs/*" -Dlog4j2.configurationFile="$HERE/log4j2.properties" kafka.tools.StorageTool \
    format -t "$(cat "$RUN/cluster-id")" -c "$RUN/server.properties" >>"$LOG" 2>&1 \
    || { tail -n 20 "$LOG" >&2; die "storage format failed (log: $LOG)"; }
  echo "$KAFKA_VERSION" >"$version_file"
}

start() {
  install
  run_dir
  lock_run_dir
  local pid start=${EPOCHREALTIME/./}
  if pid="$(live_pid)"; then
    port_open "$PORT" && { echo "kafka already running on 127.0.0.1:$PORT (pid $pid)"; return 0; }
    log "kafka (pid $pid) is up but not answering yet; waiting"
  else
    rm -f "$PID_FILE"
    port_open "$PORT" && die "port $PORT is already in use by another process"
    port_open "$CONTROLLER_PORT" && die "port $CONTROLLER_PORT is already in use by another process"
    sed -e "s|@PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$RUN/data|g" \
      "$HERE/server.properties.template" >"$RUN/server.properties"
    [[ -f "$LOG" ]] && mv "$LOG" "$LOG.prev"  # readiness is judged on this start's log only
    format_storage
    # JVM_OPTS is a list of flags: word splitting is intended.
    # shellcheck disable=SC2086
    setsid java $JVM_OPTS -cp "$DIST/libs/*" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
      kafka.Kafka "$RUN/server.properties" </dev/null >>"$LOG" 2>&1 9>&- &
    pid=$!
    echo "$pid" >"$PID_FILE"
  fi
  local deadline=$((SECONDS + READY_TIMEOUT))
  until grep -q 'Kafka Server started' "$LOG" 2>/dev/null && port_open "$PORT"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$LOG" >&2; rm -f "$PID_FILE"; die "kafka exited during start (log: $LOG)"; }
    ((SECONDS < deadline)) || { tail -n 30 "$LOG" >&2; die "kafka not ready after ${READY_TIMEOUT}s (log: $LOG)"; }
    sleep 0.2
  done
  echo "kafka ready on 127.0.0.1:$PORT in $(elapsed "$start")s (pid $pid, log $LOG)"
}

stop() {
  run_dir
  lock_run_dir
  local pid
  if ! pid="$(live_pid)"; then
    rm -f "$PID_FILE"; echo "kafka not running"; return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "kafka (pid $pid) ignored SIGTERM for 30s; killing"
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  echo "kafka stopped (pid $pid)"
}

status() {
  run_dir
  local pid
  if pid="$(live_pid)" && port_open "$PORT"; then
    echo "kafka running on 127.0.0.1:$PORT (pid $pid)"
  else
    echo "kafka not running"; return 1
  fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  classpath) install; echo "$DIST/libs/*" ;;
  *) die "usage: $0 install|start|stop|status|classpath" ;;
esac
