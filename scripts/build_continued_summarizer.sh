#!/usr/bin/env bash
# Continues the multilingual copy summarizer (scripts/build_copy_summarizer.sh) for one round over Python packages
# it never saw plus a replay of the other five languages; SHIP=1 then copies it into leancode/models/code-summarize
# and recalibrates its abstention threshold. ROUND=1 draws 30,000 new-package pairs into runs/c8, ROUND=2 draws
# 40,000 others into runs/c10 (each round's draw is disjoint from the earlier ones'). From 700 packages it did not
# help (docs/experiments.md). ROUND=3 weights TypeScript: it mines 82 npm packages that ship .ts sources (none of
# data/ts-heldout's), writes a TypeScript validation set from their validation split (data/ts-valid) and trains on
# the rest beside 10,000 Python pairs none of rounds 1-2's and a replay; ROUND=4 is the same with 30,000 Python
# pairs; ROUND=5 continues round 4 for two epochs on the TypeScript pairs alone. Rounds 3-5 cost other languages,
# so SHIP=1 makes one of them TypeScript's own model (leancode/models/code-summarize/typescript, which the shipped
# manifest's "routes" names); round 4 is the one shipped (docs/experiments.md). ROUND=6 continues round 2 over
# 20,000 Python pairs none of rounds 1-4's with the function's name masked in 70% of the examples, not 40%. About
# 40 minutes of mining (once), then per round about 12-20 of encoding and 25-60 of training on 2 idle CPU cores
# (round 5: 4 and 14).
set -euo pipefail
cd "$(dirname "$0")/.."
# Each round starts, by default, from the path its recorded command names (leancode-summarizer.json): round 1 from
# leancode/models/code-summarize when it held runs/c3/copy of scripts/build_copy_summarizer.sh (in float16), round 2
# from round 1's runs/c8/copy. To rebuild both from scratch: ROUND=1 INIT=runs/c3/copy, then ROUND=2.
round=${ROUND:-1}
case "$round" in
  1) run=runs/c8 draw=30000 from=leancode/models/code-summarize minutes=40 epochs=1 valid=runs/c3/mix-valid.jsonl mask=0.4 ;;
  2) run=runs/c10 draw=40000 from=runs/c8/copy minutes=50 epochs=1 valid=runs/c3/mix-valid.jsonl mask=0.4 ;;
  3) run=runs/c11 draw=10000 from=runs/c10/copy minutes=40 epochs=1 valid=runs/c3/mix-valid.jsonl mask=0.4 ;;
  4) run=runs/c12 draw=30000 from=runs/c10/copy minutes=60 epochs=1 valid=runs/c3/mix-valid.jsonl mask=0.4 ;;
  5) run=runs/c13 draw=0 from=runs/c12/copy minutes=40 epochs=2 valid=data/ts-valid/typescript/valid.jsonl mask=0.4 ;;
  6) run=runs/c14 draw=20000 from=runs/c10/copy minutes=40 epochs=1 valid=runs/c3/mix-valid.jsonl mask=0.7 ;;
  *) echo "ROUND must be 1 to 6" >&2; exit 2 ;;
esac
init=${INIT:-$from}
packages=${PACKAGES:-2993}  # listed PyPI packages mined; the first 224 are data/mined-all's
# 1. Python pairs from more listed packages; the split is a hash of the package name, so every package keeps
#    its data/mined-all split. Every package mined before (here or in data/mined-all) is read from the cache,
#    so a rerun, or one after a smaller PACKAGES, mines only what is new.
mkdir -p data/mined-py3k/.work/cache data/mined-py3k/.work/sources
cp -rn data/mined-all/.work/cache/python data/mined-py3k/.work/cache/
if [ "$round" != 5 ]; then
  leancode-train mine --out data/mined-py3k --language python --max-packages "$packages" --workers 2
