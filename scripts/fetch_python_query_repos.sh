#!/usr/bin/env bash
# The packages bench/queries-python/ asks about: a tuning set of hand-written Python queries over packages whose
# functions carry long docstrings (Google-style Args:/Returns: sections, NumPy-style Parameters/Returns sections),
# for choices about how a docstring is embedded for search. None of them is named by the corpora here
# (../shared/data/corpus/python-packages.txt, training/fetch.py, training/mine.py, scripts/*.sh) nor by
# bench/queries/ or bench/queries-heldout/. Python sources from Debian's python3-* packages (pinned versions).
#   bash scripts/fetch_python_query_repos.sh [OUT]     (default data/query-repos-python; needs apt-get)
set -euo pipefail
here=$(dirname "$(realpath "$0")")
out=$(realpath -m "${1:-data/query-repos-python}")
mkdir -p "$out/debs"
cd "$out/debs"
# shellcheck source=scripts/debian.sh
source "$here/debian.sh"
unpack_debs "$out" \
  python-ubelt=python3-ubelt=1.2.3-2 \
  python-lmfit=python3-lmfit=1.1.0-1 \
  python-boltons=python3-boltons=21.0.0-2 \
  python-transforms3d=python3-transforms3d=0.4+ds-2
rm -rf "$out"/*/usr/share/doc  # changelogs and copyright only
echo "$out: $(ls "$out" | grep -v debs | tr '\n' ' ')"
