#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine too: installs the Debian packages the
# tests use, if missing (Chromium for the browser tests, Graphviz for the DOT export test,
# Java and npm for the outside judges, nginx for the deploy test), and the judges
# themselves from npm (judges/: the Nu HTML Checker and axe-core, at the versions
# package-lock.json pins), checks that no
# module imports one above it in the pipeline (scripts/layers.py), then runs `cargo test`
# with any arguments given.
# CARDWEB_SKIP_BROWSER=1 skips the browser tests instead of installing Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
if [ ! -x /usr/bin/chromium ] && [ "${CARDWEB_SKIP_BROWSER:-}" != 1 ]; then missing+=(chromium); fi
if ! command -v dot >/dev/null; then missing+=(graphviz); fi
if ! command -v java >/dev/null; then missing+=(default-jre-headless); fi
if ! command -v npm >/dev/null; then missing+=(npm); fi
if [ ! -x /usr/sbin/nginx ]; then missing+=(nginx); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (Debian packages the tests use)…" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -f judges/node_modules/vnu-jar/build/dist/vnu.jar ] || [ ! -f judges/node_modules/axe-core/axe.min.js ]; then
  echo "installing the outside judges from npm (judges/package-lock.json)…" >&2
  # --ignore-scripts: vnu-jar's install script would download a Java of its own.
  (cd judges && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
# The pipeline's stage order: no module imports one above it (scripts/layers.py --list).
python3 scripts/layers.py
exec cargo test "$@"
