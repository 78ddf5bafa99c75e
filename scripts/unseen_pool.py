"""Pool the mined functions that data/mined-all (and any KNOWN_DIR) does not hold, as the `valid` split
`leancode-train search-sets` reads.

    python scripts/unseen_pool.py LANGUAGE MINED_DIR POOL_DIR [KNOWN_DIR ...]

Every split of MINED_DIR/LANGUAGE, less the functions whose code data/mined-all/LANGUAGE or KNOWN_DIR/LANGUAGE
holds, goes to POOL_DIR/LANGUAGE/valid.jsonl; data/mined-all's train.jsonl is copied beside it (search-sets reads it).
"""

import json
import sys
from pathlib import Path

language, mined, pool = sys.argv[1], Path(sys.argv[2]) / sys.argv[1], Path(sys.argv[3]) / sys.argv[1]
known_dirs = [Path("data/mined-all"), *map(Path, sys.argv[4:])]
known = {json.loads(line)["code"].strip() for directory in known_dirs for split in ("train", "valid", "test")
         if (directory / language / f"{split}.jsonl").is_file()
         for line in open(directory / language / f"{split}.jsonl")}
rows = [line for split in ("train", "valid", "test") for line in open(mined / f"{split}.jsonl")
        if json.loads(line)["code"].strip() not in known]
pool.mkdir(parents=True, exist_ok=True)
(pool / "valid.jsonl").write_text("".join(rows))
(pool / "train.jsonl").write_text(Path(f"data/mined-all/{language}/train.jsonl").read_text())
print(f"{len(rows)} functions")