fi
# TypeScript for rounds 3-5: npm packages whose tarball ships .ts sources (checked with npm pack --dry-run),
# none of training/mine.py's lists or of scripts/build_typescript_heldout.sh's; the split is by package as everywhere.
typescript=(
  viem @anthropic-ai/sdk @tiptap/core @blocknote/core @azure/msal-browser openai ai @tldraw/editor msw ethers mongodb
  @ai-sdk/provider-utils @mswjs/interceptors @tldraw/tlschema @tldraw/utils @ai-sdk/openai @pothos/core nexus
  @tldraw/store web-vitals graphql-request @microsoft/signalr bson @milkdown/prose @js-temporal/polyfill @noble/curves
  @noble/hashes @milkdown/core true-myth prosemirror-model prosemirror-view prosemirror-transform @noble/ciphers
  prosemirror-state ox maplibre-gl @antv/g2 fabric @antv/x6 rxdb convex @antv/g6 onnxruntime-web vega-lite @wagmi/core
  puppeteer-core @grpc/grpc-js apache-arrow planck @hookform/resolvers @auth/core @azure/msal-common @deck.gl/core
  zrender next-auth @huggingface/inference @builder.io/qwik @azure/msal-node @loopback/repository @luma.gl/core
  @loopback/rest @loaders.gl/core @dimforge/rapier2d telegraf abitype @ethereumjs/tx @loopback/context
  @ethereumjs/util @math.gl/core @supabase/auth-js parchment @supabase/storage-js @supabase/postgrest-js
  @ethersproject/abi @supabase/realtime-js @supabase/supabase-js @editorjs/editorjs @loopback/core @lexical/utils
  @feathersjs/feathers @googlemaps/js-api-loader @supabase/functions-js
)
typescript_round=$(( round >= 3 && round <= 5 ))
if [ "$typescript_round" = 1 ]; then  # from the cache when mined before
  npm=()
  for package in "${typescript[@]}"; do npm+=(--npm-package "$package"); done
  leancode-train mine --out data/mined-ts-more --language typescript "${npm[@]}" --workers 2
fi
# 2. Python training pairs from packages data/mined-all does not hold (round 2's are none of round 1's), and a replay
#    of 12,000 pairs of the other languages (their proportions in the first model's mix), shuffled.
mkdir -p "$run"
ROUND=$round RUN=$run DRAW=$draw python - <<'PY'
import json
import os
import random
from pathlib import Path


def typescript_rows(seed: int, per_package: int = 300) -> list[str]:
    """data/mined-ts-more's train and test splits (at most `per_package` pairs of a package) as training lines,
    after writing its valid split with data/mined-all's as data/ts-valid; no pair whose code or (name, summary)
    data/ts-heldout or the validation set holds."""
    def load(path):
        return [json.loads(line) for line in open(path)]
    valid = load("data/mined-all/typescript/valid.jsonl") + load("data/mined-ts-more/typescript/valid.jsonl")
    out = Path("data/ts-valid/typescript")
    out.mkdir(parents=True, exist_ok=True)
    (out / "valid.jsonl").write_text("".join(json.dumps(row) + "\n" for row in valid))
    (out / "train.jsonl").write_text(Path("data/mined-all/typescript/train.jsonl").read_text())
    held = valid + load("data/ts-heldout/typescript/test.jsonl")
    seen_code = {row["code"].strip() for row in held}
    seen_pair = {(row["name"], row["summary"].lower()) for row in held}
    by_package = {}
    for split in ("train", "test"):
        for row in load(f"data/mined-ts-more/typescript/{split}.jsonl"):
            if row["code"].strip() not in seen_code and (row["name"], row["summary"].lower()) not in seen_pair:
                by_package.setdefault(row["package"], []).append(json.dumps(row) + "\n")
    rows = [line for package in sorted(by_package) for line in
            random.Random(seed).sample(by_package[package], min(per_package, len(by_package[package])))]
    print(f"{len(rows):,} TypeScript training pairs from {len(by_package)} packages; {len(valid)} to validate")
    return rows


