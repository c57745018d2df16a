#!/usr/bin/env bash
# Run a command with a throw-away PostgreSQL and Redis on loopback.
#
#   scripts/with-services.sh .venv/bin/python -m pytest
#
# Installs Debian's postgresql, redis-server and haproxy (the two-instance tests'
# proxy) when missing, starts both in a
# temporary directory (PostgreSQL as an unprivileged user: it refuses root),
# exports DATABASE_URL and CACHE_URL for the command, and stops both and removes
# the directory when the command ends, whether it passed or not.
set -euo pipefail

# Free loopback ports unless told: two runs at once (or a leftover server) never collide.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PG_PORT="${SERVICES_PG_PORT:-$(free_port)}"
REDIS_PORT="${SERVICES_REDIS_PORT:-$(free_port)}"
SERVICE_USER="${SERVICES_USER:-portal-services}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

if [ -z "$(pg_bindir)" ] || ! command -v redis-server >/dev/null 2>&1 \
  || ! PATH="$PATH:/usr/sbin" command -v haproxy >/dev/null 2>&1; then
  echo "with-services: installing postgresql, redis-server and haproxy from Debian" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql redis-server haproxy >/dev/null
fi
PG_BIN="$(pg_bindir)"

WORK="$(mktemp -d /tmp/portal-services.XXXXXX)"
chmod 755 "$WORK"

# Who runs the servers: ourselves, or (as root) an unprivileged system user.
as_service_user() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$SERVICE_USER" -- "$@"
  else
    "$@"
  fi
}
if [ "$(id -u)" = 0 ] && ! id "$SERVICE_USER" >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
fi
[ "$(id -u)" = 0 ] && chown "$SERVICE_USER" "$WORK"

stop_services() {
  status=$?
  as_service_user "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true
  if [ -f "$WORK/redis.pid" ]; then kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true; fi
  sleep 0.2
  rm -rf "$WORK"
  exit "$status"
}
trap stop_services EXIT INT TERM

as_service_user "$PG_BIN/initdb" -D "$WORK/pg" -U portal --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_service_user "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
  start >/dev/null
as_service_user "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U portal portal

as_service_user redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
  --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log" --dir "$WORK"
for _ in $(seq 50); do
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done

export DATABASE_URL="postgres://portal@127.0.0.1:$PG_PORT/portal"
export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"
export SERVICES_REDIS_PORT="$REDIS_PORT"
echo "with-services: PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT" >&2
"$@"
