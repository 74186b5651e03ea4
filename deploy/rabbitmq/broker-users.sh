#!/usr/bin/env bash
# Creates each service's own RabbitMQ user with only its permissions (deploy/rabbitmq/definitions.json, made
# from BrokerUsers) and gives it a password. Idempotent: definitions are merged, a password is generated once
# into <password-dir>/<user> and set again unchanged on every run.
#   deploy/rabbitmq/broker-users.sh [management-url] [admin-user] [admin-password] [password-dir]
# Defaults: http://127.0.0.1:15672 guest guest data/broker (guest works from loopback only).
# Sourcing it defines broker_users_ensure and broker_url without running anything.

BROKER_USERS_DEFINITIONS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/definitions.json"

broker_users_names() {
  grep -o '"user" : "[^"]*"' "$BROKER_USERS_DEFINITIONS" | sed 's/.*: "\(.*\)"/\1/'
}

broker_events_queue_migrate() { # management-url admin-user admin-password
  # mediaflow.queue-service.events gained a dead-letter exchange (its parking lot). A broker that still holds the
  # queue declared without it refuses the new declaration (PRECONDITION_FAILED), so queue-service would not start:
  # an empty old queue is deleted here and declared anew by queue-service; a non-empty one is left for the operator.
  local api="${1:-http://127.0.0.1:15672}/api" auth="${2:-guest}:${3:-guest}" q=mediaflow.queue-service.events info
  info=$(curl -fsS -u "$auth" "$api/queues/%2F/$q" 2>/dev/null) || return 0 # absent: nothing to migrate
  case "$info" in *x-dead-letter-exchange*) return 0 ;; esac
  if curl -fsS -u "$auth" -X DELETE "$api/queues/%2F/$q?if-empty=true" >/dev/null 2>&1; then
    echo "deleted the empty queue $q declared before its parking lot existed; queue-service declares it anew" >&2
  else
    echo "queue $q was declared before its parking lot existed and still holds messages: stop the stack, let" \
      "queue-service drain it (or move them with a shovel), then delete it once: rabbitmqctl delete_queue $q" >&2
    return 1
  fi
}

broker_users_ensure() { # management-url admin-user admin-password password-dir
  local api="${1:-http://127.0.0.1:15672}/api" auth="${2:-guest}:${3:-guest}" dir="${4:-data/broker}" user pw
  mkdir -p "$dir" && chmod 700 "$dir" || return 1
  broker_events_queue_migrate "${1:-}" "${2:-}" "${3:-}" || return 1
  # merges users (without passwords) and permissions; queues and exchanges are the services' own declarations
  curl -fsS -u "$auth" -H 'content-type: application/json' -X POST --data-binary "@$BROKER_USERS_DEFINITIONS" \
    "$api/definitions" >/dev/null || { echo "could not import $BROKER_USERS_DEFINITIONS into $api" >&2; return 1; }
  for user in $(broker_users_names); do
    if [ ! -s "$dir/$user" ]; then
      (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$dir/$user") || return 1
    fi
    pw=$(cat "$dir/$user")
    curl -fsS -u "$auth" -H 'content-type: application/json' -X PUT \
      --data "{\"password\":\"$pw\",\"tags\":\"\"}" "$api/users/$user" >/dev/null \
      || { echo "could not set the password of broker user $user" >&2; return 1; }
  done
}

broker_url() { # service password-dir host:port -> amqp URL with that service's own user
  local user="mediaflow-$1" dir="${2:-data/broker}"
  echo "amqp://$user:$(cat "$dir/$user")@${3:-127.0.0.1:5672}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  broker_users_ensure "$@"
fi
