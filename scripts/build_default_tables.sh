#!/usr/bin/env bash
# Rebuilds leancode/tables/: the default importance tables for the packaged all-MiniLM-L6-v2,
# from real code fetched by `leancode-train corpus` (never from the CoSQA sets).
# Usage: scripts/build_default_tables.sh [METHOD]   (default: leancode-pooled)
set -euo pipefail
cd "$(dirname "$0")/.."
method=${1:-leancode-pooled}
leancode-train corpus --out corpus
for language in python java javascript typescript go rust; do
  leancode-train importance --corpus "corpus/$language" --language "$language" --method "$method" \
    --max-functions 1500 --max-length 256 --out "leancode/tables/$language-search"
done
