#!/usr/bin/env bash
# The packages bench/queries-heldout/ asks about: a second, held-out set of hand-written queries over packages that
# neither bench/queries/ nor any corpus here (training/fetch.py, training/mine.py, scripts/*.sh,
# data/python-packages.txt) names. Python, Go and Rust sources from Debian's python3-* and -dev packages;
# java.nio.file and java.util.zip from Debian's openjdk-17-source (the corpus mined the whole JDK, split by package:
# these two are in its Java test split, never trained on); JavaScript and TypeScript from npm (pinned versions). The
# TypeScript packages keep their .ts sources only (src/), as a checkout of their repository has them.
#   bash scripts/fetch_heldout_query_repos.sh [OUT]     (default data/query-repos-heldout; needs apt-get and npm)
set -euo pipefail
here=$(dirname "$(realpath "$0")")
out=$(realpath -m "${1:-data/query-repos-heldout}")
mkdir -p "$out/debs"
cd "$out/debs"
# shellcheck source=scripts/debian.sh
source "$here/debian.sh"
unpack_debs "$out" \
  python-toolz=python3-toolz=0.12.0-1 \
  python-sortedcontainers=python3-sortedcontainers=2.4.0-2 \
  go-cron=golang-github-robfig-cron-dev=3.0.1-1 \
  go-gjson=golang-github-tidwall-gjson-dev=1.14.4-2 \
  rust-ipnet=librust-ipnet-dev=2.5.0-1 \
  rust-inflector=librust-inflector-dev=0.11.4-1+b1
rm -rf "$out"/*/usr/share/doc  # changelogs and copyright only
jdk=openjdk-17-source=17.0.21.1+2-1~deb12u1
# A mirror keeps only its archive's current JDK source: where the pinned one is gone, that one (java.nio.file and
# java.util.zip change little between updates), said on stderr.
deb "$jdk" || { echo "warning: $jdk is not on this mirror; using its current openjdk-17-source" >&2
                deb openjdk-17-source; }
rm -rf "$out/jdk" && dpkg-deb -x openjdk-17-source_*.deb "$out/jdk"
zip=$(find "$out/jdk" -name src.zip | head -1)
rm -rf "$out/java-nio-file" "$out/java-util-zip" && mkdir -p "$out/java-nio-file" "$out/java-util-zip"
unzip -q "$zip" 'java.base/java/nio/file/*' -d "$out/java-nio-file"
unzip -q "$zip" 'java.base/java/util/zip/*' -d "$out/java-util-zip"
rm -rf "$out/jdk"
npm_package() {  # NAME VERSION DIR
  local tgz
  tgz=$(echo "$1" | sed 's/^@//; s#/#-#')-$2.tgz
  ls "$tgz" >/dev/null 2>&1 || npm pack "$1@$2" --silent >/dev/null
  rm -rf "$out/$3" && mkdir -p "$out/$3" && tar xzf "$tgz" -C "$out/$3"
}
npm_package fast-xml-parser 5.12.1 js-fast-xml-parser
npm_package color 5.0.3 js-color
npm_package @msgpack/msgpack 3.1.3 ts-msgpack
rm -rf "$out/ts-msgpack/package/dist."*
npm_package chevrotain 11.2.0 ts-chevrotain
rm -rf "$out/ts-chevrotain/package/lib"
echo "$out: $(ls "$out" | grep -v debs | tr '\n' ' ')"
