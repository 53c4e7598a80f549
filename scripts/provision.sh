#!/usr/bin/env bash
# What the tests (or the demo) need on this machine: Debian's tools and, for the tests, the oracle
# chroot (scripts/oracles.sh). Called by `npm test` and `npm run demo` before they start; quick
# when all is there. Needs Debian (12) and root, as apt-get, debootstrap and the chroot do.
#
#   scripts/provision.sh [tests|demo]
set -uo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-tests}

# python3-venv brings pip's and setuptools' wheels (/usr/share/python-wheels), which the demo serves.
demo_packages=(python3-venv python3-build python3-setuptools-whl python3-wheel-whl)
test_packages=("${demo_packages[@]}" twine python3-poetry python3-pdm pipenv python3-hatchling
  zstd flit python3-poetry-core python3-pdm-pep517 python3-setuptools-scm python3-hatch-vcs
  python3-readme-renderer python3-setuptools python3-pip debootstrap)
# To build CPython for the interpreter tests where pyenv's are missing (scripts/test-pythons.py).
build_packages=(build-essential libssl-dev zlib1g-dev libffi-dev libbz2-dev liblzma-dev
  libsqlite3-dev xz-utils)
pyenv_pythons=(3.9.18 3.10.13 3.11.7 3.12.1 3.13.0)
have_pyenv_pythons() {
  local version
  for version in "${pyenv_pythons[@]}"; do
    [ -x "${PYENV_ROOT:-$HOME/.pyenv}/versions/$version/bin/python3" ] || return 1
  done
}
if [ "$purpose" = demo ]; then
  packages=("${demo_packages[@]}")
elif have_pyenv_pythons; then
  packages=("${test_packages[@]}")
else
  packages=("${test_packages[@]}" "${build_packages[@]}")
fi

stop() {
  echo "pyship: $1" >&2
  exit 1
}

if [ ! -f /etc/debian_version ] || ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
  stop "the $purpose need a Debian 12 machine (they use Debian's python tools and a Debian chroot); on any Linux with root, run them in one with: sudo scripts/fresh-machine.sh"
fi
if [ "$(id -u)" != 0 ]; then
  stop "the $purpose need root (apt-get, and chroot for the oracles); run: sudo scripts/provision.sh $purpose && sudo npm $([ "$purpose" = demo ] && echo "run demo" || echo test)"
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "pyship: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >/tmp/pyship-provision.log 2>&1 ||
    stop "apt-get could not install ${missing[*]} (see /tmp/pyship-provision.log)"
fi
if [ "$purpose" = tests ] && ! scripts/oracles.sh path >/dev/null 2>&1; then
  echo "pyship: building the oracle chroot, once (about 3 minutes; scripts/oracles.sh)" >&2
  scripts/oracles.sh ensure || stop "could not build the oracle chroot: run scripts/oracles.sh ensure to see why"
fi
if [ "$purpose" = tests ] && ! have_pyenv_pythons; then
  python3 scripts/test-pythons.py ensure || stop "could not build the test Pythons: run scripts/test-pythons.py ensure to see why"
fi
exit 0
