#!/usr/bin/env bash
# Mine the LANGUAGE sources of Debian packages into ROOT/mined, one local source per package (downloads kept in
# ROOT/debs, sources in ROOT/src/NAME). Used by the Go and Rust search-set scripts.
#   bash scripts/mine_debian_packages.sh LANGUAGE ROOT NAME=DEBIAN_PACKAGE...
set -euo pipefail
cd "$(dirname "$0")/.."
language=$1 root=$2
shift 2
mkdir -p "$root/debs" "$root/src"
sources=()
for spec in "$@"; do
  name=${spec%%=*} package=${spec#*=}
  (cd "$root/debs" && ls "$package"_*.deb >/dev/null 2>&1 || apt-get download -q "$package")
  mkdir -p "$root/src/$name"
  dpkg-deb -x "$root/debs/$package"_*.deb "$root/src/$name"
  sources+=(--source "$root/src/$name")
done
leancode-train mine --out "$root/mined" --language "$language" --no-registry-sources --no-stdlib --no-jdk \
  "${sources[@]}" --workers 2
