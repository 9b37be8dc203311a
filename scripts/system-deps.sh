#!/usr/bin/env bash
# Installs the system programs the test suite drives for real: Debian's Chromium (browser tests with
# playwright-core), Prometheus (promtool rule tests, a real scrape), Alertmanager and amtool (delivery test), and for
# the deploy smoke Docker (docker.io: daemon and a CLI with BuildKit), docker-compose 1.29 and debootstrap.
# Skips what is already there; MB_SYSTEM_DEPS=skip skips the whole step (the tests that drive a missing program fail).
set -euo pipefail
if [ "${MB_SYSTEM_DEPS:-}" = skip ]; then
  echo "system-deps: skipped (MB_SYSTEM_DEPS=skip)" >&2
  exit 0
fi
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
[ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ] || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing ${need[*]} and no apt-get here; install them with your package manager" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "system-deps: installing ${need[*]} from Debian's packages" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
