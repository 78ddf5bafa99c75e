#!/usr/bin/env bash
# Continues the multilingual copy summarizer (scripts/build_copy_summarizer.sh) for one round over Python packages
# it never saw plus a replay of the other five languages; SHIP=1 then copies it into leancode/models/code-summarize
# and recalibrates its abstention threshold. ROUND=1 draws 30,000 new-package pairs into runs/c8, ROUND=2 draws
# 40,000 others into runs/c10 (each round's draw is disjoint from the earlier ones'). From 700 packages it did not
# help (docs/experiments.md). About 40 minutes of mining (once), then per round about 20 of encoding and 32-45 of
# training on 2 idle CPU cores.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each round starts, by default, from the path its recorded command names (leancode-summarizer.json): round 1 from
# leancode/models/code-summarize when it held runs/c3/copy of scripts/build_copy_summarizer.sh (in float16), round 2
# from round 1's runs/c8/copy. To rebuild both from scratch: ROUND=1 INIT=runs/c3/copy, then ROUND=2.
round=${ROUND:-1}
case "$round" in
  1) run=runs/c8 draw=30000 from=leancode/models/code-summarize minutes=40 ;;
  2) run=runs/c10 draw=40000 from=runs/c8/copy minutes=50 ;;
  *) echo "ROUND must be 1 or 2" >&2; exit 2 ;;
esac
init=${INIT:-$from}
packages=${PACKAGES:-2993}  # listed PyPI packages mined; the first 224 are data/mined-all's
# 1. Python pairs from more listed packages; the split is a hash of the package name, so every package keeps
#    its data/mined-all split. Every package mined before (here or in data/mined-all) is read from the cache,
#    so a rerun, or one after a smaller PACKAGES, mines only what is new.
mkdir -p data/mined-py3k/.work/cache data/mined-py3k/.work/sources
cp -rn data/mined-all/.work/cache/python data/mined-py3k/.work/cache/
leancode-train mine --out data/mined-py3k --language python --max-packages "$packages" --workers 2
# 2. Python training pairs from packages data/mined-all does not hold (round 2's are none of round 1's), and a replay
#    of 12,000 pairs of the other languages (their proportions in the first model's mix), shuffled.
mkdir -p "$run"
ROUND=$round RUN=$run DRAW=$draw python - <<'PY'
import json
import os
import random

known = {json.loads(line)["package"] for split in ("train", "valid", "test")
         for line in open(f"data/mined-all/python/{split}.jsonl")}
new = [line for line in open("data/mined-py3k/python/train.jsonl") if json.loads(line)["package"] not in known]
round_one = random.Random(8).sample(new, 30000)
if os.environ["ROUND"] == "1":
    rows, seed = round_one, 8
else:
    drawn = set(round_one)
    rows, seed = random.Random(10).sample([row for row in new if row not in drawn], int(os.environ["DRAW"])), 10
for language, n in (("java", 4000), ("go", 2500), ("javascript", 2500), ("rust", 2000), ("typescript", 1000)):
    pool = open(f"data/mined-all/{language}/train.jsonl").readlines()
    rows += random.Random(seed).sample(pool, min(n, len(pool)))
random.Random(seed + 1).shuffle(rows)
open(f"{os.environ['RUN']}/mix-train.jsonl", "w").writelines(rows)
print(f"{len(new):,} training pairs from new packages; {len(rows):,} in the mix")
PY
# 3. One epoch at a lower learning rate than the first (stopped after $minutes minutes of training if not ended).
leancode-train finetune summarize --init "$init" --data "$run/mix-train.jsonl" --valid runs/c3/mix-valid.jsonl \
  --out "$run/copy" --work "$run/copy.work" --ratio 0 --ratio 0.5 --mask-names 0.4 --epochs 1 --batch-size 32 \
  --lr 2e-4 --tune-top-layers 1 --encoder-lr 5e-5 --save-every 100 --time-limit "$minutes" --seed 3
# 4. Shipped, with its abstention threshold from validation (BENCHMARKS.md, "Summaries: abstention").
if [ "${SHIP:-0}" = 1 ]; then
  cp "$run"/copy/* leancode/models/code-summarize/
  leancode-train calibrate summarize --data runs/c3/calib-valid.jsonl --model leancode/models/code-summarize \
    --report "$run/calibration.json"
fi
