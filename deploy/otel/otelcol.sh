#!/usr/bin/env bash
# The OpenTelemetry Collector Ficus's trace test runs against (deploy/otel/collector-build):
# built once from the Go module proxy and cached like the Kafka jars.
#
#   otelcol.sh build     compile (cached) and print the binary's path
#   otelcol.sh path      print the binary's path if built, exit 1 otherwise
#
# Env: FICUS_CACHE (cache root, default ~/.cache/ficus), GOFLAGS/GOPROXY as go reads them.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$HERE/collector-build
# A source or dependency edit must invalidate the cache, so the dir name carries their hash.
HASH=$(cat "$SRC/main.go" "$SRC/go.mod" "$SRC/go.sum" | sha1sum | cut -c1-10)
CACHE=${FICUS_CACHE:-$HOME/.cache/ficus}/otelcol/$HASH
BIN=$CACHE/ficus-otelcol

log() { echo "[otelcol] $*" >&2; }

build() {
  [ -x "$BIN" ] && { echo "$BIN"; return 0; }
  command -v go >/dev/null || { log "ERROR: go not found (needed once, to build the collector)"; exit 1; }
  mkdir -p "$CACHE"
  # Parallel builds (CI steps, test workers) must not write the same binary at once.
  exec 9>"$CACHE.lock"
  flock 9
  if [ ! -x "$BIN" ]; then
    local t0; t0=$(date +%s)
    (cd "$SRC" && go build -trimpath -ldflags='-s -w' -o "$BIN.tmp" .) >"$CACHE/build.log" 2>&1 || { cat "$CACHE/build.log" >&2; exit 1; }
    mv "$BIN.tmp" "$BIN"
    log "built in $(( $(date +%s) - t0 )) s: $BIN"
  fi
  echo "$BIN"
}

case "${1:-}" in
  build) build ;;
  path) [ -x "$BIN" ] && echo "$BIN" || exit 1 ;;
  *) echo "usage: $0 build|path" >&2; exit 2 ;;
esac
