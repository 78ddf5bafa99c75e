#!/usr/bin/env bash
# The packages bench/queries/ asks about, as a user would have them: Go and Rust sources from Debian's -dev
# packages, date-fns from npm, java.util and java.time from Debian's openjdk-17-source (pinned versions).
#   bash scripts/fetch_query_repos.sh [OUT]      (default data/query-repos; needs apt-get and npm; a few minutes)
set -euo pipefail
here=$(dirname "$(realpath "$0")")
out=$(realpath -m "${1:-data/query-repos}")
mkdir -p "$out/debs"
cd "$out/debs"
# shellcheck source=scripts/debian.sh
source "$here/debian.sh"
unpack_debs "$out" \
  go-backoff=golang-github-cenkalti-backoff-dev=4.1.3-1 \
  go-cast=golang-github-spf13-cast-dev=1.5.0-2 \
  go-humanize=golang-github-dustin-go-humanize-dev=1.0.0-3 \
  go-toml=golang-github-pelletier-go-toml.v2-dev=2.0.6-1 \
  rust-httparse=librust-httparse-dev=1.8.0-1 \
  rust-rusqlite=librust-rusqlite-dev=0.28.0-4 \
  rust-ureq=librust-ureq-dev=2.6.2-3
deb openjdk-17-source
rm -rf "$out/jdk" && dpkg-deb -x openjdk-17-source_*.deb "$out/jdk"
zip=$(find "$out/jdk" -name src.zip | head -1)
rm -rf "$out/java-util" "$out/java-time" && mkdir -p "$out/java-util" "$out/java-time"
unzip -q "$zip" 'java.base/java/util/*' -d "$out/java-util"
unzip -q "$zip" 'java.base/java/time/*' -d "$out/java-time"
rm -rf "$out/jdk"
ls date-fns-4.4.0.tgz >/dev/null 2>&1 || npm pack date-fns@4.4.0 --silent >/dev/null
rm -rf "$out/js-date-fns" && mkdir -p "$out/js-date-fns" && tar xzf date-fns-4.4.0.tgz -C "$out/js-date-fns"
echo "$out: $(ls "$out" | grep -v debs | tr '\n' ' ')"
