#!/usr/bin/env bash
# Requests/s and latency for one page under `wrk -c64`: cardweb serve against
# python3 -m http.server (and nginx, if installed) serving the same built pages, in one run.
#   benches/serve_throughput.sh [SITE_DIR (default: this repo)] [DURATION (default: 10s)]
# Needs wrk (Debian: apt-get install wrk).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
site=${1:-$repo}
duration=${2:-10s}
page=/client-server-model/
cardweb="$repo/target/release/cardweb"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
(cd "$repo" && cargo build --release -q)
out=$(mktemp -d)
chmod 755 "$out"  # nginx workers run as an unprivileged user
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
(cd "$site" && "$cardweb" build --out "$out/site" >/dev/null)
[ -f "$out/site${page}index.html" ] || page=/

(cd "$site" && exec "$cardweb" serve --port 18080 --quiet >/dev/null) &
(cd "$out/site" && exec python3 -m http.server 18081 --bind 127.0.0.1 >/dev/null 2>&1) &
servers=("cardweb serve|18080" "python3 -m http.server|18081")
if command -v nginx >/dev/null; then
  cat > "$out/nginx.conf" <<CONF
daemon off; worker_processes auto; pid $out/nginx.pid; error_log $out/error.log;
events { worker_connections 1024; }
http { access_log off; include /etc/nginx/mime.types; sendfile on; tcp_nopush on;
  server { listen 127.0.0.1:18082; root $out/site; } }
CONF
  nginx -c "$out/nginx.conf" &
  servers+=("nginx|18082")
fi
for entry in "${servers[@]}"; do
  port=${entry#*|}
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port$page" && break; sleep 0.05; done
done
printf '%-24s %12s %10s %10s\n' server requests/s p50 p99
for entry in "${servers[@]}"; do
  name=${entry%|*}; port=${entry#*|}
  result=$(wrk -t2 -c64 -d"$duration" --latency "http://127.0.0.1:$port$page")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$result")
  p50=$(awk '$1=="50%" {print $2}' <<<"$result")
  p99=$(awk '$1=="99%" {print $2}' <<<"$result")
  errors=$(grep -E 'Socket errors|Non-2xx' <<<"$result" | tr -s ' ' | paste -sd';' || true)
  printf '%-24s %12s %10s %10s  %s\n' "$name" "$rps" "$p50" "$p99" "$errors"
done
