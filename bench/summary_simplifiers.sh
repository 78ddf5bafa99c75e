#!/usr/bin/env bash
# Simplifiers at half the model tokens, the shipped summarizer, every language's validation split (a seeded sample:
# Python 1,000, others 500 or all): LeanCode (shipped tables), LeanCode with a table from the shipped summarizer's
# own cross-attention, SlimCode, DietCode, truncation, full code; then the paired bootstrap against LeanCode.
# Needs data/mined-all (scripts/build_copy_summarizer.sh, step 1). About 40 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-runs/summary-simplifiers}
mkdir -p "$out/valid"
python - "$out" <<'PY'
import random, sys
for lang, n in dict(python=1000, java=500, go=500, javascript=500, rust=346, typescript=94).items():
    rows = open(f"data/mined-all/{lang}/valid.jsonl").readlines()
    pick = sorted(random.Random(11).sample(range(len(rows)), min(n, len(rows))))
    open(f"{sys.argv[1]}/valid/{lang}.jsonl", "w").writelines(rows[i] for i in pick)
PY
for l in python java go javascript rust typescript; do
  d=$out/$l; mkdir -p "$d"
  [ -f "$out/tables/$l-summarize/manifest.json" ] || leancode-train importance --model leancode/models/code-summarize \
    --corpus data/mined-all/$l/train.jsonl --language $l --method leancode-cross --max-functions 1500 --max-length 256 \
    --out "$out/tables/$l-summarize"
  run() { name=$1; shift; [ -f "$d/$name.json" ] || leancode-train eval summarize --data "$out/valid/$l.jsonl" \
    --output "$d/$name.txt" --report "$d/$name.json" "$@"; }
  run none --method none --ratio 0
  run leancode --method leancode --ratio 0.5
  run leancode-own-table --method leancode --ratio 0.5 --table "$out/tables/$l-summarize"
  run slimcode --method slimcode --ratio 0.5
  run dietcode --method dietcode --ratio 0.5
  run truncate --method truncate --ratio 0.5
  python bench/summary_compare.py --data "$out/valid/$l.jsonl" --reference leancode="$d/leancode" --no-write \
    $(for m in none leancode-own-table slimcode dietcode truncate; do echo --other $m="$d/$m"; done)
done
