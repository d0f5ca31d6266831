#!/usr/bin/env bash
# Runs the whole platform on this machine, all on 127.0.0.1: Kafka, the MongoDB-wire
# server, the platform's topics, the local mailbox (what notification sends: e-mail, SMS,
# webhooks), the five services and the gateway (one base URL).
# Usage: deploy/local/platform.sh run|up|down|status|logs
#        deploy/local/platform.sh infra-up|infra-down|services-up|services-down
# Env: LAPOR_RUN_DIR (default <repo>/.run), KAFKA_PORT, KAFKA_CONTROLLER_PORT, MONGO_PORT,
#      GATEWAY_PORT, <SERVICE>_HTTP_PORT and <SERVICE>_GRPC_PORT, LAPOR_REGIONS_DIR,
#      MAILBOX_SMTP_PORT, MAILBOX_HTTP_PORT, MAILBOX_DIR, MAILBOX_SMS_KEY.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/deploy/local"
export LAPOR_RUN_DIR=${LAPOR_RUN_DIR:-$root/.run}
export KAFKA_PORT=${KAFKA_PORT:-9092} MONGO_PORT=${MONGO_PORT:-27017}
export GATEWAY_PORT=${GATEWAY_PORT:-8080}
export LAPOR_KAFKA_BOOTSTRAP_SERVERS=${LAPOR_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$KAFKA_PORT}
export LAPOR_MONGO_URI=${LAPOR_MONGO_URI:-mongodb://127.0.0.1:$MONGO_PORT/}
export LAPOR_REGIONS_DIR=${LAPOR_REGIONS_DIR:-$(cd "$root/.." && pwd)/shared/data/regions}
python="$root/.venv/bin/python"
services=(intake routing escalation notification analytics)
declare -A http_default=([intake]=8001 [routing]=8002 [escalation]=8003 [notification]=8004 [analytics]=8005)
declare -A grpc_default=([intake]=50051 [routing]=50052 [escalation]=50053 [notification]=50054 [analytics]=50055)
pids="$LAPOR_RUN_DIR/pids"
logs="$LAPOR_RUN_DIR/logs"
READY_TIMEOUT=${READY_TIMEOUT:-120}

for name in "${services[@]}"; do
  http_var="${name^^}_HTTP_PORT" grpc_var="${name^^}_GRPC_PORT"
  export "$http_var=${!http_var:-${http_default[$name]}}" "$grpc_var=${!grpc_var:-${grpc_default[$name]}}"
done
# Escalation asks routing for escalation chains.
export ESCALATION_ROUTING_TARGET="${ESCALATION_ROUTING_TARGET:-127.0.0.1:$ROUTING_GRPC_PORT}"
# Intake asks routing's directory before issuing an agency's integration key.
export INTAKE_ROUTING_TARGET="${INTAKE_ROUTING_TARGET:-127.0.0.1:$ROUTING_GRPC_PORT}"
# Analytics asks routing for category names, programmes and agency names.
export ANALYTICS_ROUTING_TARGET="${ANALYTICS_ROUTING_TARGET:-127.0.0.1:$ROUTING_GRPC_PORT}"
# Intake's Open311 API asks routing for services and agencies, escalation for deadlines.
export INTAKE_ROUTING_TARGET="${INTAKE_ROUTING_TARGET:-127.0.0.1:$ROUTING_GRPC_PORT}"
export INTAKE_ESCALATION_TARGET="${INTAKE_ESCALATION_TARGET:-127.0.0.1:$ESCALATION_GRPC_PORT}"
# Analytics writes the daily open-data files here (and yesterday's at start-up).
export ANALYTICS_OPEN_DATA_DIR="${ANALYTICS_OPEN_DATA_DIR:-$LAPOR_RUN_DIR/open-data}"
# The local mailbox (deploy/local/mailbox) stands in for the SMTP relay, the SMS gateway and
# agencies' webhook endpoints; notification sends to it (its SMTP password: dev_secrets).
export MAILBOX_SMTP_PORT=${MAILBOX_SMTP_PORT:-1025} MAILBOX_HTTP_PORT=${MAILBOX_HTTP_PORT:-8025}
export MAILBOX_DIR=${MAILBOX_DIR:-$LAPOR_RUN_DIR/mailbox}
export MAILBOX_SMTP_USER=${MAILBOX_SMTP_USER:-notification} MAILBOX_SMS_KEY=${MAILBOX_SMS_KEY:-dev-sms-key}
export NOTIFICATION_SMTP_HOST=${NOTIFICATION_SMTP_HOST:-127.0.0.1}
export NOTIFICATION_SMTP_PORT=${NOTIFICATION_SMTP_PORT:-$MAILBOX_SMTP_PORT}
export NOTIFICATION_SMTP_STARTTLS=${NOTIFICATION_SMTP_STARTTLS:-true}
export NOTIFICATION_SMTP_USERNAME=${NOTIFICATION_SMTP_USERNAME:-$MAILBOX_SMTP_USER}
export NOTIFICATION_SMTP_CA_FILE=${NOTIFICATION_SMTP_CA_FILE:-$MAILBOX_DIR/tls/cert.pem}
export NOTIFICATION_SMS_GATEWAY_URL=${NOTIFICATION_SMS_GATEWAY_URL:-http://127.0.0.1:$MAILBOX_HTTP_PORT/sms}
export NOTIFICATION_SMS_GATEWAY_KEY=${NOTIFICATION_SMS_GATEWAY_KEY:-$MAILBOX_SMS_KEY}
# Notification asks intake for reporters' contacts, links to the portal, and may post
# webhooks to the mailbox over plain http (development only).
export NOTIFICATION_INTAKE_TARGET="${NOTIFICATION_INTAKE_TARGET:-127.0.0.1:$INTAKE_GRPC_PORT}"
export NOTIFICATION_PUBLIC_URL="${NOTIFICATION_PUBLIC_URL:-http://127.0.0.1:$GATEWAY_PORT}"
export NOTIFICATION_WEBHOOK_ALLOW_HTTP=${NOTIFICATION_WEBHOOK_ALLOW_HTTP:-true}

say() { echo "platform: $*" >&2; }

# Development secrets, made once per run dir and kept with its data (reporters' data keys
# are wrapped by the identity key); one added later is appended to an existing file.
# Values already in the environment win.
dev_secrets() {
  local file="$LAPOR_RUN_DIR/secrets.env"
  mkdir -p "$LAPOR_RUN_DIR"
  (umask 077 && touch "$file")
  add_secret "$file" INTAKE_IDENTITY_KEY "$(head -c 32 /dev/urandom | base64)"
  add_secret "$file" LAPOR_JWT_SIGNING_KEY "$(head -c 32 /dev/urandom | base64 | tr -d '=+/')"
  add_secret "$file" MAILBOX_SMTP_PASSWORD "$(head -c 24 /dev/urandom | base64 | tr -d '=+/')"
  # An Open311 client key for development; intake knows only its hash (client "dev").
  add_secret "$file" OPEN311_DEV_API_KEY "$(head -c 24 /dev/urandom | base64 | tr -d '=+/')"
  add_secret "$file" INTAKE_SMS_WEBHOOK_SECRET "$(head -c 32 /dev/urandom | base64 | tr -d '=+/')"
  # Passwords of the development accounts that dev_accounts opens (admin, petugas.bandung).
  add_secret "$file" LAPOR_DEV_ADMIN_PASSWORD "$(head -c 18 /dev/urandom | base64 | tr -d '=+/')"
  add_secret "$file" LAPOR_DEV_OFFICER_PASSWORD "$(head -c 18 /dev/urandom | base64 | tr -d '=+/')"
  local line name
  while read -r line; do
    name=${line%%=*}
    [ -n "${!name:-}" ] || export "$line"
  done <"$file"
  export NOTIFICATION_SMTP_PASSWORD=${NOTIFICATION_SMTP_PASSWORD:-$MAILBOX_SMTP_PASSWORD}
  local open311_hash
  open311_hash=$(printf '%s' "$OPEN311_DEV_API_KEY" | sha256sum | cut -d' ' -f1)
  export INTAKE_OPEN311_API_KEYS=${INTAKE_OPEN311_API_KEYS:-dev:$open311_hash}
}

# add_secret FILE NAME VALUE: a NAME=VALUE line, unless FILE has one for NAME already.
add_secret() {
  grep -q "^$2=" "$1" || echo "$2=$3" >>"$1"
}

# Running, and not a zombie waiting to be reaped.
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]
}

