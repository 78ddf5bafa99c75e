#!/usr/bin/env bash
# A JavaScript held-out TEST set: data/mined-all's JavaScript test split holds 4 packages, too few to say what
# LeanCode keeps on JavaScript. This mines npm packages that neither a corpus here (training/fetch.py JS_PACKAGES,
# training/mine.py MORE_JS_PACKAGES) nor the validation set of scripts/build_javascript_search_valid.sh lists,
# drops functions whose code data/mined-all or data/js-more holds, and builds one search set from every split of
# them (doc-comment first sentences as queries): data/js-heldout/search/javascript. No choice is made on it: it is
# looked at once per shipped change. Needs data/mined-all and data/js-more (run the validation script first). A few
# minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(
  node-fetch form-data mkdirp rimraf graceful-fs ini tough-cookie jsonpath terser browserify vinyl through2 split2
  pump minimist nopt npmlog tar archiver adm-zip yauzl yazl node-cache redis sqlite3 tedious amqplib mqtt sockjs
  video.js dompurify sanitize-html xss helmet cors morgan compression cookie-parser node-rsa jsrsasign sjcl asn1
  hashids shortid slugify voca pluralize natural compromise lunr elasticlunr quill cytoscape chart.js
  dygraphs sortablejs interactjs dragula timeago.js cron-parser rrule ical.js exceljs pdfkit jspdf mammoth turndown
  diff diff-match-patch fast-json-patch immutable lazy.js baconjs highland neo-async bottleneck nedb pouchdb
  localforage dexie js-cookie ipaddr.js netmask ssh2 basic-ftp isomorphic-git espree eslint-scope esquery pegjs
  nearley jsonschema deepmerge clone object-path sprintf-js numbro accounting currency.js fraction.js complex.js
  brain.js synaptic regression random-js
)
npm=()
for package in "${packages[@]}"; do npm+=(--npm-package "$package"); done
root=data/js-heldout
leancode-train mine --out "$root/mined" --language javascript "${npm[@]}" --workers 2
python scripts/unseen_pool.py javascript "$root/mined" "$root/pool" data/js-more/mined
leancode-train search-sets --mined "$root/pool" --out "$root/search" --split valid --limit 2000 --language javascript