known = {json.loads(line)["package"] for split in ("train", "valid", "test")
         for line in open(f"data/mined-all/python/{split}.jsonl")}
new = [line for line in open("data/mined-py3k/python/train.jsonl") if json.loads(line)["package"] not in known]
round_one = random.Random(8).sample(new, 30000)
if os.environ["ROUND"] == "1":
    rows, seed = round_one, 8
else:
    drawn = set(round_one)
    round_two = random.Random(10).sample([row for row in new if row not in drawn], 40000)
    rows, seed = round_two, 10
if os.environ["ROUND"] == "5":  # TypeScript alone: the new pairs and TypeScript's first set
    rows, seed, replay = typescript_rows(13) + open("data/mined-all/typescript/train.jsonl").readlines(), 13, ()
elif os.environ["ROUND"] == "6":  # none of rounds 1-4's Python pairs, rounds 1-2's replay
    drawn |= set(round_two)
    rest = [row for row in new if row not in drawn]
    for earlier, size in ((11, 10000), (12, 30000)):  # rounds 3 and 4
        drawn |= set(random.Random(earlier).sample(rest, size))
    seed = 14
    rows = random.Random(seed).sample([row for row in new if row not in drawn], int(os.environ["DRAW"]))
    replay = (("java", 4000), ("go", 2500), ("javascript", 2500), ("rust", 2000), ("typescript", 1000))
elif os.environ["ROUND"] in ("3", "4"):  # none of rounds 1-2's; new TypeScript pairs, TypeScript's first set twice
    drawn |= set(round_two)
    seed = 8 + int(os.environ["ROUND"])
    rows = random.Random(seed).sample([row for row in new if row not in drawn], int(os.environ["DRAW"]))
    rows += typescript_rows(seed) + open("data/mined-all/typescript/train.jsonl").readlines() * 2
    replay = (("java", 3000), ("go", 2000), ("javascript", 2000), ("rust", 1500))
else:
    replay = (("java", 4000), ("go", 2500), ("javascript", 2500), ("rust", 2000), ("typescript", 1000))
for language, n in replay:
    pool = open(f"data/mined-all/{language}/train.jsonl").readlines()
    rows += random.Random(seed).sample(pool, min(n, len(pool)))
random.Random(seed + 1).shuffle(rows)
open(f"{os.environ['RUN']}/mix-train.jsonl", "w").writelines(rows)
print(f"{len(new):,} training pairs from new packages; {len(rows):,} in the mix")
PY
# 3. One epoch (round 5: two) at a lower learning rate than the first (stopped after $minutes minutes if not ended);
#    the function's name reads [MASK] in a share of the examples ($mask: round 6 more, to make it read the body).
leancode-train finetune summarize --init "$init" --data "$run/mix-train.jsonl" --valid "$valid" \
  --out "$run/copy" --work "$run/copy.work" --ratio 0 --ratio 0.5 --mask-names "$mask" --epochs "$epochs" \
  --batch-size 32 --lr 2e-4 --tune-top-layers 1 --encoder-lr 5e-5 --save-every 100 --time-limit "$minutes" --seed 3
# 4. Shipped, with its abstention threshold from validation (BENCHMARKS.md, "Summaries: abstention").
if [ "${SHIP:-0}" = 1 ]; then
  shipped=leancode/models/code-summarize
  if [ "$typescript_round" = 1 ]; then  # TypeScript's own model; one threshold over both models' lines
    mkdir -p "$shipped/typescript"
    cp "$run"/copy/* "$shipped/typescript/"
    python -c 'import json, sys; p = sys.argv[1]; m = json.load(open(p)); m["routes"] = {"typescript": "typescript"}
open(p, "w").write(json.dumps(m, indent=2, sort_keys=True) + "\n")' "$shipped/leancode-summarizer.json"
  else
    cp "$run"/copy/* "$shipped/"
  fi
  leancode-train calibrate summarize --data runs/c3/calib-valid.jsonl --model "$shipped" \
    --report "$run/calibration.json"
fi
