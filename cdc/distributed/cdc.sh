#!/usr/bin/env bash
# Ficus distributed CDC: Apache Kafka (KRaft, single node) + Kafka Connect (standalone) with the
# Debezium PostgreSQL connector, all from Maven Central jars; no Docker, no tarballs.
#
#   cdc.sh fetch                     jars -> ${FICUS_CACHE:-~/.cache/ficus}/cdc/<versions>-<pomhash>
#   cdc.sh start                     format + start broker and Connect, wait until both are ready
#   cdc.sh stop                      stop Connect then the broker (TERM, then KILL after a grace)
#   cdc.sh status                    running/stopped + ports
#   cdc.sh register <connector.json> POST {"name":..,"config":{..}} to Connect (409 = already there)
#   cdc.sh wait <name> [timeout_s]   until the connector and its task are RUNNING
#
# Env: FICUS_CDC_STATE (state dir, default /tmp/ficus-cdc), KAFKA_PORT, CONTROLLER_PORT,
#      CONNECT_PORT (default: free loopback ports), KAFKA_VERSION, DEBEZIUM_VERSION,
#      FICUS_CACHE, JAVA_HOME, KAFKA_HEAP, CONNECT_HEAP.
# The state dir holds rendered configs, *.pid, *.port, logs/ and the broker's data.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Kafka 4.1.x: newest line kafkajs and @platformatic/kafka 1.x document/are known to work with.
# Debezium 3.5.0.Final (built on Kafka 4.1.1): 3.5.2.Final is not fully served here (its
# debezium-build-parent pom is missing), so the newest resolvable 3.5.x is used.
KAFKA_VERSION=${KAFKA_VERSION:-4.1.2}
DEBEZIUM_VERSION=${DEBEZIUM_VERSION:-3.5.0.Final}
STATE=${FICUS_CDC_STATE:-/tmp/ficus-cdc}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
MVN=(mvn -q -B)

# A pom edit must invalidate the cache, so the dir name carries a hash of both poms.
POM_HASH=$(cat "$HERE/java/kafka-libs/pom.xml" "$HERE/java/debezium-postgres/pom.xml" | sha1sum | cut -c1-8)
CACHE=${FICUS_CACHE:-$HOME/.cache/ficus}/cdc/kafka-${KAFKA_VERSION}_debezium-${DEBEZIUM_VERSION}_${POM_HASH}
LIBS=$CACHE/kafka-libs
PLUGINS=$CACHE/connect-plugins

# Small heaps: the whole stack shares a 2-core / 24 GiB machine with Postgres and Node.
KAFKA_HEAP=${KAFKA_HEAP:--Xms256m -Xmx768m}
CONNECT_HEAP=${CONNECT_HEAP:--Xms256m -Xmx768m}
JVM_OPTS="-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
 -XX:+ExplicitGCInvokesConcurrent -XX:ActiveProcessorCount=2 -Djava.awt.headless=true \
 -Dlog4j2.configurationFile=$HERE/config/log4j2.xml"

log() { echo "[cdc] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }

fetch() {
  [ -f "$CACHE/.fetched" ] && { log "jars cached in $CACHE"; return 0; }
  command -v mvn >/dev/null || die "mvn not found (needed once, to fetch jars)"
  mkdir -p "$CACHE"
  # Parallel `fetch`es (CI steps, test workers) must not fill the same dirs at once.
  exec 9>"$CACHE.lock"
  flock 9
  if [ ! -f "$CACHE/.fetched" ]; then
    local t0; t0=$(now_ms)
    # Fill temp dirs then rename, so an interrupted fetch never leaves a half-filled dir behind.
    rm -rf "$CACHE/.tmp" && mkdir -p "$CACHE/.tmp"
    # Maven 3.8 prints colour resets even with -q -B, so its output goes to a log shown on failure.
    { "${MVN[@]}" -f "$HERE/java/kafka-libs/pom.xml" dependency:copy-dependencies \
        -Dkafka.version="$KAFKA_VERSION" -Dcdc.out="$CACHE/.tmp/kafka-libs" &&
      "${MVN[@]}" -f "$HERE/java/debezium-postgres/pom.xml" dependency:copy-dependencies \
        -Ddebezium.version="$DEBEZIUM_VERSION" -Dcdc.out="$CACHE/.tmp/connect-plugins/debezium-connector-postgres"
    } > "$CACHE.fetch.log" 2>&1 || { cat "$CACHE.fetch.log" >&2; die "maven fetch failed (log: $CACHE.fetch.log)"; }
    rm -rf "$LIBS" "$PLUGINS"
    mv "$CACHE/.tmp/kafka-libs" "$LIBS" && mv "$CACHE/.tmp/connect-plugins" "$PLUGINS"
    rm -rf "$CACHE/.tmp" "$HERE"/java/*/target
    date -u +%FT%TZ > "$CACHE/.fetched"
    log "fetched $(ls "$LIBS" | wc -l) kafka jars + $(ls "$PLUGINS"/*/ | wc -l) plugin jars in $(( $(now_ms) - t0 )) ms -> $CACHE"
  fi
  exec 9>&-
}

