#!/bin/sh
# The Alertmanager container's entry point: puts the bot token from the secret file into the configuration (Debian's
# Alertmanager 0.25 has no bot_token_file; newer ones do, this works with both) and starts Alertmanager with it.
# Environment: ALERTMANAGER_TELEGRAM_TOKEN_FILE (the secret), ALERTMANAGER_CONFIG (default /etc/alertmanager/alertmanager.yml),
# ALERTMANAGER_RENDERED (where the configuration with the token goes, default /tmp/alertmanager.yml),
# ALERTMANAGER_BIN (default alertmanager). Further arguments go to Alertmanager.
set -eu
config=${ALERTMANAGER_CONFIG:-/etc/alertmanager/alertmanager.yml}
rendered=${ALERTMANAGER_RENDERED:-/tmp/alertmanager.yml}
token_file=${ALERTMANAGER_TELEGRAM_TOKEN_FILE:-/run/secrets/marketingbot/alertmanager-telegram-token}
if [ ! -s "$token_file" ]; then
  echo "alertmanager: no bot token in $token_file (ALERTMANAGER_TELEGRAM_TOKEN_FILE); see docs/deploy.md#alerts" >&2
  exit 1
fi
token=$(tr -d ' \r\n' <"$token_file")
case "$token" in
  *[!0-9A-Za-z:_-]* | "" | *:*:*)
    echo "alertmanager: $token_file does not hold a bot token (digits:letters, as BotFather gives it)" >&2
    exit 1
    ;;
esac
umask 077
sed "s|__TELEGRAM_BOT_TOKEN__|$token|g" "$config" >"$rendered"
# Relative template paths are read from the configuration's directory.
sed -i "s|^  - templates/|  - $(dirname "$config")/templates/|" "$rendered"
exec "${ALERTMANAGER_BIN:-alertmanager}" --config.file="$rendered" "$@"
