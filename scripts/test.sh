#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine too: installs the two Debian packages the
# tests use, if missing (Chromium for the browser tests, Graphviz for the DOT export test),
# checks that no module imports one above it in the pipeline (scripts/layers.py), then runs
# `cargo test` with any arguments given.
# CARDWEB_SKIP_BROWSER=1 skips the browser tests instead of installing Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
if [ ! -x /usr/bin/chromium ] && [ "${CARDWEB_SKIP_BROWSER:-}" != 1 ]; then missing+=(chromium); fi
if ! command -v dot >/dev/null; then missing+=(graphviz); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (Debian packages the tests use)…" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The pipeline's stage order: no module imports one above it (scripts/layers.py --list).
python3 scripts/layers.py
exec cargo test "$@"
