#!/usr/bin/env bash
# Ficus distributed search: OpenSearch (single node) assembled from Maven Central jars; no Docker,
# no tarball. The home it runs from is laid out as the distribution's: lib/ (the server and its
# runtime dependencies), modules/<name>/ (each module's jars, plugin-descriptor.properties and
# plugin-security.policy), an empty plugins/ (the security plugin is not installed), and config/
# (opensearch.yml, jvm.options, log4j2.properties) rendered into the state dir.
#
#   opensearch.sh fetch    jars -> ${FICUS_CACHE:-~/.cache/ficus}/search/opensearch-<version>-<hash>
#   opensearch.sh start    render config, start the node, wait until it answers (prints timing)
#   opensearch.sh stop     TERM, then KILL after a grace
#   opensearch.sh status   running/stopped + port (exit 0 only when running)
#   opensearch.sh url      http://127.0.0.1:<port> of the running node
#
# Env: FICUS_OPENSEARCH_STATE (state dir, default /tmp/ficus-opensearch), OPENSEARCH_PORT (HTTP;
#      default a free loopback port), OPENSEARCH_VERSION, FICUS_CACHE, JAVA_HOME,
#      OPENSEARCH_JAVA_OPTS (appended after config/jvm.options, e.g. another heap).
# The state dir holds config/, data/, logs/opensearch.log, tmp/, opensearch.pid and http.port.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# 2.19.x: the newest line that runs on Java 17 (3.x needs Java 21); 2.19.6 is the newest 2.19 served.
OPENSEARCH_VERSION=${OPENSEARCH_VERSION:-2.19.6}
STATE=$(realpath -m "${FICUS_OPENSEARCH_STATE:-/tmp/ficus-opensearch}")
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
MVN=(mvn -q -B)
# The distribution's modules/ dir name -> the Maven artifact (group org.opensearch.plugin) it holds.
MODULES=("transport-netty4:transport-netty4-client" "lang-painless:lang-painless" "analysis-common:analysis-common")

