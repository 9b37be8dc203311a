#!/usr/bin/env bash
# Makes the images the deploy smoke needs without a public image registry (none is reachable from the test machines):
#   $1  the Node base image (Debian bookworm minbase + the Node binary of the root's `node` devDependency, npm from the
#       npm registry's `npm` package, a `node` user with uid 1000 like the official image), the Dockerfile's NODE_IMAGE;
#   $2  one image with Debian's redis-server, prometheus, nginx and prometheus-alertmanager, standing in for the
#       official redis, prom/prometheus, nginx and prom/alertmanager images (docker-compose.smoke.yml says how).
# Usage: base-images.sh NODE_TAG INFRA_TAG NODE_BINARY NPM_TARBALL WORKDIR
set -euo pipefail
node_tag=$1 infra_tag=$2 node_bin=$3 npm_tgz=$4 work=$5
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
docker=${DOCKER:-docker}

rootfs=$work/rootfs
mkdir -p "$rootfs"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
# No service starts inside the chroot while packages install.
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d" && chmod 755 "$rootfs/usr/sbin/policy-rc.d"
# Certificates for outbound HTTPS (npm ci in the build); apt lists and docs are not kept.
chroot "$rootfs" sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends ca-certificates' >>"$work/debootstrap.log" 2>&1
chroot "$rootfs" sh -c 'groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/sh node'
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/usr/share/doc "$rootfs"/usr/share/man

node_root=$work/node-root
mkdir -p "$node_root/usr/local/bin" "$node_root/usr/local/lib/node_modules/npm"
cp "$node_bin" "$node_root/usr/local/bin/node"
tar -C "$node_root/usr/local/lib/node_modules/npm" --strip-components=1 -xzf "$npm_tgz"
chmod 755 "$node_root"/usr/local/lib/node_modules/npm/bin/np[mx]-cli.js
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$node_root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$node_root/usr/local/bin/npx"
( cd "$node_root" && tar -c . ) | tar -C "$rootfs" -x
tar -C "$rootfs" -c . | $docker import -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' -c 'CMD ["node"]' - "$node_tag" >/dev/null
rm -rf "$rootfs"/usr/local/bin/node "$rootfs"/usr/local/bin/npm "$rootfs"/usr/local/bin/npx "$rootfs"/usr/local/lib/node_modules

# The infrastructure image: the same root with Debian's servers added.
chroot "$rootfs" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  redis-server redis-tools prometheus prometheus-alertmanager nginx-light curl wget' >>"$work/debootstrap.log" 2>&1
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc "$rootfs"/usr/share/man
tar -C "$rootfs" -c . | $docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$infra_tag" >/dev/null
