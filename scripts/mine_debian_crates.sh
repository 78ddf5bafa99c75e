#!/usr/bin/env bash
# Mine the Rust sources of Debian librust-<crate>-dev packages into ROOT/mined (downloads kept in ROOT/debs, sources
# in ROOT/src). Used by the Rust search-set scripts.
#   bash scripts/mine_debian_crates.sh ROOT CRATE...
set -euo pipefail
cd "$(dirname "$0")/.."
root=$1
shift
mkdir -p "$root/debs" "$root/src"
sources=()
for crate in "$@"; do
  (cd "$root/debs" && ls librust-"$crate"-dev_*.deb >/dev/null 2>&1 || apt-get download -q "librust-$crate-dev")
  mkdir -p "$root/src/$crate"
  dpkg-deb -x "$root"/debs/librust-"$crate"-dev_*.deb "$root/src/$crate"
  sources+=(--source "$root/src/$crate")
done
leancode-train mine --out "$root/mined" --language rust --no-registry-sources --no-stdlib --no-jdk "${sources[@]}" \
  --workers 2
