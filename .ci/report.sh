#!/usr/bin/env bash
# CI for the nested module examples/report (the HTML report): installs headless Chromium from
# apt when no browser is found, then runs the module's tests with the browser check required
# (TAILOR_REQUIRE_BROWSER=1: a missing browser fails instead of skipping), go vet, gofmt, and
# the program on the synthetic shop. Exits non-zero on any failure. About a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
# The tests that read the shared Online Retail and CDNOW files look here (they skip without it).
if [ -z "${TAILOR_SHARED:-}" ] && [ -d ../shared/data ]; then export TAILOR_SHARED="$(cd ../shared && pwd)"; fi

have_browser() {
  for b in chromium-headless-shell chromium chromium-browser headless_shell google-chrome; do
    command -v "$b" >/dev/null 2>&1 && return 0
  done
  [ -n "${TAILOR_CHROMIUM:-}" ] && [ -x "$TAILOR_CHROMIUM" ]
}
if ! have_browser; then
  echo "== installing headless Chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null || apt-get install -y -qq chromium-headless-shell >/dev/null
fi

fail=0
step() { echo; echo "== $*"; }
cd examples/report

step "gofmt -l (examples/report)"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; fail=1; fi

step "go vet ./...   (examples/report)"
go vet ./... || fail=1

step "TAILOR_REQUIRE_BROWSER=1 go test ./...   (examples/report)"
TAILOR_REQUIRE_BROWSER=1 go test -count=1 ./... || fail=1

step "go run . -out report.html   (the synthetic shop)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if go run . -out "$tmp/report.html"; then
  size=$(wc -c <"$tmp/report.html")
  charts=$(grep -c 'class="report-chart"' "$tmp/report.html" || true)
  echo "report.html: $size bytes, $charts charts"
  if [ "$charts" -lt 12 ]; then echo "want 12 charts"; fail=1; fi
else
  fail=1
fi

echo
if [ "$fail" -ne 0 ]; then echo "examples/report: FAILED"; exit 1; fi
echo "examples/report: ok"
