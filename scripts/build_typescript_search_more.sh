#!/usr/bin/env bash
# A second, larger TypeScript validation search set: data/search-sets/valid-ts holds 345 queries of 9 npm packages,
# too few to choose TypeScript's search default on (the choice scored below zero-shot on data/ts-heldout, within
# noise). This mines the other packages of scripts/build_continued_summarizer.sh's TypeScript list (those whose seeded
# split is not "valid": valid-ts holds those), drops functions whose code data/mined-all, data/ts-heldout or
# data/ts-valid-search holds, and builds one search set from them: data/ts-more/search/typescript. No search reader
# was trained on these packages (the summarizer's TypeScript rounds were). Validation only. A few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t packages < <(sed -n '/^typescript=(/,/^)/p' scripts/build_continued_summarizer.sh | sed '1d;$d' | tr ' ' '\n' \
  | grep . | python -c "import sys; from training.mine_source import split_of
print('\n'.join(p for p in sys.stdin.read().split() if split_of(p) != 'valid'))")
npm=()
for package in "${packages[@]}"; do npm+=(--npm-package "$package"); done
root=data/ts-more
leancode-train mine --out "$root/mined" --language typescript "${npm[@]}" --workers 2
python scripts/unseen_pool.py typescript "$root/mined" "$root/pool" data/ts-heldout data/ts-valid-search
leancode-train search-sets --mined "$root/pool" --out "$root/search" --split valid --limit 2000 --language typescript