infra_up() {
  "$here/kafka.sh" start
  "$here/ferretdb.sh" start
  PYTHONPATH="$root/libs" "$python" -m lapor_common.topics
}

infra_down() {
  "$here/ferretdb.sh" stop
  "$here/kafka.sh" stop
}

# start NAME DIR COMMAND...: a background process with a pid file and a log file.
start() {
  local name=$1 dir=$2
  shift 2
  if [ -f "$pids/$name" ] && alive "$(cat "$pids/$name")"; then
    say "$name already running"
    return
  fi
  (cd "$dir" && PYTHONPATH="$root/libs:$dir" exec setsid "$@" </dev/null >>"$logs/$name.log" 2>&1) &
  echo $! >"$pids/$name"
}

stop() {
  local name=$1 pid
  [ -f "$pids/$name" ] || return 0
  pid=$(cat "$pids/$name")
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      kill -KILL "$pid" && say "$name did not stop in 10 s; killed"
    fi
  fi
  rm -f "$pids/$name"
}

wait_ready() {
  local name=$1 url=$2 deadline=$((SECONDS + READY_TIMEOUT))
  until curl -fs -o /dev/null "$url"; do
    if ! alive "$(cat "$pids/$name")"; then
      tail -n 20 "$logs/$name.log" >&2
      say "$name exited during start"; return 1
    fi
    if ((SECONDS > deadline)); then
      tail -n 20 "$logs/$name.log" >&2
      say "$name not ready after ${READY_TIMEOUT}s"; return 1
    fi
    sleep 0.2
  done
}

