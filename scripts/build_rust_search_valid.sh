#!/usr/bin/env bash
# A second, larger Rust validation search set: data/mined-all's Rust validation split holds 248 queries of 7 crates,
# too few to tell two importance tables apart. This mines 42 further Debian librust-<crate>-dev crates that no corpus
# here lists (training/fetch.py RUST_CRATES, training/mine.py MORE_RUST_CRATES), drops functions whose code
# data/mined-all/rust holds, and builds one search set from every split of them (doc-comment first sentences as
# queries, as everywhere): data/rust-more/search/rust, 1,118 queries over 1,388 functions of 39 crates (2026-12-02).
# Validation only: BENCHMARKS.md's Rust importance table was chosen on it. About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
crates=(
  bincode byteorder colored console crossbeam-deque crossbeam-epoch dashmap dirs encoding-rs fastrand filetime futures
  getrandom hex humantime indicatif lru memmap2 mime miniz-oxide num-integer ordered-float phf proptest quick-xml
  rand-chacha ring rustix same-file scopeguard serde-bytes sharded-slab shlex slab socket2 strum tar tinyvec unicase
  unicode-normalization which xml-rs zeroize
)
root=data/rust-more
bash scripts/mine_debian_crates.sh "$root" "${crates[@]}"
python scripts/unseen_pool.py rust "$root/mined" "$root/pool"
leancode-train search-sets --mined "$root/pool" --out "$root/search" --split valid --limit 2000 --language rust
