#!/usr/bin/env bash
# A larger held-out TypeScript set for summaries and search: data/mined-all's TypeScript test split comes from 2 packages (16
# functions), too few to judge. This mines npm packages that ship their .ts sources and that no corpus here lists
# (training/mine.py's TS_PACKAGES and MORE_TS_PACKAGES), drops pairs whose code or (name, summary) also occurs in
# data/mined-all/typescript, and writes every remaining pair to data/ts-heldout/typescript/test.jsonl; its
# train.jsonl is data/mined-all's (the constant-sentence baseline is the commonest training summary). A few minutes.
# The search set from the same functions (docstring first sentences as queries): data/ts-heldout/search/typescript.
#   python bench/summarize_languages.py --data-dir data/ts-heldout --split test --language typescript --limit 300
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(
  @effect/platform @effect/platform-node @effect/cli @effect/typeclass @effect/cluster @effect/opentelemetry
  @effect/experimental @effect/printer @effect/sql @effect/rpc @effect/ai @effect/workflow
  @trpc/client @trpc/react-query @trpc/next
  @tanstack/react-query @tanstack/vue-query @tanstack/solid-query @tanstack/svelte-query
  @tanstack/angular-query-experimental @tanstack/db @tanstack/react-router @tanstack/query-persist-client-core
  ajv ajv-formats
)
npm=()
for package in "${packages[@]}"; do npm+=(--npm-package "$package"); done
leancode-train mine --out data/ts-heldout/.work/mined --language typescript "${npm[@]}" --workers 2
python - <<'PY'
import json
from pathlib import Path

known = [json.loads(line) for split in ("train", "valid", "test")
         for line in open(f"data/mined-all/typescript/{split}.jsonl")]
seen_code = {row["code"].strip() for row in known}
seen_pair = {(row["name"], row["summary"].lower()) for row in known}
rows = [json.loads(line) for split in ("train", "valid", "test")
        for line in open(f"data/ts-heldout/.work/mined/typescript/{split}.jsonl")]
kept = [row for row in rows if row["code"].strip() not in seen_code
        and (row["name"], row["summary"].lower()) not in seen_pair]
out = Path("data/ts-heldout/typescript")
out.mkdir(parents=True, exist_ok=True)
(out / "test.jsonl").write_text("".join(json.dumps(row) + "\n" for row in kept))
(out / "train.jsonl").write_text(Path("data/mined-all/typescript/train.jsonl").read_text())
packages = sorted({row["package"] for row in kept})
print(f"{len(rows):,} pairs mined, {len(kept):,} kept from {len(packages)} packages: {', '.join(packages)}")
PY
leancode-train search-sets --mined data/ts-heldout --out data/ts-heldout/search --split test --limit 2000 \
  --language typescript