# A pom or module metadata edit must invalidate the cache, so the dir name carries a hash of them
# and of LAYOUT (bump it when fetch lays the home out differently).
LAYOUT=2
HOME_HASH=$( { echo "$LAYOUT"; cat "$HERE"/java/*/pom.xml "$HERE"/modules/*/*; } | sha1sum | cut -c1-8)
# OpenSearch refuses to run as root ("can not run opensearch as root"): as root (CI, this machine)
# the JVM runs as RUN_AS (default nobody) through setpriv, which execs, so $! stays the JVM's pid.
# Its home must then be readable by that user, which root's ~/.cache is not: the default cache
# root moves to /var/cache/ficus (a FICUS_CACHE given must be reachable by RUN_AS too).
if [ "$(id -u)" -eq 0 ]; then
  RUN_AS=${OPENSEARCH_RUN_AS:-nobody}
  CACHE_ROOT=${FICUS_CACHE:-/var/cache/ficus}
  AS_USER=(setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" --clear-groups --)
else
  RUN_AS=
  CACHE_ROOT=${FICUS_CACHE:-$HOME/.cache/ficus}
  AS_USER=()
fi
HOME_DIR=$CACHE_ROOT/search/opensearch-${OPENSEARCH_VERSION}_${HOME_HASH}

log() { echo "[opensearch] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }

fetch() {
  [ -f "$HOME_DIR/.fetched" ] && { log "home cached in $HOME_DIR"; return 0; }
  command -v mvn >/dev/null || die "mvn not found (needed once, to fetch jars)"
  mkdir -p "$(dirname "$HOME_DIR")"
  # Parallel fetches (CI steps, test workers) must not fill the same dirs at once.
  exec 9>"$HOME_DIR.lock"
  flock 9
  if [ ! -f "$HOME_DIR/.fetched" ]; then
    local t0 tmp entry name artifact jar; t0=$(now_ms)
    # bin/ stays empty (the node is started by this script) but must exist: the bootstrap grants
    # itself read access to it and fails when it cannot create it.
    # Fill a temp dir then rename, so an interrupted fetch never leaves a half-filled home behind.
    tmp="$HOME_DIR.tmp"; rm -rf "$tmp" && mkdir -p "$tmp/plugins" "$tmp/bin"
    {
      "${MVN[@]}" -f "$HERE/java/server-libs/pom.xml" dependency:copy-dependencies \
        -Dopensearch.version="$OPENSEARCH_VERSION" -Dos.out="$tmp/lib" &&
      for entry in "${MODULES[@]}"; do
        name=${entry%%:*}; artifact=${entry#*:}
        "${MVN[@]}" -f "$HERE/java/module/pom.xml" dependency:copy-dependencies \
          -Dopensearch.version="$OPENSEARCH_VERSION" -Dmodule.artifact="$artifact" -Dos.out="$tmp/modules/$name" || exit 1
      done
    } > "$HOME_DIR.fetch.log" 2>&1 || { cat "$HOME_DIR.fetch.log" >&2; die "maven fetch failed (log: $HOME_DIR.fetch.log)"; }
    for entry in "${MODULES[@]}"; do
      name=${entry%%:*}
      # A module's class loader sits under the server's: a jar in both is jar hell at start.
      for jar in "$tmp/modules/$name"/*.jar; do
        [ -f "$tmp/lib/$(basename "$jar")" ] && rm -f "$jar"
      done
      sed -e "s#@OPENSEARCH_VERSION@#$OPENSEARCH_VERSION#g" "$HERE/modules/$name/plugin-descriptor.properties" \
        > "$tmp/modules/$name/plugin-descriptor.properties"
      [ -f "$HERE/modules/$name/plugin-security.policy" ] && cp "$HERE/modules/$name/plugin-security.policy" "$tmp/modules/$name/"
    done
    rm -rf "$HOME_DIR" "$HERE"/java/*/target
    mv "$tmp" "$HOME_DIR"
    chmod -R a+rX "$HOME_DIR"
    date -u +%FT%TZ > "$HOME_DIR/.fetched"
    log "fetched $(ls "$HOME_DIR/lib" | wc -l) server jars + $(find "$HOME_DIR/modules" -name '*.jar' | wc -l) module jars in $(( $(now_ms) - t0 )) ms -> $HOME_DIR"
  fi
  exec 9>&-
}

alive() { [ -f "$STATE/opensearch.pid" ] && kill -0 "$(cat "$STATE/opensearch.pid")" 2>/dev/null; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {  # random unused loopback port; good enough for dev/CI (tiny race window)
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    port_busy "$p" || { echo "$p"; return 0; }
  done
  die "no free port found"
}

java_major() { "$JAVA" -version 2>&1 | sed -nE '1s/.*version "(1\.)?([0-9]+).*/\2/p'; }
# config/jvm.options as the distribution's launcher reads it: "N:", "N-:" and "N-M:" prefixes pick
# lines by the running Java's major version; comments and blank lines are skipped.
jvm_options() {
  local major=$1 line spec opt lo hi
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%#*}; line=$(echo "$line" | xargs)
    [ -n "$line" ] || continue
    if [[ $line =~ ^([0-9]+(-[0-9]*)?):(.*)$ ]]; then
      spec=${BASH_REMATCH[1]}; opt=${BASH_REMATCH[3]}
      lo=${spec%%-*}
      if [[ $spec == *-* ]]; then hi=${spec#*-}; hi=${hi:-999}; else hi=$lo; fi
      (( major >= lo && major <= hi )) && echo "$opt"
    else
      echo "$line"
    fi
  done < "$STATE/config/jvm.options"
}

render_config() {
  mkdir -p "$STATE/config" "$STATE/logs" "$STATE/data" "$STATE/tmp"
  if [ -n "$RUN_AS" ]; then
    # The node writes data/, logs/, tmp/ and config/ (its opensearch.keystore, made on the first
    # start) as RUN_AS, and must reach them (mkdtemp makes 0700 dirs).
    chmod a+rx "$STATE"
    chown -R "$RUN_AS" "$STATE/data" "$STATE/logs" "$STATE/tmp" "$STATE/config"
  fi
  sed -e "s#@STATE@#$STATE#g" -e "s#@HTTP_PORT@#$HTTP_PORT#g" -e "s#@TRANSPORT_PORT@#$TRANSPORT_PORT#g" \
    "$HERE/config/opensearch.yml.tmpl" > "$STATE/config/opensearch.yml"
  cp "$HERE/config/jvm.options" "$HERE/config/log4j2.properties" "$STATE/config/"
  echo "$HTTP_PORT" > "$STATE/http.port"
}

ready() { curl -fsS "http://127.0.0.1:$HTTP_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null; }
lost_port_race() { grep -qE 'BindTransportException|BindHttpException|Address already in use' "$STATE/logs/opensearch.log"; }

# launch: returns 0 when the node answers, 2 when it lost a port it was given to another process
# (the caller retries on new ports); any other failure stops the JVM so a failed start never leaks one.
launch() {
  local major deadline; major=$(java_major)
  [ "${major:-0}" -ge 11 ] || die "OpenSearch $OPENSEARCH_VERSION needs Java 11+ (found: $("$JAVA" -version 2>&1 | head -1))"
  local opts; mapfile -t opts < <(jvm_options "$major")
  # nohup + & on a simple command: $! is the JVM's own pid, so stop can signal it directly.
  # These -D are what the distribution's bin/opensearch passes.
  nohup "${AS_USER[@]}" "$(command -v "$JAVA")" "${opts[@]}" ${OPENSEARCH_JAVA_OPTS:-} -Djava.io.tmpdir="$STATE/tmp" \
    -XX:ErrorFile="$STATE/logs/hs_err_pid%p.log" -XX:HeapDumpPath="$STATE/data" \
    -Dopensearch.path.home="$HOME_DIR" -Dopensearch.path.conf="$STATE/config" \
    -Dopensearch.distribution.type=tar -Dopensearch.bundled_jdk=false \
    -cp "$HOME_DIR/lib/*" org.opensearch.bootstrap.OpenSearch \
    > "$STATE/logs/opensearch.log" 2>&1 < /dev/null &
  echo $! > "$STATE/opensearch.pid"
  deadline=$(( $(date +%s) + ${OPENSEARCH_START_TIMEOUT:-180} ))
  until ready 2>/dev/null; do
    if ! alive && lost_port_race; then rm -f "$STATE/opensearch.pid"; return 2; fi
    if ! alive || [ "$(date +%s)" -ge "$deadline" ]; then
      tail -40 "$STATE/logs/opensearch.log" >&2
      stop
      die "opensearch not ready (died or >${OPENSEARCH_START_TIMEOUT:-180}s); log: $STATE/logs/opensearch.log"
    fi
    sleep 0.2
  done
}

start() {
  fetch
  mkdir -p "$STATE/logs"
  if alive; then log "already running"; status; return 0; fi
  local fixed=${OPENSEARCH_PORT:-} t0 attempt rc; t0=$(now_ms)
  for attempt in 1 2 3; do
    HTTP_PORT=${fixed:-$(free_port)}; TRANSPORT_PORT=$(free_port)
    render_config
    rc=0; launch || rc=$?
    [ "$rc" -eq 0 ] && break
    [ "$attempt" -lt 3 ] || die "opensearch kept losing its ports; log: $STATE/logs/opensearch.log"
    log "a port was taken by another process; retrying on new ports"
  done
  log "ready on http://127.0.0.1:$HTTP_PORT in $(( $(now_ms) - t0 )) ms (rss $(rss_mib) MiB)"
  status
}

rss_mib() { alive && awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$(cat "$STATE/opensearch.pid")/status"; }

stop() {
  local pid
  [ -f "$STATE/opensearch.pid" ] || { log "stopped"; return 0; }
  pid=$(cat "$STATE/opensearch.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then log "opensearch ($pid) ignored TERM for 30s, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$STATE/opensearch.pid"
  log "stopped"
}

status() {
  if alive; then echo "opensearch: running pid=$(cat "$STATE/opensearch.pid") port=$(cat "$STATE/http.port") rss=$(rss_mib)MiB"
  else echo "opensearch: stopped"; return 1; fi
}

url() { alive || die "not running (state: $STATE)"; echo "http://127.0.0.1:$(cat "$STATE/http.port")"; }

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) url ;;
  *) echo "usage: $0 fetch|start|stop|status|url" >&2; exit 2 ;;
esac