alive() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {  # random unused loopback port; good enough for dev/CI (tiny race window)
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    port_busy "$p" || { echo "$p"; return 0; }
  done
  die "no free port found"
}
render() {
  sed -e "s#@STATE@#$STATE#g" -e "s#@PLUGINS@#$PLUGINS#g" -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" \
      -e "s#@CONTROLLER_PORT@#$CONTROLLER_PORT#g" -e "s#@CONNECT_PORT@#$CONNECT_PORT#g" "$1" > "$2"
}
# wait_for <what> <pidname> <timeout_s> <command...>: poll, failing fast if the JVM died.
# Returns 2 when the JVM died because a port it was given got taken between free_port choosing it
# and the JVM binding it (another test's server, under parallel CI): the caller may retry on new
# ports. Any other failure stops whatever was started, so a failed `start` never leaks a JVM.
wait_for() {
  local what=$1 name=$2 secs=$3; shift 3
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$name" && lost_port_race "$name"; then
      log "$what lost a port to another process; retrying on new ports"
      return 2
    fi
    if ! alive "$name" || [ "$(date +%s)" -ge "$deadline" ]; then
      tail -40 "$STATE/logs/$name.log" >&2
      stop_one connect; stop_one kafka
      die "$what not ready (died or >${secs}s); log: $STATE/logs/$name.log"
    fi
    sleep 0.2
  done
}
lost_port_race() { grep -qE 'Address already in use|BindException' "$STATE/logs/$1.log"; }
broker_ready() { port_busy "$KAFKA_PORT" && grep -q 'Kafka Server started' "$STATE/logs/kafka.log"; }
# KRaft cluster id = 16 random bytes, base64url without padding (what `StorageTool random-uuid`
# prints), made in bash to save a JVM start. One in 64 starts with '-', which the option parser
# would take for an option: it is passed as --cluster-id=<id>.
cluster_id() { head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='; }
connect_ready() { curl -fsS "http://127.0.0.1:$CONNECT_PORT/connectors" >/dev/null; }

# Ports the caller fixed stay fixed; the others are chosen afresh on every attempt.
choose_ports() {
  KAFKA_PORT=${FIXED_KAFKA_PORT:-$(free_port)}
  CONTROLLER_PORT=${FIXED_CONTROLLER_PORT:-$(free_port)}
  CONNECT_PORT=${FIXED_CONNECT_PORT:-$(free_port)}
  render "$HERE/config/server.properties.tmpl" "$STATE/server.properties"
  render "$HERE/config/connect-standalone.properties.tmpl" "$STATE/connect.properties"
  echo "$KAFKA_PORT" > "$STATE/kafka.port"; echo "$CONNECT_PORT" > "$STATE/connect.port"
  echo "$CONTROLLER_PORT" > "$STATE/controller.port"
}
launch_broker() {
  nohup "$JAVA" $KAFKA_HEAP $JVM_OPTS -Dkafka.logs.dir="$STATE/logs" -cp "$LIBS/*" \
    kafka.Kafka "$STATE/server.properties" > "$STATE/logs/kafka.log" 2>&1 < /dev/null &
  echo $! > "$STATE/kafka.pid"
  wait_for "kafka broker" kafka 120 broker_ready
}
launch_connect() {
  nohup "$JAVA" $CONNECT_HEAP $JVM_OPTS -Dkafka.logs.dir="$STATE/logs" -cp "$LIBS/*" \
    org.apache.kafka.connect.cli.ConnectStandalone "$STATE/connect.properties" \
    > "$STATE/logs/connect.log" 2>&1 < /dev/null &
  echo $! > "$STATE/connect.pid"
  wait_for "kafka connect" connect 180 connect_ready
}

start() {
  fetch
  mkdir -p "$STATE/logs"
  if alive kafka || alive connect; then log "already running"; status; return 0; fi
  FIXED_KAFKA_PORT=${KAFKA_PORT:-} FIXED_CONTROLLER_PORT=${CONTROLLER_PORT:-}
  FIXED_CONNECT_PORT=${CONNECT_PORT:-}
  choose_ports

  local t0 t1 attempt rc; t0=$(now_ms)
  # KRaft refuses to start on unformatted storage ("No readable meta.properties files found").
  # Keep existing data: a restart on the same state dir resumes topics and Connect offsets.
  if [ ! -f "$STATE/kraft-logs/meta.properties" ]; then
    "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 $JVM_OPTS -cp "$LIBS/*" kafka.tools.StorageTool format \
      --cluster-id="$(cluster_id)" \
      -c "$STATE/server.properties" > "$STATE/logs/format.log" 2>&1 \
      || { cat "$STATE/logs/format.log" >&2; die "kafka storage format failed"; }
  fi
  # nohup + & on a simple command: $! is the JVM's own pid, so stop can signal it directly.
  for attempt in 1 2 3; do
    rc=0; launch_broker || rc=$?
    [ "$rc" -eq 0 ] && break
    [ "$attempt" -lt 3 ] || die "kafka broker kept losing its ports; log: $STATE/logs/kafka.log"
    choose_ports
  done
  t1=$(now_ms); log "broker ready on 127.0.0.1:$KAFKA_PORT in $(( t1 - t0 )) ms"

  for attempt in 1 2 3; do
    rc=0; launch_connect || rc=$?
    [ "$rc" -eq 0 ] && break
    [ "$attempt" -lt 3 ] || { stop_one kafka; die "kafka connect kept losing its port; log: $STATE/logs/connect.log"; }
    CONNECT_PORT=${FIXED_CONNECT_PORT:-$(free_port)}
    render "$HERE/config/connect-standalone.properties.tmpl" "$STATE/connect.properties"
    echo "$CONNECT_PORT" > "$STATE/connect.port"
  done
  log "connect ready on http://127.0.0.1:$CONNECT_PORT in $(( $(now_ms) - t1 )) ms (total $(( $(now_ms) - t0 )) ms)"
  status
}
stop_one() {
  local name=$1 pid
  [ -f "$STATE/$name.pid" ] || return 0
  pid=$(cat "$STATE/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then log "$name ($pid) ignored TERM for 30s, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$STATE/$name.pid"
}
# Connect first, so its producer drains and offsets flush while the broker is still up.
stop() { stop_one connect; stop_one kafka; log "stopped"; }

status() {
  local n
  for n in kafka connect; do
    if alive "$n"; then echo "$n: running pid=$(cat "$STATE/$n.pid") port=$(cat "$STATE/$n.port" 2>/dev/null)"
    else echo "$n: stopped"; fi
  done
  alive kafka && alive connect
}

connect_url() { [ -f "$STATE/connect.port" ] || die "no connect.port in $STATE (not started?)"; echo "http://127.0.0.1:$(cat "$STATE/connect.port")"; }

register() {
  local file=${1:?usage: cdc.sh register <connector.json>} url code
  url=$(connect_url)
  code=$(curl -sS -o "$STATE/register.out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary "@$file" "$url/connectors")
  case "$code" in
    201) log "registered $(basename "$file")" ;;
    409) log "connector already exists (409); update it with PUT /connectors/<name>/config" ;;
    *) cat "$STATE/register.out" >&2; echo >&2; die "register failed: HTTP $code" ;;
  esac
}

wait_running() {
  local name=${1:?usage: cdc.sh wait <name> [timeout_s]} secs=${2:-120} url body
  url=$(connect_url)
  local deadline=$(( $(date +%s) + secs ))
  while :; do
    body=$(curl -sS "$url/connectors/$name/status" 2>/dev/null || true)
    # The connector can be RUNNING while its task FAILED, so both must say RUNNING.
    if echo "$body" | grep -q '"connector":{"state":"RUNNING"' && echo "$body" | grep -q '"tasks":\[{"id":0,"state":"RUNNING"'; then
      log "$name RUNNING"; return 0
    fi
    if echo "$body" | grep -q '"state":"FAILED"'; then echo "$body" >&2; die "$name FAILED"; fi
    [ "$(date +%s)" -lt "$deadline" ] || { echo "$body" >&2; die "$name not RUNNING after ${secs}s"; }
    sleep 0.5
  done
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  register) register "${2:-}" ;;
  wait) wait_running "${2:-}" "${3:-120}" ;;
  *) echo "usage: $0 fetch|start|stop|status|register <connector.json>|wait <name> [timeout_s]" >&2; exit 2 ;;
esac
