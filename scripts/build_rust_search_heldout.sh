#!/usr/bin/env bash
# A Rust held-out TEST set: data/mined-all's Rust test split holds 8 crates. This mines Debian librust-<crate>-dev
# crates that neither a corpus here (training/fetch.py RUST_CRATES, training/mine.py MORE_RUST_CRATES) nor the
# validation set of scripts/build_rust_search_valid.sh lists, drops functions whose code data/mined-all or
# data/rust-more holds, and builds one search set from every split of them (doc-comment first sentences as
# queries): data/rust-heldout/search/rust. No choice is made on it. Needs data/mined-all and data/rust-more (run the
# validation script first). A few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
crates=(
  num-complex num-rational approx half itoa ryu sha1 md5 hmac blake3 crc32fast adler snap zstd bzip2 xz2 rusqlite
  serde-cbor rmp-serde ron quick-error snafu ansi-term yansi fancy-regex globwalk notify signal-hook ctrlc crossterm
  termion rustyline clap-complete structopt dialoguer plotters gif png jpeg-decoder tiff rgb euclid kurbo ttf-parser
  unicode-bidi idna httparse http-body ureq async-std smol async-io polling event-listener concurrent-queue flume
  crossbeam-queue thread-local threadpool num-cpus sysinfo errno memoffset slotmap similar dissimilar fixedbitset
  bit-set
)
root=data/rust-heldout
bash scripts/mine_debian_crates.sh "$root" "${crates[@]}"
python scripts/unseen_pool.py rust "$root/mined" "$root/pool" data/rust-more/mined
leancode-train search-sets --mined "$root/pool" --out "$root/search" --split valid --limit 2000 --language rust
