#!/usr/bin/env bash
# A second, larger Go validation search set, from the kind of code the second held-out set holds (third-party
# modules; data/mined-all's Go splits hold the standard library and the modules of training/mine.py GO_MODULES). This
# mines 118 Debian golang-*-dev packages, a seeded sample (random.Random(0).sample(..., 120) of the sorted
# `apt-cache search --names-only '^golang-github-.*-dev$'` names, less GO_MODULES and the held-out modules of
# scripts/build_go_search_heldout.sh, less two near copies of held-out modules: tcell v1 and go-toml v2), drops
# functions whose code data/mined-all/go or data/go-heldout holds, and builds one search set from every split of them
# (doc-comment first sentences as queries): data/go-more/search/go. Validation: choices are judged on it. Run after
# the held-out script. A few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(
  golang-github-14rcole-gopopulate-dev golang-github-alcortesm-tgz-dev golang-github-apparentlymart-go-cidr-dev
  golang-github-appleboy-gofight-dev golang-github-apptainer-container-library-client-dev
  golang-github-benbjohnson-immutable-dev golang-github-benbjohnson-tmpl-dev golang-github-bgentry-go-netrc-dev
  golang-github-blackfireio-osinfo-dev golang-github-bradleyjkemp-cupaloy-dev golang-github-burntsushi-xgb-dev
  golang-github-c-robinson-iplib-dev golang-github-caarlos0-env-dev golang-github-calmh-luhn-dev
  golang-github-canonical-candid-dev golang-github-cention-sany-utf7-dev golang-github-chai2010-gettext-go-dev
  golang-github-chromedp-sysutil-dev golang-github-container-orchestrated-devices-container-device-interface-dev
  golang-github-containernetworking-plugins-dev golang-github-cosiner-argv-dev
  golang-github-cpuguy83-go-md2man-v2-dev golang-github-cretz-bine-dev golang-github-cryptix-wav-dev
  golang-github-cyberdelia-heroku-go-dev golang-github-docker-distribution-dev golang-github-docker-go-units-dev
  golang-github-docker-spdystream-dev golang-github-dpapathanasiou-go-recaptcha-dev
  golang-github-emersion-go-imap-sortthread-dev golang-github-emersion-go-mbox-dev
  golang-github-facebookgo-httpdown-dev golang-github-facette-natsort-dev golang-github-getlantern-hex-dev
  golang-github-ghodss-yaml-dev golang-github-glycerine-go-unsnap-stream-dev golang-github-go-logr-stdr-dev
  golang-github-go-macaron-inject-dev golang-github-go-macaron-session-dev golang-github-goburrow-serial-dev
  golang-github-gogo-status-dev golang-github-gologme-log-dev golang-github-gonvenience-neat-dev
  golang-github-gonvenience-text-dev golang-github-googleapis-gnostic-dev golang-github-gopacket-gopacket-dev
  golang-github-gotestyourself-gotest.tools-dev golang-github-grpc-ecosystem-grpc-gateway-dev
  golang-github-gtank-cryptopasta-dev golang-github-hansrodtang-randomcolor-dev
  golang-github-hashicorp-go-gcp-common-dev golang-github-hashicorp-go-safetemp-dev
  golang-github-hashicorp-go-uuid-dev golang-github-hashicorp-hcl-v2-dev golang-github-ianlancetaylor-demangle-dev
  golang-github-inconshreveable-log15-dev golang-github-jacobsa-util-dev golang-github-jcmturner-goidentity.v6-dev
  golang-github-jfrazelle-go-dev golang-github-johnkerl-lumin-dev golang-github-juju-qthttptest-dev
  golang-github-kelseyhightower-envconfig-dev golang-github-knqyf263-go-apk-version-dev
  golang-github-knqyf263-go-version-dev golang-github-koofr-go-httpclient-dev
  golang-github-m3db-prometheus-client-model-dev golang-github-makeworld-the-better-one-go-gemini-dev
  golang-github-makeworld-the-better-one-go-isemoji-dev golang-github-matryer-try-dev
  golang-github-mattn-go-runewidth-dev golang-github-mazznoer-csscolorparser-dev
  golang-github-meowgorithm-babyenv-dev golang-github-mgutz-to-dev golang-github-mikesmitty-edkey-dev
  golang-github-mitchellh-go-wordwrap-dev golang-github-mitchellh-hashstructure-dev golang-github-mkrautz-goar-dev
  golang-github-moul-http2curl-dev golang-github-muesli-sasquatch-dev golang-github-muesli-smartcrop-dev
  golang-github-munnerz-goautoneg-dev golang-github-naoina-toml-dev golang-github-nats-io-go-nats-dev
  golang-github-nats-io-nats-server-dev golang-github-nbutton23-zxcvbn-go-dev golang-github-ncw-swift-dev
  golang-github-networkplumbing-go-nft-dev golang-github-nrdcg-desec-dev golang-github-oneofone-xxhash-dev
  golang-github-opentracing-contrib-go-grpc-dev golang-github-otiai10-copy-dev golang-github-pingcap-check-dev
  golang-github-pion-ice.v2-dev golang-github-pivotal-golang-clock-dev golang-github-pkg-profile-dev
  golang-github-pkg-sftp-dev golang-github-pquerna-otp-dev golang-github-putdotio-go-putio-dev
  golang-github-rivo-uniseg-dev golang-github-satori-go.uuid-dev golang-github-shenwei356-kmers-dev
  golang-github-skeema-mybase-dev golang-github-smallstep-nosql-dev golang-github-smallstep-truststore-dev
  golang-github-streadway-amqp-dev golang-github-svent-go-flags-dev golang-github-sylabs-sif-dev
  golang-github-tailscale-tscert-dev golang-github-tdewolff-test-dev golang-github-thlib-go-timezone-local-dev
  golang-github-tombuildsstuff-giovanni-dev golang-github-tonistiigi-fsutil-dev
  golang-github-vividcortex-gohistogram-dev golang-github-vmihailenco-tagparser-dev
  golang-github-vmihailenco-tagparser.v2-dev golang-github-yosssi-ace-proxy-dev golang-github-youmark-pkcs8-dev
  golang-gopkg-eapache-channels.v1-dev
)
specs=()
for package in "${packages[@]}"; do
  name=${package#golang-}
  specs+=("${name%-dev}=$package")
done
root=data/go-more
bash scripts/mine_debian_packages.sh go "$root" "${specs[@]}"
python scripts/unseen_pool.py go "$root/mined" "$root/pool" data/go-heldout/mined
leancode-train search-sets --mined "$root/pool" --out "$root/search" --split valid --limit 2000 --language go
