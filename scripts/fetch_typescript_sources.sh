#!/usr/bin/env bash
# The TypeScript sources some npm packages ship (their tarballs, unpacked, nothing installed): where
# `python bench/typescript_syntax.py` counts the files the grammar still cannot read.
#   bash scripts/fetch_typescript_sources.sh [OUT]   (default data/typescript-sources; needs npm and its registry)
set -euo pipefail
out=$(realpath -m "${1:-data/typescript-sources}")
mkdir -p "$out"
for spec in rxjs@7.8.2 zod@3.25.76 @trpc/server@11.25.2 immer@11.2.14 mobx@7.1.3 msw@2.15.0 \
            @tanstack/query-core@5.108.4 @tanstack/router-core@1.171.39 @tanstack/virtual-core@3.19.13 effect@4.1.5; do
  dir="$out/$(echo "${spec%@*}" | sed 's/^@//; s#/#-#')"
  rm -rf "$dir" && mkdir -p "$dir"
  tgz=$(cd "$dir" && npm pack "$spec" --silent)
  tar xzf "$dir/$tgz" -C "$dir" && rm "$dir/$tgz"
done
