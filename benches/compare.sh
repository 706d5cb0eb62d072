#!/usr/bin/env bash
# Full-build time and peak memory of cardweb against the other tools on the same corpus, and
# against the floor (pulldown-cmark alone rendering every card in parallel: examples/floor.rs).
# Runs alternate between tools; medians are printed, with ratios cardweb / each.
#
#   benches/compare.sh [SIZES (default "1000 10000 50000")] [RUNS (default 5)]
#
# Corpora come from ../shared/bench/gen_corpus.py (set GEN to use another path), written in
# each tool's layout. Peers: Hugo if installed (Debian: apt-get install hugo); mdBook, which
# this script installs with `cargo install` into target/bench-tools (only up to MDBOOK_MAX
# cards, default 1000: its sidebar makes it quadratic); Zola if a `zola` binary is on PATH
# or named by ZOLA (build tag v0.22.1 from getzola/zola: `git archive v0.22.1 -- .
# ':!docs' ':!test_site*'`, then `cargo build --release`).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
sizes=${1:-1000 10000 50000}
runs=${2:-5}
gen=${GEN:-$repo/../shared/bench/gen_corpus.py}
mdbook_max=${MDBOOK_MAX:-1000}
work=${WORK:-$(mktemp -d)}
tools="$repo/target/bench-tools"
[ -f "$gen" ] || { echo "corpus generator not found: $gen (set GEN)" >&2; exit 1; }

(cd "$repo" && cargo build --release -q && cargo build --release -q --example floor)
cardweb="$repo/target/release/cardweb"
floor="$repo/target/release/examples/floor"
if [ ! -x "$tools/bin/mdbook" ]; then
  echo "installing mdBook into $tools (once)…" >&2
  cargo install -q --locked mdbook --root "$tools" >&2 || echo "mdBook could not be installed; skipping it" >&2
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%Y-%m-%d)"

# Times one command in DIR with OUT absent; prints "seconds kilobytes user-seconds
# system-seconds". The previous OUT is
# moved into a trash folder, emptied when the script ends, rather than deleted: ext4 will not
# reuse an inode freed in the last minute, and a burst of 20,000 deletions made every file
# the next tool created several times slower to create (measured: the floor's system time
# went from 0.5 s to 7.7 s over three back-to-back runs), whichever tool ran next.
measure() {
  local dir=$1 out=$2; shift 2
  if [ -e "$dir/$out" ]; then
    mkdir -p "$work/trash"
    # measure runs in a command substitution, where a failure would not stop the script:
    # a full disk once made mktemp print nothing, and the output was moved to /.
    local aside
    aside=$(mktemp -d "$work/trash/XXXXXX") && mv "$dir/$out" "$aside/" || {
      echo "cannot move $dir/$out aside (is the disk full?); stopping" >&2
      kill $$
    }
  fi
  (cd "$dir" && /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/err") || { echo "fail"; return; }
  cat "$work/time"
}
trap 'rm -rf "${work:?}/trash"' EXIT

for n in $sizes; do
  corpus="$work/$n"
  if [ ! -d "$corpus" ]; then
    for format in cardweb hugo zola mdbook; do
      python3 "$gen" "$n" "$corpus/$format" --format "$format" >/dev/null
    done
  fi
  declare -A commands=()
  # --drafts: the corpus marks one card in nine `status: draft`, which the other tools'
  # layouts do not know, so they build every card; cardweb builds them all too.
  commands[cardweb]="$corpus/cardweb|output|$cardweb build --drafts"
  commands[floor]="$corpus/cardweb|floor-out|$floor cards floor-out"
  command -v hugo >/dev/null && commands[hugo]="$corpus/hugo|public|hugo --quiet"
  zola=${ZOLA:-$(command -v zola || true)}
  [ -n "$zola" ] && commands[zola]="$corpus/zola|public|$zola build"
  [ -x "$tools/bin/mdbook" ] && [ "$n" -le "$mdbook_max" ] && commands[mdbook]="$corpus/mdbook|book|$tools/bin/mdbook build"
  names=$(printf '%s\n' "${!commands[@]}" | sort)
  : > "$work/results"
  for run in $(seq "$runs"); do
    for name in $names; do
      IFS='|' read -r dir out cmd <<<"${commands[$name]}"
      # shellcheck disable=SC2086
      echo "$name $(measure "$dir" "$out" $cmd)" >> "$work/results"
    done
  done
  echo
  echo "== $n cards, median (range) of $runs alternating runs; load $(cut -d' ' -f1-3 /proc/loadavg) =="
  python3 - "$work/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, *rest = line.split()
    rows.setdefault(name, [])
    if rest and rest[0] != "fail":
        rows[name].append(tuple(float(x) for x in rest[:4]))
med = {n: [statistics.median(r[i] for r in v) for i in range(4)] for n, v in rows.items() if v}
goal = lambda ok: "met" if ok else "NOT met"
span = lambda v, i: f"{min(r[i] for r in v):.2f}-{max(r[i] for r in v):.2f}"
print(f"{'tool':8} {'wall s':>6} {'(range)':>11} {'user s':>6} {'sys s':>6} {'peak MB':>7} {'cardweb/tool time':>17} {'cardweb/tool RSS':>16}")
cw = med.get("cardweb")
for name, (t, kb, user, sys_) in sorted(med.items(), key=lambda kv: kv[1][0]):
    ratio = f"{cw[0] / t:.2f}" if cw else "-"
    mratio = f"{cw[1] / kb:.2f}" if cw else "-"
    print(f"{name:8} {t:6.2f} {span(rows[name], 0):>11} {user:6.2f} {sys_:6.2f} {kb / 1024:7.0f} {ratio:>17} {mratio:>16}")
for name, v in rows.items():
    if not v:
        print(f"{name:8} failed")
peers = {n: m for n, m in med.items() if n not in ("cardweb", "floor")}
if cw and peers:
    fastest = min(peers, key=lambda n: peers[n][0])
    leanest = min(peers, key=lambda n: peers[n][1])
    print(f"goal cardweb <= 1/3 of the fastest peer's time ({fastest}): {cw[0] / peers[fastest][0]:.2f} - {goal(cw[0] * 3 <= peers[fastest][0])}")
    print(f"goal peak RSS <= 1/2 of the leanest peer's ({leanest}): {cw[1] / peers[leanest][1]:.2f} - {goal(cw[1] * 2 <= peers[leanest][1])}")
if cw and "floor" in med:
    print(f"goal cardweb <= 2x the floor's time: {cw[0] / med['floor'][0]:.2f} - {goal(cw[0] <= 2 * med['floor'][0])}")
PY
done
