#!/usr/bin/env bash
# TypeScript's validation search set (data/search-sets/valid-ts), which the search defaults are chosen on: the npm
# packages of scripts/build_continued_summarizer.sh's TypeScript rounds (none of data/ts-heldout's) whose seeded
# split is "valid", mined, joined with data/mined-all's TypeScript validation split, less any package of the
# TypeScript test set (data/mined-all's valid+test splits). Only the valid-split packages are mined: a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t packages < <(sed -n '/^typescript=(/,/^)/p' scripts/build_continued_summarizer.sh | sed '1d;$d' | tr ' ' '\n' \
  | grep . | python -c "import sys; from leancode.training.mine_source import split_of
print('\n'.join(p for p in sys.stdin.read().split() if split_of(p) == 'valid'))")
npm=()
for package in "${packages[@]}"; do npm+=(--npm-package "$package"); done
leancode-train mine --out data/mined-ts-more --language typescript "${npm[@]}" --workers 2
mkdir -p data/ts-valid-search/typescript
python - <<'PY'
import json
rows = lambda path: [json.loads(line) for line in open(path)]
held = {row["package"] for split in ("valid", "test") for row in rows(f"data/mined-all/typescript/{split}.jsonl")}
valid = rows("data/mined-all/typescript/valid.jsonl") + rows("data/mined-ts-more/typescript/valid.jsonl")
with open("data/ts-valid-search/typescript/valid.jsonl", "w") as out:
    out.writelines(json.dumps(row) + "\n" for row in valid if row["package"] not in held)
PY
leancode-train search-sets --mined data/ts-valid-search --out data/search-sets/valid-ts --split valid --limit 1000 \
  --language typescript
