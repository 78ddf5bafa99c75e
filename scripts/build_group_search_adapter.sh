#!/usr/bin/env bash
# Rebuilds the second search adapter, leancode/models/code-search/multilingual: the shipped (Python-trained)
# adapter continued on code of all six languages, objective `distill`. It reads Java, JavaScript, Go and Rust
# better than the shipped adapter but lowers CoSQA's real queries, so `leancode-train search-defaults` chooses,
# per language, which of the two adapters (or their base) reads it (docs/experiments.md, BENCHMARKS.md).
# Needs data/mined-all (README, "Data") and the train extra. One epoch over 9,000 functions: about 35 minutes
# on 2 CPU cores.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${RUN:-runs/group-search}
mkdir -p "$run"
# 3,000 Python, 3,500 each of Java, JavaScript, Go and Rust, every TypeScript function; 100 validation functions
# a language; each draw seeded, the mix shuffled.
RUN="$run" python - <<'PY'
import os, random
run = os.environ["RUN"]
counts = {"python": 3000, "java": 3500, "javascript": 3500, "go": 3500, "rust": 3500, "typescript": None}
for split, take in (("train", counts), ("valid", dict.fromkeys(counts, 100))):
    rows = []
    for language, n in take.items():
        lines = open(f"data/mined-all/{language}/{split}.jsonl").readlines()
        rows += lines if n is None or n >= len(lines) else random.Random(6).sample(lines, n)
    random.Random(6).shuffle(rows)
    open(f"{run}/mix-{split}.jsonl", "w").writelines(rows)
    print(split, len(rows))
PY
leancode-train finetune search --objective distill --init leancode/models/code-search \
  --data "$run/mix-train.jsonl" --valid "$run/mix-valid.jsonl" --valid-examples 600 --max-examples 9000 \
  --epochs 1 --out "$run/search" --ratio 0 --ratio 0.1 --ratio 0.2 --ratio 0.3 --ratio 0.4 --ratio 0.5 \
  --batch-size 32 --lr 1e-4 --seed 0 --recipe scripts/build_group_search_adapter.sh
