#!/usr/bin/env bash
# Makes sure RabbitMQ (with management + prometheus plugins), Redis and PostgreSQL answer on their
# standard loopback ports, starting installed servers and installing missing ones with apt-get.
# Sourced by .ci/run and scripts/local; `ensure_infra` is the entry point.

MF_PG_USER="${POSTGRES_USER:-mediaflow}"
MF_PG_PASSWORD="${POSTGRES_PASSWORD:-mediaflow}"
MF_PG_DB="${MEDIAFLOW_PG_DATABASE:-mediaflow}"

say() { printf '[mediaflow] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port seconds what
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    port_open "$1" && return 0
    sleep 0.5
  done
  say "$3 did not answer on 127.0.0.1:$1 within $2 s"
  return 1
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 99
  fi
}

install_packages() {
  say "installing $* with apt-get"
  if ! command -v apt-get >/dev/null 2>&1; then
    say "no apt-get here: install $* with your package manager, then run this again"
    return 1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2
  local rc=$?
  if [ $rc = 99 ]; then
    say "not root and no password-less sudo. Run: sudo apt-get install -y $*"
    return 1
  fi
  if [ $rc != 0 ]; then
    as_root apt-get update -q >&2 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2
  fi
}

ensure_redis() {
  port_open 6379 && return 0
  command -v redis-server >/dev/null 2>&1 || install_packages redis-server || return 1
  say "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp \
    --logfile /tmp/mediaflow-redis.log >&2 || return 1
  wait_port 6379 20 Redis
}

pg_superuser() { # runs psql as a superuser, trying the usual ways
  if psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
  elif [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- psql -d postgres -v ON_ERROR_STOP=1 "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -u postgres psql -d postgres -v ON_ERROR_STOP=1 "$@"
  else
    return 1
  fi
}

ensure_postgres() {
  if ! port_open 5432; then
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      install_packages postgresql || return 1
    fi
    local version
    version=$(ls /etc/postgresql | sort -V | tail -1)
    say "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 \
      || pg_ctlcluster "$version" main start >&2 || return 1
    wait_port 5432 30 PostgreSQL || return 1
  fi
  if PGPASSWORD="$MF_PG_PASSWORD" psql -h 127.0.0.1 -U "$MF_PG_USER" -d "$MF_PG_DB" -Atqc 'select 1' >/dev/null 2>&1; then
    return 0
  fi
  say "creating PostgreSQL role $MF_PG_USER and database $MF_PG_DB"
  pg_superuser <<SQL >/dev/null || { say "could not reach PostgreSQL as a superuser to create role $MF_PG_USER"; return 1; }
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$MF_PG_USER') THEN
    CREATE ROLE "$MF_PG_USER" LOGIN CREATEDB PASSWORD '$MF_PG_PASSWORD';
  ELSE
    ALTER ROLE "$MF_PG_USER" LOGIN CREATEDB PASSWORD '$MF_PG_PASSWORD';
  END IF;
END \$\$;
SQL
  if ! pg_superuser -Atqc "select 1 from pg_database where datname = '$MF_PG_DB'" | grep -q 1; then
    pg_superuser -c "CREATE DATABASE \"$MF_PG_DB\" OWNER \"$MF_PG_USER\"" >/dev/null || return 1
  fi
}

ensure_rabbitmq() {
  if ! command -v rabbitmq-server >/dev/null 2>&1 && ! port_open 5672; then
    install_packages rabbitmq-server || return 1
  fi
  if ! port_open 5672; then
    say "starting RabbitMQ"
    as_root rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_prometheus >/dev/null 2>&1 \
      || rabbitmq-plugins enable --offline rabbitmq_management rabbitmq_prometheus >/dev/null 2>&1
    as_root rabbitmq-server -detached >&2 2>&1 || rabbitmq-server -detached >&2 2>&1
    wait_port 5672 90 RabbitMQ || return 1
  fi
  if ! port_open 15672; then
    say "enabling the RabbitMQ management and prometheus plugins"
    as_root rabbitmq-plugins enable rabbitmq_management rabbitmq_prometheus >/dev/null 2>&1 \
      || rabbitmq-plugins enable rabbitmq_management rabbitmq_prometheus >/dev/null 2>&1
    wait_port 15672 60 "RabbitMQ management" || return 1
  fi
}

# heif-enc (Debian's libheif-examples) makes the HEIC and AVIF files the tests upload and fuzz (.ci/run);
# heif-convert is the reference the workers' HEIF orientation test compares with.
# promtool checks deploy/prometheus and the dashboards' PromQL offline (system-tests, dev.mediaflow.deploy);
# docker-compose checks docker-compose.yml the same way.
ensure_test_tools() {
  if ! command -v heif-enc >/dev/null 2>&1 || ! command -v heif-convert >/dev/null 2>&1; then
    install_packages libheif-examples || return 1
  fi
  ensure_promtool && ensure_docker_compose && ensure_chromium
}

# Debian's Chromium and its chromedriver for the dashboard's browser test (DashboardIT); Selenium is given
# both paths, so it never downloads a browser or a driver of its own.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && return 0
  install_packages --no-install-recommends chromium chromium-driver || return 1
  command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1
}

# Debian's docker-compose 1.29 only for `docker-compose config` (ComposeFileTest), which needs no engine:
# without recommends, so that no Docker engine (docker.io, containerd) comes with it.
ensure_docker_compose() {
  command -v docker-compose >/dev/null 2>&1 && return 0
  install_packages --no-install-recommends docker-compose || return 1
  command -v docker-compose >/dev/null 2>&1
}

# promtool comes in Debian's prometheus package, which also brings a Prometheus daemon. Only the tool is
# wanted: a daemon that the package started is stopped and disabled, so that nothing scrapes anything.
ensure_promtool() {
  command -v promtool >/dev/null 2>&1 && return 0
  install_packages --no-install-recommends prometheus || return 1
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    as_root systemctl disable --now prometheus >/dev/null 2>&1
  else
    as_root service prometheus stop >/dev/null 2>&1
    as_root update-rc.d prometheus disable >/dev/null 2>&1
  fi
  command -v promtool >/dev/null 2>&1
}

ensure_infra() {
  ensure_redis && ensure_postgres && ensure_rabbitmq
}