services_up() {
  mkdir -p "$pids" "$logs"
  dev_secrets
  # Ready before the services: notification trusts the certificate it makes at its first start.
  start mailbox "$here" "$python" "$here/mailbox"
  wait_ready mailbox "http://127.0.0.1:$MAILBOX_HTTP_PORT/healthz" || return 1
  for name in "${services[@]}"; do
    start "$name" "$root/services/$name" "$python" -m "$name"
  done
  start gateway "$here" "$python" "$here/gateway.py"
  for name in "${services[@]}"; do
    local port_var="${name^^}_HTTP_PORT"
    wait_ready "$name" "http://127.0.0.1:${!port_var}/readyz" || return 1
  done
  wait_ready gateway "http://127.0.0.1:$GATEWAY_PORT/api/v1/stats/summary" || return 1
  dev_accounts || return 1
}

# The development accounts for signing in on the web, with the passwords in secrets.env: an
# administrator and an officer of Dinas PUPR Kabupaten Bandung, where the README's example
# report goes (routing checks the agency).
# An account that exists is left as it is, so running this again changes nothing.
dev_accounts() {
  local add=(env "PYTHONPATH=$root/libs:$root/services/intake" "$python" -m intake.accounts add --exists-ok)
  "${add[@]}" --username admin --role administrator --name "Administrator Nasional" \
    --password-env LAPOR_DEV_ADMIN_PASSWORD >&2 &&
    "${add[@]}" --username petugas.bandung --role officer --agency pemkab-3204.pupr \
      --name "Petugas Dinas PUPR Kabupaten Bandung" --password-env LAPOR_DEV_OFFICER_PASSWORD >&2
}

services_down() {
  stop gateway
  for name in "${services[@]}"; do stop "$name" & done
  wait
  stop mailbox
}

urls() {
  cat <<URLS
LAPOR! is running (logs in $logs):
  Platform (one base URL)   http://127.0.0.1:$GATEWAY_PORT
  Web portal (citizens)     http://127.0.0.1:$GATEWAY_PORT/   track /lacak/, browse /jelajahi/
  Public dashboard          http://127.0.0.1:$GATEWAY_PORT/statistik/
  Staff sign-in             http://127.0.0.1:$GATEWAY_PORT/masuk/   (officers' inbox /petugas/, administrators /admin/)
                            admin / \$LAPOR_DEV_ADMIN_PASSWORD, petugas.bandung / \$LAPOR_DEV_OFFICER_PASSWORD
                            (officer of pemkab-3204.pupr; both passwords in $LAPOR_RUN_DIR/secrets.env)
  Reports API               http://127.0.0.1:$GATEWAY_PORT/api/v1/reports
  API documentation         http://127.0.0.1:$GATEWAY_PORT/docs
  Statistics                http://127.0.0.1:$GATEWAY_PORT/api/v1/stats/summary
  Open data                 http://127.0.0.1:$GATEWAY_PORT/api/v1/open-data
  Sent messages (local mailbox) http://127.0.0.1:$MAILBOX_HTTP_PORT   SMTP 127.0.0.1:$MAILBOX_SMTP_PORT
URLS
  for name in "${services[@]}"; do
    local http_var="${name^^}_HTTP_PORT" grpc_var="${name^^}_GRPC_PORT"
    printf '  %-13s health http://127.0.0.1:%s/readyz   gRPC 127.0.0.1:%s\n' \
      "$name" "${!http_var}" "${!grpc_var}"
  done
  echo "  Kafka 127.0.0.1:$KAFKA_PORT   MongoDB wire (FerretDB) 127.0.0.1:$MONGO_PORT"
}

status() {
  local name rc=0
  "$here/kafka.sh" status || rc=1
  "$here/ferretdb.sh" status || rc=1
  for name in mailbox "${services[@]}" gateway; do
    if [ -f "$pids/$name" ] && alive "$(cat "$pids/$name")"; then
      echo "$name running (pid $(cat "$pids/$name"))"
    else
      echo "$name not running"; rc=1
    fi
  done
  return $rc
}

up() {
  local began=$SECONDS
  infra_up
  services_up || { services_down; exit 1; }
  urls
  say "ready in $((SECONDS - began))s"
}

# Foreground: follow the logs until Ctrl-C or SIGTERM, then stop everything.
run() {
  up
  say "following the logs; Ctrl-C stops everything"
  tail -n 5 -F "$logs"/*.log &
  follower=$!
  trap stop_all INT TERM
  wait "$follower"
}

# Shutting down must finish even if the terminal or a pipe reading our output is gone.
stop_all() {
  trap '' INT TERM PIPE
  set +e
  kill "$follower" 2>/dev/null
  services_down
  infra_down
  exit 0
}

case ${1:-} in
  run) run ;;
  up) up ;;
  down) services_down; infra_down ;;
  infra-up) infra_up ;;
  infra-down) infra_down ;;
  services-up) services_up ;;
  services-down) services_down ;;
  status) status ;;
  logs) tail -n 5 -F "$logs"/*.log ;;
  *) echo "usage: $0 run|up|down|status|logs|infra-up|infra-down|services-up|services-down" >&2; exit 2 ;;
esac
