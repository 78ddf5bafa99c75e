#!/usr/bin/env bash
# Continues the multilingual copy summarizer (scripts/build_copy_summarizer.sh) for one epoch over Python packages
# it never saw plus a replay of the other five languages; SHIP=1 then copies it into leancode/models/code-summarize
# and recalibrates its abstention threshold. The shipped model is this script's run with its defaults (the whole
# package list); from 700 packages it did not help (docs/experiments.md). About 40 minutes of mining, 17 of encoding
# and 32 of training on 2 idle CPU cores.
set -euo pipefail
cd "$(dirname "$0")/.."
# The shipped model was continued from the one shipped before it, runs/c3/copy of scripts/build_copy_summarizer.sh
# (in float16, as it shipped): to rebuild it, INIT=runs/c3/copy; the default continues whatever ships now.
init=${INIT:-leancode/models/code-summarize}
packages=${PACKAGES:-2993}  # listed PyPI packages mined; the first 224 are data/mined-all's
# 1. Python pairs from more listed packages; the split is a hash of the package name, so every package keeps
#    its data/mined-all split. Every package mined before (here or in data/mined-all) is read from the cache,
#    so a rerun, or one after a smaller PACKAGES, mines only what is new.
mkdir -p data/mined-py3k/.work/cache data/mined-py3k/.work/sources
cp -rn data/mined-all/.work/cache/python data/mined-py3k/.work/cache/
leancode-train mine --out data/mined-py3k --language python --max-packages "$packages" --workers 2
# 2. 30,000 Python training pairs from packages data/mined-all does not hold, and a replay of 12,000 pairs of the
#    other languages (their proportions in the first model's mix), shuffled.
mkdir -p runs/c8
python - <<'PY'
import json
import random

known = {json.loads(line)["package"] for split in ("train", "valid", "test")
         for line in open(f"data/mined-all/python/{split}.jsonl")}
new = [line for line in open("data/mined-py3k/python/train.jsonl") if json.loads(line)["package"] not in known]
rows = random.Random(8).sample(new, 30000)
for language, n in (("java", 4000), ("go", 2500), ("javascript", 2500), ("rust", 2000), ("typescript", 1000)):
    pool = open(f"data/mined-all/{language}/train.jsonl").readlines()
    rows += random.Random(8).sample(pool, min(n, len(pool)))
random.Random(9).shuffle(rows)
open("runs/c8/mix-train.jsonl", "w").writelines(rows)
print(f"{len(new):,} training pairs from new packages; {len(rows):,} in the mix")
PY
# 3. One epoch at a lower learning rate than the first (stopped after 40 minutes of training if not ended).
leancode-train finetune summarize --init "$init" --data runs/c8/mix-train.jsonl --valid runs/c3/mix-valid.jsonl \
  --out runs/c8/copy --work runs/c8/copy.work --ratio 0 --ratio 0.5 --mask-names 0.4 --epochs 1 --batch-size 32 \
  --lr 2e-4 --tune-top-layers 1 --encoder-lr 5e-5 --save-every 100 --time-limit 40 --seed 3
# 4. Shipped, with its abstention threshold from validation (BENCHMARKS.md, "Summaries: abstention").
if [ "${SHIP:-0}" = 1 ]; then
  cp runs/c8/copy/* leancode/models/code-summarize/
  leancode-train calibrate summarize --data runs/c3/calib-valid.jsonl --model leancode/models/code-summarize \
    --report runs/c8/calibration.json
fi
