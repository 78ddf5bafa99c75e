#!/usr/bin/env bash
# A second Go held-out TEST set: data/mined-all's Go test split comes from a few of the Debian modules the corpus
# mines. This mines 60 Debian golang-*-dev modules that no corpus here lists (training/mine.py GO_MODULES), drops
# functions whose code data/mined-all/go holds, and builds one search set from every split of them (doc-comment first
# sentences as queries): data/go-heldout/search/go. No choice is made on it. A few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
modules=(
  gorilla-handlers fatih-color mattn-go-isatty pelletier-go-toml spf13-afero spf13-cast mitchellh-mapstructure
  hashicorp-golang-lru hashicorp-go-version hashicorp-memberlist hashicorp-raft hashicorp-serf
  hashicorp-go-retryablehttp dustin-go-humanize olekukonko-tablewriter gomodule-redigo boltdb-bolt syndtr-goleveldb
  golang-snappy pierrec-lz4 ulikunitz-xz json-iterator-go tidwall-gjson buger-jsonparser valyala-fasthttp
  labstack-echo go-chi-chi julienschmidt-httprouter gorilla-sessions gorilla-securecookie rs-zerolog go-kit-kit
  robfig-cron jmoiron-sqlx mattn-go-sqlite3 masterminds-semver masterminds-sprig kr-pretty davecgh-go-spew
  sergi-go-diff google-btree emirpasic-gods bits-and-blooms-bitset cespare-xxhash gobwas-glob blang-semver
  coreos-go-semver fsnotify-fsnotify shirou-gopsutil jessevdk-go-flags docopt-docopt-go gdamore-tcell.v2 rivo-tview
  yuin-goldmark russross-blackfriday-v2 alecthomas-chroma microcosm-cc-bluemonday andybalholm-brotli
  go-playground-validator-v10 oklog-ulid
)
specs=()
for module in "${modules[@]}"; do
  specs+=("$module=golang-github-$module-dev")
done
root=data/go-heldout
bash scripts/mine_debian_packages.sh go "$root" "${specs[@]}"
python scripts/unseen_pool.py go "$root/mined" "$root/pool"
leancode-train search-sets --mined "$root/pool" --out "$root/search" --split valid --limit 2000 --language go
