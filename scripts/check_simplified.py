"""Independent check of `leancode simplify --input` output against its input, with the tokenizer alone.

    python scripts/check_simplified.py IN.jsonl OUT.jsonl RATIO

Checks per line: tokens reproduce the code without whitespace; kept is an ordered
subsequence; the simplified code holds exactly the kept tokens; model token counts
match the packaged MiniLM tokenizer's count of the texts; the removed model tokens
reach round(RATIO x n) and overshoot by less than the pieces of one removed token.
"""

import json
import re
import sys

from tokenizers import Tokenizer

from leancode.model_tokens import default_model_path


def main(source: str, output: str, ratio: float) -> int:
    tokenizer = Tokenizer.from_file(default_model_path() + "/tokenizer.json")
    tokenizer.no_padding()
    tokenizer.no_truncation()

    def count(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    inputs = {r["idx"]: r for r in map(json.loads, open(source))}
    bad = checked = 0
    for result in map(json.loads, open(output)):
        code, tokens, kept = inputs[result["idx"]]["code"], result["tokens"], result["kept"]
        problems = []
        if "".join(tokens) != re.sub(r"\s+", "", code):
            problems.append("tokens do not reproduce the code")
        if kept != sorted(set(kept)) or not all(0 <= i < len(tokens) for i in kept):
            problems.append("kept is not an ordered subsequence")
        if re.sub(r"\s+", "", result["code"]) != "".join(tokens[i] for i in kept):
            problems.append("simplified code is not the kept tokens")
        before, after = count(code), count(result["code"])
        if (before, after) != (result["model_tokens"], result["model_tokens_kept"]):
            problems.append(f"model tokens {before}->{after}, reported {result['model_tokens']}->"
                            f"{result['model_tokens_kept']}")
        target, removed = round(ratio * before), before - after
        largest = max((count(tokens[i]) for i in set(range(len(tokens))) - set(kept)), default=0)
        if removed < target or removed > target and removed - target >= largest:
            problems.append(f"removed {removed} of {before} model tokens for a target of {target}")
        checked += 1
        if problems:
            bad += 1
            print(result["idx"], "; ".join(problems))
    print(f"{checked} functions checked, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
