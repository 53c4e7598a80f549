#!/usr/bin/env bash
# The oracles: today's releases of poetry, pdm, pipenv, twine, build, pip and packaging, in a Debian
# sid chroot this script builds (trixie when sid cannot be installed), cached outside the clone.
#
#   scripts/oracles.sh ensure                 build the chroot unless a complete one is cached (root)
#   scripts/oracles.sh path                   print its folder; exit 1 when it is not built
#   scripts/oracles.sh versions               print the suite and each tool's version
#   scripts/oracles.sh run [--cwd DIR] [--bind DIR]... -- CMD [ARG]...
#                                             run CMD inside it, in a private mount namespace: /proc,
#                                             /dev, /tmp and each --bind folder mounted at the same
#                                             path, all gone when CMD ends; the network is shared.
set -euo pipefail

packages=(python3-cffi-backend python3-poetry python3-pdm pipenv twine python3-build python3-pip
  python3-venv python3-hatchling python3-packaging python3-poetry-core python3-trove-classifiers
  python3-email-validator ca-certificates)
mirror=${PYSHIP_ORACLES_MIRROR:-http://deb.debian.org/debian}
cache_root=${PYSHIP_ORACLES_CACHE:-/var/cache/pyship-oracles}
key=$(printf '%s\n' "${packages[@]}" | sha256sum | cut -c1-16)
root="$cache_root/$key"

log() { echo "oracles: $*" >&2; }

built() { [ -f "$root/.pyship-complete" ]; }

bootstrap() {
  local suite=$1 target=$2
  rm -rf "$target"
  local include
  include=$(IFS=,; echo "${packages[*]}")
  debootstrap --variant=minbase --include="$include" "$suite" "$target" "$mirror" >"$target.log" 2>&1 || return 1
  # Without python3-cffi-backend first, python3-cryptography can stay unconfigured: mend it.
  if ! chroot "$target" dpkg --audit >/dev/null 2>&1 || [ -n "$(chroot "$target" dpkg --audit 2>/dev/null)" ]; then
    chroot "$target" env DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq >>"$target.log" 2>&1 || return 1
  fi
  [ -z "$(chroot "$target" dpkg --audit 2>/dev/null)" ] || return 1
  echo "$suite" >"$target/.pyship-suite"
}

ensure() {
  if built; then
    log "using the cached chroot $root ($(cat "$root/.pyship-suite"))"
    return 0
  fi
  [ "$(id -u)" = 0 ] || { log "building the chroot needs root (debootstrap, chroot)"; return 1; }
  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  fi
  mkdir -p "$cache_root"
  local work="$root.building.$$"
  local suite
  for suite in sid sid sid trixie; do
    log "debootstrap $suite into $work (about 3 minutes, 450 MB)"
    if bootstrap "$suite" "$work"; then
      [ "$suite" = sid ] || log "sid could not be installed; FELL BACK to $suite: its tools are older than today's releases"
      touch "$work/.pyship-complete"
      rm -rf "$root"
      mv "$work" "$root"
      mv "$work.log" "$root.log" 2>/dev/null || true
      log "built $root ($suite)"
      return 0
    fi
    log "debootstrap $suite failed (last lines of $work.log follow); retrying"
    tail -5 "$work.log" >&2 || true
    sleep 10
  done
  rm -rf "$work"
  log "could not build the chroot"
  return 1
}

run() {
  built || { log "the chroot is not built: run scripts/oracles.sh ensure"; return 1; }
  local cwd=/ binds=(/tmp)
  while [ $# -gt 0 ]; do
    case "$1" in
      --cwd) cwd=$2; shift 2 ;;
      --bind) binds+=("$2"); shift 2 ;;
      --) shift; break ;;
      *) break ;;
    esac
  done
  [ "$cwd" = / ] || binds+=("$cwd")
  # shellcheck disable=SC2016
  exec unshare --mount --propagation private bash -c '
    set -e
    root=$1 cwd=$2 count=$3; shift 3
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    for ((i = 0; i < count; i++)); do
      dir=$(realpath "$1"); shift
      mkdir -p "$root$dir"
      mount --rbind "$dir" "$root$dir"
    done
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    exec chroot "$root" /usr/bin/env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
  ' oracles "$root" "$cwd" "${#binds[@]}" "${binds[@]}" "$@"
}

versions() {
  built || { log "the chroot is not built"; return 1; }
  echo "suite: $(cat "$root/.pyship-suite")"
  run -- sh -c '
    echo "python: $(python3 --version | cut -d" " -f2)"
    echo "poetry: $(poetry --version 2>/dev/null | grep -o "[0-9][0-9.]*" | head -1)"
    echo "pdm: $(pdm --version 2>/dev/null | grep -o "[0-9][0-9.]*" | head -1)"
    echo "pipenv: $(pipenv --version 2>/dev/null | grep -o "[0-9][0-9.]*" | head -1)"
    echo "twine: $(twine --version 2>/dev/null | grep -o "twine version [0-9][0-9.]*" | grep -o "[0-9][0-9.]*$")"
    echo "build: $(python3 -c "import importlib.metadata as m; print(m.version(\"build\"))")"
    echo "pip: $(python3 -m pip --version | cut -d" " -f2)"
    echo "packaging: $(python3 -c "import packaging; print(packaging.__version__)")"
    echo "poetry-core: $(python3 -c "import importlib.metadata as m; print(m.version(\"poetry-core\"))")"
  '
}

case "${1:-}" in
  ensure) ensure ;;
  path) built && echo "$root" ;;
  versions) versions ;;
  run) shift; run "$@" ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
