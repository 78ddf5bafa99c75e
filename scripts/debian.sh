# Sourced by the scripts that fetch sources from Debian packages, run in the directory that keeps the .deb files.
# deb PACKAGE[=VERSION]: the package's .deb, downloaded unless an earlier run left it here.
deb() {
  ls "${1%%=*}"_*.deb >/dev/null 2>&1 || apt-get download "$1"
}
# unpack_debs OUT NAME=PACKAGE=VERSION...: each package's files under OUT/NAME, replacing what was there.
unpack_debs() {
  local out=$1 spec name package
  shift
  for spec in "$@"; do
    name=${spec%%=*} spec=${spec#*=}
    package=${spec%%=*}
    deb "$spec"
    rm -rf "${out:?}/$name" && dpkg-deb -x "$package"_*.deb "$out/$name"
  done
}
