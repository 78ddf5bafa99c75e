#!/usr/bin/env bash
# What scripts/build_standard_docs.py reads (Debian's rust-src, golang-1.19-src and openjdk-17-source) and the code
# bench/inherited_docs.py counts (four Rust crates and javac's sources), pinned versions.
#   bash scripts/fetch_standard_sources.sh [OUT]      (default data/standard-sources; needs apt-get; a minute)
set -euo pipefail
here=$(dirname "$(realpath "$0")")
out=$(realpath -m "${1:-data/standard-sources}")
mkdir -p "$out/debs"
cd "$out/debs"
# shellcheck source=scripts/debian.sh
source "$here/debian.sh"
unpack_debs "$out" \
  rust-src=rust-src=1.63.0+dfsg1-2 \
  itertools=librust-itertools-dev=0.10.3-1 \
  regex-syntax=librust-regex-syntax-dev=0.6.27-1 \
  serde_json=librust-serde-json-dev=1.0.87-1 \
  clap=librust-clap-dev=4.0.32-1 \
  go-src=golang-1.19-src=1.19.8-2
deb openjdk-17-source
rm -rf "$out/jdk" && mkdir -p "$out/jdk" && dpkg-deb -x openjdk-17-source_*.deb "$out/jdk-deb"
cp "$(find "$out/jdk-deb" -name src.zip | head -1)" "$out/jdk/src.zip" && rm -rf "$out/jdk-deb"
rm -rf "$out/jdk.compiler" && unzip -q "$out/jdk/src.zip" 'jdk.compiler/*' -d "$out/jdk.compiler"
echo "$out: $(ls "$out" | grep -v debs | tr '\n' ' ')"
