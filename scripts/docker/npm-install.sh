#!/bin/sh
# Run by the Dockerfile's dependency stages: `npm-install.sh WORKSPACE [npm install options...]` in a directory made by
# service-manifests.ts. Installs with the lockfile's versions; only what that workspace needs. WORKSPACE `.`: the
# directory's own package (a `tool:NAME` directory), with `npm ci`.
# A build behind a TLS-intercepting proxy passes the proxy's CA as a BuildKit secret
# (`--secret id=ca,src=/etc/ssl/certs/ca-certificates.crt`): it is mounted for this command only and never lands in a
# layer. Without the secret the image's own certificates are used.
set -eu
workspace=$1
shift
if [ -s /run/secrets/ca ]; then
  export NODE_EXTRA_CA_CERTS=/run/secrets/ca
fi
if [ "$workspace" = . ]; then
  npm ci --no-audit --no-fund --ignore-scripts "$@"
else
  npm install --workspace="$workspace" --include-workspace-root=false --no-audit --no-fund --ignore-scripts "$@"
fi
npm cache clean --force 2>/dev/null
