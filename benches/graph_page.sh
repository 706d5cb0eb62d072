#!/usr/bin/env bash
# Time to interactive of the whole-graph page in headless Chromium: the page's script
# stamps performance.now() (ms since navigation start) on <html> when pan, zoom and search
# are wired up; --dump-dom reads it once the page has loaded. Median of RUNS.
#   benches/graph_page.sh SITE_DIR [RUNS (default 5)]
# SITE_DIR holds cards/, e.g. a corpus from ../shared/bench/gen_corpus.py 10000 DIR.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
site=$1
runs=${2:-5}
(cd "$repo" && cargo build --release -q)
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
(cd "$site" && "$repo/target/release/cardweb" build --out "$out/site" | tail -1)
(cd "$out/site" && exec python3 -m http.server 18090 --bind 127.0.0.1 >/dev/null 2>&1) &
for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:18090/graph/ && break; sleep 0.05; done
echo "graph page: $(du -h "$out/site/graph/index.html" | cut -f1), $(grep -o 'class="g-node' "$out/site/graph/index.html" | wc -l) nodes"
times=()
for i in $(seq "$runs"); do
  ms=$(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$out/profile-$i" --window-size=1200,900 --dump-dom http://127.0.0.1:18090/graph/ 2>/dev/null \
    | grep -o 'data-graph-ready="[0-9]*"' | grep -o '[0-9]*')
  echo "run $i: interactive after ${ms} ms"
  times+=("$ms")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "median time to interactive: " a[int((NR+1)/2)] " ms over " NR " runs"}'
