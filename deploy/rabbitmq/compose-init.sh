#!/usr/bin/env bash
# The RabbitMQ container of docker-compose.yml: renders the definitions it imports at boot (load_definitions in
# deploy/rabbitmq/rabbitmq.conf): deploy/rabbitmq/definitions.json (topology, the services' users and their
# permissions) with each service user's password from the environment (MEDIAFLOW_BROKER_PASSWORD_<SERVICE>)
# and the administrator from RABBITMQ_ADMIN_USER / RABBITMQ_ADMIN_PASSWORD (render-definitions.sh). Then it
# becomes the broker. The import runs on every start, so a password changed in .env applies on the next start;
# a node that imports definitions creates no default user, so there is no guest.
set -euo pipefail
rendered=/tmp/mediaflow-definitions.json
bash /etc/mediaflow/render-definitions.sh /etc/mediaflow/definitions.json "$rendered"
# the image's entrypoint drops from root to the rabbitmq user: it must be able to read the file (mode 600)
if [ "$(id -u)" = 0 ]; then chown rabbitmq:rabbitmq "$rendered"; fi
rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_prometheus >/dev/null
exec docker-entrypoint.sh rabbitmq-server
