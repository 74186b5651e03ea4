#!/usr/bin/env bash
# The RabbitMQ container of docker-compose.yml: starts the broker, loads definitions.json (topology, the
# services' users and their permissions) and sets each service user's password from the environment
# (MEDIAFLOW_BROKER_PASSWORD_<SERVICE>), then marks itself ready for the healthcheck. Idempotent on restart.
set -euo pipefail
rabbitmq-plugins enable --offline rabbitmq_prometheus >/dev/null
rm -f /tmp/mediaflow-users-ready
docker-entrypoint.sh rabbitmq-server &
broker=$!
rabbitmqctl -q await_startup
rabbitmqctl -q import_definitions /etc/mediaflow/definitions.json
for user in gateway queue-service image-worker vision-worker; do
  var="MEDIAFLOW_BROKER_PASSWORD_$(echo "$user" | tr 'a-z-' 'A-Z_')"
  rabbitmqctl -q change_password "mediaflow-$user" "${!var:?$var is not set}"
done
touch /tmp/mediaflow-users-ready
wait "$broker"
