#!/usr/bin/env bash
# Projects built on frameworks, with their dependencies installed beside them as a developer's checkout has them: what
# the hover says of code that overrides and implements the frameworks' types (bench/summary_sources.py
# --across-files). Python: each package's own modules (from its wheel) in a git folder with a .venv holding it and its
# pinned dependencies. No query set or earlier QA here names them; several Python ones are in the list the
# summary corpus was mined from (../shared/data/corpus/python-packages.txt), which only the summary bank's lines depend on.
# SET: `dev`, the projects the hover's lookups were fixed on (default), or `heldout`, others looked at once;
# `augmenting`: TipTap extensions, whose commands are documented where the file augments @tiptap/core's `Commands`
# (held out for that rule, fixed on @tiptap/core of `dev`).
#   bash scripts/fetch_app_projects.sh [OUT] [SET]   (default data/app-projects dev; needs pip, npm and their registries)
set -euo pipefail
out=$(realpath -m "${1:-data/app-projects}")
set_name=${2:-dev}
mkdir -p "$out"
python_project() {  # NAME==VERSION MODULE [MORE PACKAGES]
  local spec=$1 module=$2 dir
  dir="$out/python-${spec%%==*}"
  shift 2
  rm -rf "$dir" && mkdir -p "$dir" && git -C "$dir" init -q
  python3 -m venv "$dir/.venv"
  "$dir/.venv/bin/pip" install -q --disable-pip-version-check "$spec" "$@"
  cp -r "$(echo "$dir"/.venv/lib/python3*/site-packages/"$module")" "$dir/$module"
  find "$dir/$module" -name __pycache__ -prune -exec rm -rf {} +
}
# JavaScript and TypeScript: each package's src/ and package.json from npm, its dependencies installed with npm (its
# devDependencies left out: they pull whole build toolchains; the versions npm resolves are kept in package-lock.json),
# with the @types packages its code imports from.
npm_project() {  # NAME@VERSION [MORE PACKAGES]
  local spec=$1 dir tgz
  dir="$out/js-$(echo "${spec%@*}" | sed 's/^@//; s#/#-#')"
  shift
  rm -rf "$dir" && mkdir -p "$dir/package"
  tgz=$(cd "$dir" && npm pack "$spec" --silent)
  tar xzf "$dir/$tgz" -C "$dir" && rm "$dir/$tgz"
  mv "$dir/package/src" "$dir/package/package.json" "$dir/" && rm -rf "$dir/package"
  git -C "$dir" init -q
  (cd "$dir" && npm pkg delete devDependencies scripts && npm install --ignore-scripts --no-audit --no-fund \
    --loglevel=error "$@" >/dev/null)
}
if [ "$set_name" = dev ]; then
python_project django-filter==25.2 django_filters djangorestframework==3.16.1 Django==5.2.8
python_project djangorestframework-simplejwt==5.5.1 rest_framework_simplejwt djangorestframework==3.16.1 Django==5.2.8
python_project dj-rest-auth==7.0.1 dj_rest_auth djangorestframework==3.16.1 Django==5.2.8 django-allauth==65.12.1
python_project django-crispy-forms==2.4 crispy_forms Django==5.2.8
python_project typer==0.16.0 typer click==8.2.1
npm_project @blueprintjs/core@6.20.0 @types/react@18 @types/react-dom@18
npm_project @tiptap/react@3.35.0 react@18 react-dom@18 @types/react@18 @types/react-dom@18
npm_project @tiptap/core@3.35.0
npm_project vscode-ws-jsonrpc@3.5.0
npm_project react-native-svg@15.16.1 @types/react@19
elif [ "$set_name" = augmenting ]; then
for extension in table link text-align highlight list collaboration image mention; do
  npm_project "@tiptap/extension-$extension@3.35.0"
done
else
python_project django-storages==1.14.6 storages Django==5.2.8
python_project drf-spectacular==0.28.0 drf_spectacular djangorestframework==3.16.1 Django==5.2.8
python_project rich-click==1.8.9 rich_click click==8.2.1
python_project scrapy-redis==0.9.1 scrapy_redis Scrapy==2.13.3
npm_project @tanstack/react-query@5.108.4 @types/react@19
npm_project @tanstack/vue-query@5.104.0
npm_project @trpc/client@11.25.2
npm_project @reduxjs/toolkit@2.16.0
fi
