#!/usr/bin/env bash
# Checks invariant 4 on a running platform (`make up`): rebuilds intake's and analytics' read
# models from the log into fresh databases (<db>_replay), waits until the live consumer groups
# have committed the end offsets the replays stopped at, then compares every collection byte
# for byte and prints a table. Exits 0 only when all are identical. The rebuilt databases are
# kept for inspection until the next check.
# Usage: deploy/local/replay-check.sh
# Env: as platform.sh (LAPOR_RUN_DIR, KAFKA_PORT, MONGO_PORT, LAPOR_KAFKA_BOOTSTRAP_SERVERS,
#      LAPOR_MONGO_URI); INTAKE_DATABASE, ANALYTICS_DATABASE (the live databases);
#      REPLAY_CHECK_TIMEOUT (s to wait for the live groups, default 120);
#      REPLAY_CHECK_ATTEMPTS (tries when the log grows during a check, default 3).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
export LAPOR_RUN_DIR=${LAPOR_RUN_DIR:-$root/.run}
export KAFKA_PORT=${KAFKA_PORT:-9092} MONGO_PORT=${MONGO_PORT:-27017}
export LAPOR_KAFKA_BOOTSTRAP_SERVERS=${LAPOR_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$KAFKA_PORT}
export LAPOR_MONGO_URI=${LAPOR_MONGO_URI:-mongodb://127.0.0.1:$MONGO_PORT/}
python="$root/.venv/bin/python"
intake_db=${INTAKE_DATABASE:-lapor_intake}
# Analytics' live database and consumer group carry its read models' version.
read -r analytics_db analytics_group < <(PYTHONPATH="$root/libs:$root/services/analytics" "$python" -c \
  'from analytics.__main__ import REPORT_GROUP; from analytics.settings import AnalyticsSettings as S; print(S().database, REPORT_GROUP)')
timeout=${REPLAY_CHECK_TIMEOUT:-120}
attempts=${REPLAY_CHECK_ATTEMPTS:-3}
work="$LAPOR_RUN_DIR/replay-check"

say() { echo "replay-check: $*" >&2; }

# replay SERVICE DATABASE: rebuild SERVICE's read models into DATABASE, dropped first.
replay() {
  local service=$1 database=$2
  PYTHONPATH="$root/libs:$root/services/$service" "$python" -m "$service.replay" \
    --database "$database" --fresh --end-offsets "$work/$service.json"
}

# One check; the status is replay_check's (0 same, 1 differ, 2 lagging, 3 the log grew), or 4
# when a replay failed. Runs with errexit off (it is called in a condition): errors are returned.
check_once() {
  replay intake "${intake_db}_replay" || return 4
  replay analytics "${analytics_db}_replay" || return 4
  PYTHONPATH="$root/libs" "$python" -m lapor_common.replay_check --timeout "$timeout" \
    --check "intake-state:$work/intake.json:$intake_db:${intake_db}_replay:reports,events" \
    --check "$analytics_group:$work/analytics.json:$analytics_db:${analytics_db}_replay:*"
}

mkdir -p "$work"
for attempt in $(seq "$attempts"); do
  rc=0
  check_once || rc=$?
  case $rc in
    0) say "live and replayed read models are identical"; exit 0 ;;
    3) say "attempt $attempt of $attempts: the log moved during the check" ;;
    2) say "is the platform running (make up)?"; exit 1 ;;
    4) say "a replay failed"; exit 1 ;;
    *) say "live and replayed read models differ"; exit 1 ;;
  esac
done
say "the log kept moving; no conclusive check in $attempts attempts"
exit 1
