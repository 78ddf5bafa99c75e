#!/usr/bin/env bash
# A second, larger JavaScript validation search set: data/mined-all's JavaScript validation split holds 847 queries,
# too few to tell two importance tables apart at half the tokens. This mines npm packages documented with JSDoc that
# no corpus here lists (training/fetch.py JS_PACKAGES, training/mine.py MORE_JS_PACKAGES), drops functions whose code
# data/mined-all/javascript holds, and builds one search set from every split of them (doc-comment first sentences
# as queries, as everywhere): data/js-more/search/javascript. Validation only. A few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(
  acorn acorn-walk js-yaml xml2js sax @xmldom/xmldom jsonwebtoken passport cookie multer busboy formidable iconv-lite
  bcryptjs crypto-js tinycolor2 chroma-js d3-geo d3-hierarchy d3-force d3-interpolate d3-color d3-format d3-time
  topojson-client matter-js path-to-regexp source-map uglify-js clean-css csso papaparse graphlib dagre konva paper
  express-session http-errors finalhandler raw-body eventemitter3 readable-stream json5 commonmark showdown remarkable
  nunjucks mustache pug winston log4js chokidar date-fns protobufjs gl-matrix simple-statistics jstat chance shelljs
  bignumber.js big.js long tweetnacl asn1.js url-parse punycode he parse5 css-tree postcss-value-parser stylus raphael
  two.js earcut rbush kdbush proj4 geolib ml-matrix seedrandom joi yup inquirer cli-table3 blessed cron node-schedule
  pg mysql restify fastify @hapi/hapi engine.io howler hammerjs moment-timezone echarts zrender
)
npm=()
for package in "${packages[@]}"; do npm+=(--npm-package "$package"); done
root=data/js-more
leancode-train mine --out "$root/mined" --language javascript "${npm[@]}" --workers 2
python scripts/unseen_pool.py javascript "$root/mined" "$root/pool"
leancode-train search-sets --mined "$root/pool" --out "$root/search" --split valid --limit 2000 --language javascript
