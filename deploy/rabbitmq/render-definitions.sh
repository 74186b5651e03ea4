#!/usr/bin/env bash
# Writes the definitions a RabbitMQ node imports at boot (load_definitions): deploy/rabbitmq/definitions.json
# (topology, the services' users and their permissions) with each service user's password filled in from the
# environment, plus the operator's administrator and, when asked for, a read-only monitoring user (KEDA reads
# queue lengths with it). Used by the compose RabbitMQ container (compose-init.sh) and by the init container of
# the Kubernetes RabbitMQ (deploy/k8s). Passwords never go into the repository: they come from .env or a Secret.
#   render-definitions.sh <definitions.json> <output.json>
# Environment:
#   RABBITMQ_ADMIN_USER, RABBITMQ_ADMIN_PASSWORD        the administrator (management UI); never guest
#   MEDIAFLOW_BROKER_PASSWORD_<SERVICE>                 one per user of definitions.json, e.g. ..._IMAGE_WORKER
#   MEDIAFLOW_BROKER_MONITOR_USER, ..._MONITOR_PASSWORD optional: a user tagged monitoring that may read nothing
# A password must be at least 16 characters of [A-Za-z0-9._~-] (it also goes into amqp:// URLs unescaped) and
# must not be an example value (change-me...). A blank node that imports definitions creates no default user,
# so guest never exists.
set -euo pipefail

in="${1:?usage: render-definitions.sh <definitions.json> <output.json>}"
out="${2:?usage: render-definitions.sh <definitions.json> <output.json>}"

fail() { echo "render-definitions: $*" >&2; exit 1; }

check_password() { # variable-name value
  case "$2" in
    '') fail "$1 is not set" ;;
    change-me* | replace-* | *example*) fail "$1 still holds the example value: set a real password (openssl rand -hex 24)" ;;
  esac
  [[ "$2" =~ ^[A-Za-z0-9._~-]{16,}$ ]] \
    || fail "$1 must be at least 16 characters of A-Z a-z 0-9 . _ ~ - (it goes into amqp:// URLs unescaped)"
}

check_user() { # variable-name value
  [[ "$2" =~ ^[A-Za-z0-9._-]+$ ]] || fail "$1 must be a plain user name ([A-Za-z0-9._-]), got '$2'"
  [ "$2" != guest ] || fail "$1 must not be guest"
}

admin_user="${RABBITMQ_ADMIN_USER:-}"
check_user RABBITMQ_ADMIN_USER "$admin_user"
check_password RABBITMQ_ADMIN_PASSWORD "${RABBITMQ_ADMIN_PASSWORD:-}"

extra_users="{ \"name\" : \"$admin_user\", \"password\" : \"$RABBITMQ_ADMIN_PASSWORD\", \"tags\" : [ \"administrator\" ] }, "
extra_permissions="{ \"user\" : \"$admin_user\", \"vhost\" : \"/\", \"configure\" : \".*\", \"write\" : \".*\", \"read\" : \".*\" }, "
if [ -n "${MEDIAFLOW_BROKER_MONITOR_USER:-}" ]; then
  check_user MEDIAFLOW_BROKER_MONITOR_USER "$MEDIAFLOW_BROKER_MONITOR_USER"
  check_password MEDIAFLOW_BROKER_MONITOR_PASSWORD "${MEDIAFLOW_BROKER_MONITOR_PASSWORD:-}"
  # "monitoring" lets the management API show queue lengths; "^$" grants the vhost but no resource in it
  extra_users+="{ \"name\" : \"$MEDIAFLOW_BROKER_MONITOR_USER\", \"password\" : \"$MEDIAFLOW_BROKER_MONITOR_PASSWORD\", \"tags\" : [ \"monitoring\" ] }, "
  extra_permissions+="{ \"user\" : \"$MEDIAFLOW_BROKER_MONITOR_USER\", \"vhost\" : \"/\", \"configure\" : \"^\$\", \"write\" : \"^\$\", \"read\" : \"^\$\" }, "
fi

# the service users of definitions.json (made from BrokerUsers), each with its own password variable
services=$(grep -o '"name" : "mediaflow-[^"]*"' "$in" | sed 's/.*"mediaflow-\(.*\)"/\1/')
[ -n "$services" ] || fail "no mediaflow-* users in $in"
passwords=()
for service in $services; do
  var="MEDIAFLOW_BROKER_PASSWORD_$(echo "$service" | tr 'a-z-' 'A-Z_')"
  check_password "$var" "${!var:-}"
  passwords+=("mediaflow-$service=${!var}")
done

# definitions.json is written by Jackson's pretty printer: a user's "name" line is followed by its
# "password_hash" line. An empty hash becomes the plain password (RabbitMQ hashes it on import).
tmp="$out.tmp.$$"
(umask 077 && awk -v extra_users="$extra_users" -v extra_permissions="$extra_permissions" -v pws="${passwords[*]}" '
  BEGIN { n = split(pws, pairs, " "); for (i = 1; i <= n; i++) { eq = index(pairs[i], "="); pw[substr(pairs[i], 1, eq - 1)] = substr(pairs[i], eq + 1) } }
  /^  "users" : \[ \{$/ { sub(/\[ \{$/, "[ " extra_users "{"); users_done = 1 }
  /^  "permissions" : \[ \{$/ { sub(/\[ \{$/, "[ " extra_permissions "{"); permissions_done = 1 }
  /"name" : "/ { name = $0; sub(/^.*"name" : "/, "", name); sub(/".*$/, "", name) }
  /"password_hash" : ""/ {
    if (!(name in pw)) { print "render-definitions: no password for " name > "/dev/stderr"; exit 2 }
    sub(/"password_hash" : ""/, "\"password\" : \"" pw[name] "\""); filled++
  }
  { print }
  END { if (!users_done || !permissions_done || filled != n) { print "render-definitions: unexpected layout" > "/dev/stderr"; exit 3 } }
' "$in" >"$tmp") || { rm -f "$tmp"; fail "could not render $in"; }
mv "$tmp" "$out"
