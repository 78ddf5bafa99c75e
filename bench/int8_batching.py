"""The int8 code model one text per call (served) against length-bucketed batches: encode time of the first 2,000
CoSQA dev functions in full and at LeanCode 0.5 (`encoder_backends.encode_ratio`, fastest of 3), and how far each
batched vector moves from the same text embedded alone. Prints; docs/experiments.md, "Batching the int8 code model".

    python bench/int8_batching.py
"""

import json

from encoder_backends import DATA, encode_ratio
from leancode.encoder import Encoder


def main() -> None:
    items = [(row["code"], row["language"]) for row in map(json.loads, open(DATA / "codebase.jsonl"))][:2000]
    encoder = Encoder()
    runner = encoder.runner("code")
    alone = encoder.configured(method="none").encode_code(items[:300])
    for one_by_one, size in ((True, 1), (False, 4), (False, 8), (False, 16), (True, 1)):
        runner.one_by_one, encoder.batch_size = one_by_one, size
        full, half = encode_ratio(encoder, items)
        cosine = (encoder.configured(method="none").encode_code(items[:300]) * alone).sum(1)
        print(f"{'one by one' if one_by_one else f'batches of {size}'}: full {full:.2f} s, LeanCode 0.5 {half:.2f} s, "
              f"ratio {half / full:.3f}; cosine to alone, min {cosine.min():.6f}", flush=True)


if __name__ == "__main__":
    main()
