#!/usr/bin/env bash
# Rebuilds leancode/tables/*-search (and Go's, Java's and Rust's *-summarize): the default importance tables for
# the packaged all-MiniLM-L6-v2, from real code fetched by `leancode-train corpus` (never from the CoSQA sets).
# Go, Java and Rust search read query-alignment tables (leancode-query) built from mined training functions with
# their docstrings (data/mined-all, README "Data"); their summaries keep the attention tables built here from the
# corpus. Python's summary table comes from the summarizer's cross-attention (its manifest has the command).
# Usage: scripts/build_default_tables.sh [METHOD]   (the attention method; default: leancode-pooled)
set -euo pipefail
cd "$(dirname "$0")/.."
method=${1:-leancode-pooled}
leancode-train corpus --out corpus
for language in python java javascript typescript go rust; do
  out="leancode/tables/$language-search"
  case $language in go|java|rust) out="leancode/tables/$language-summarize";; esac
  flags=()  # JavaScript's and TypeScript's search tables: BENCHMARKS.md, "Statements that may vanish"
  case $language in javascript|typescript) flags=(--no-keep-statements);; esac
  leancode-train importance --corpus "corpus/$language" --language "$language" --method "$method" \
    --max-functions 1500 --max-length 256 --out "$out" "${flags[@]}"
done
for language in go java rust; do
  flags=()
  case $language in
    go) flags=(--header-last);;  # measured: BENCHMARKS.md, "Go: the header last"
    java|rust) flags=(--no-keep-statements);;  # BENCHMARKS.md, "Statements that may vanish"
  esac
  leancode-train importance --corpus "data/mined-all/$language/train.jsonl" --language "$language" \
    --method leancode-query --max-functions 1500 --max-length 256 --out "leancode/tables/$language-search" \
    "${flags[@]}"
done
