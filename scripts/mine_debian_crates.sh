#!/usr/bin/env bash
# Mine the Rust sources of Debian librust-<crate>-dev packages into ROOT/mined (scripts/mine_debian_packages.sh).
# Used by the Rust search-set scripts.
#   bash scripts/mine_debian_crates.sh ROOT CRATE...
set -euo pipefail
cd "$(dirname "$0")/.."
root=$1
shift
specs=()
for crate in "$@"; do
  specs+=("$crate=librust-$crate-dev")
done
bash scripts/mine_debian_packages.sh rust "$root" "${specs[@]}"
