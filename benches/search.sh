#!/usr/bin/env bash
# Measures search on a built site: the index's size, what a first query downloads, and how
# long queries take in headless Chromium (cold: loading what they need; warm: again).
#
#   benches/search.sh OUTPUT_DIR "query one" "query two" ...
#
# Serves OUTPUT_DIR on loopback with Python's http.server, opens a page that runs each
# query through the site's assets/search.*.js, and prints the figures Chromium measured.
set -euo pipefail
out=$(realpath "$1"); shift
port=$((20000 + RANDOM % 20000))
script=$(cd "$out" && ls assets/search.*.js | head -1)
queries=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")
page="$out/search-bench.html"
cat > "$page" <<HTML
<!doctype html><meta charset="utf-8"><title>search bench</title>
<script src="$script"></script>
<script>
(async () => {
  const lines = [];
  for (const q of $queries) {
    const before = performance.getEntriesByType("resource").length;
    let t = performance.now();
    const first = await cardwebSearch.find(q);
    const cold = performance.now() - t;
    const loaded = performance.getEntriesByType("resource").slice(before);
    const bytes = loaded.reduce((n, r) => n + r.encodedBodySize, 0);
    t = performance.now();
    for (let i = 0; i < 20; i++) await cardwebSearch.find(q);
    const warm = (performance.now() - t) / 20;
    lines.push(\`\${JSON.stringify(q)}: first result \${JSON.stringify(first[0] && first[0][1])}; \${loaded.length} files, \${(bytes / 1024).toFixed(1)} KiB loaded; cold \${cold.toFixed(1)} ms, warm \${warm.toFixed(2)} ms\`);
  }
  const pre = document.createElement("pre"); pre.id = "result"; pre.textContent = lines.join("\n");
  document.body.append(pre);
})();
</script>
HTML
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out" >/dev/null 2>&1 &
server=$!
trap 'kill $server; rm -f "$page"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
profile=$(mktemp -d)
echo "index: $(du -sb "$out/search" | cut -f1) bytes in $(find "$out/search" -type f | wc -l) files; meta.js $(stat -c %s "$out/search/meta.js") bytes; largest shard $(ls -S "$out"/search/t | head -1) $(stat -c %s "$out/search/t/$(ls -S "$out"/search/t | head -1)") bytes"
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" \
  --virtual-time-budget=60000 --dump-dom "http://127.0.0.1:$port/search-bench.html" 2>/dev/null \
  | python3 -c 'import sys,re,html; m=re.search(r"<pre id=\"result\">(.*?)</pre>", sys.stdin.read(), re.S); print(html.unescape(m.group(1)) if m else "no result")'
rm -rf "$profile"
