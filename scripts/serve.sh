#!/usr/bin/env bash
# `make serve`: the dashboard as several app processes behind nginx, on this machine.
#   set-up (nginx too), migrate, demo data on an empty store (DEMO=0: none), then
#   PROCS app processes (default: one per CPU) on 127.0.0.1:APP_PORT_BASE.., the worker once, and
#   nginx in the foreground on ADDRESS:PORT with a configuration rendered into RUN_DIR (no root
#   needed). A process that dies is started again; Ctrl-C stops everything this script started.
#
# Settings (environment): PROCS, PORT (8501), ADDRESS (127.0.0.1; 0.0.0.0 to face the network),
# APP_PORT_BASE (8601), RUN_DIR (data/serve), DATABASE_URL (PostgreSQL for real use; all processes
# share it), APP_COOKIE_KEY (shared by all processes; read from .streamlit/secrets.toml or made once
# when unset), TLS_CERT + TLS_KEY (+ TLS_PORT, 8443): HTTPS at nginx, plain HTTP then redirects.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
PROCS=${PROCS:-$(nproc 2>/dev/null || echo 2)}
PORT=${PORT:-8501}
ADDRESS=${ADDRESS:-127.0.0.1}
APP_PORT_BASE=${APP_PORT_BASE:-8601}
RUN_DIR=${RUN_DIR:-data/serve}
DEMO=${DEMO:-1}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

[[ "$PROCS" =~ ^[1-9][0-9]*$ ]] || { echo "PROCS must be a positive number, not '$PROCS'" >&2; exit 2; }

bash scripts/setup.sh --serve
$PY -m db.migrate
if [ "$DEMO" != 0 ]; then $PY -m demo; fi

if [ -z "${DATABASE_URL:-}" ]; then
  echo "note: no DATABASE_URL, so the processes share the SQLite file data/app.db (fine on one machine;"
  echo "      PostgreSQL is the store for several machines and for heavy use)"
fi
# One cookie key for every process, resolved (or made) once here, before any process races to make it.
APP_COOKIE_KEY=${APP_COOKIE_KEY:-$($PY -c 'from pathlib import Path; from core.auth.cookie_key import resolve_cookie_key; print(resolve_cookie_key(Path(".streamlit/secrets.toml")))')}
export APP_COOKIE_KEY APP_TRUST_PROXY=1 PYTHONUNBUFFERED=1 STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
for d in client_body proxy fastcgi uwsgi scgi; do mkdir -p "$RUN_DIR/$d"; done

ports=(); for ((i = 0; i < PROCS; i++)); do ports+=($((APP_PORT_BASE + i))); done
declare -A app_pid=()
worker_pid=""; nginx_pid=""; stopping=0

start_app() {   # $1 = port
  $PY -m streamlit run app.py --server.port="$1" --server.address=127.0.0.1 --server.headless=true \
    --server.fileWatcherType=none >>"$RUN_DIR/app-$1.log" 2>&1 &
  app_pid[$1]=$!
}
start_worker() {
  $PY -m worker >>"$RUN_DIR/worker.log" 2>&1 &
  worker_pid=$!
}
healthy() {   # $1 = port
  $PY -c "import sys, urllib.request
try: sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:$1/_stcore/health', timeout=2).status == 200 else 1)
except OSError: sys.exit(1)" 2>/dev/null
}
stop_all() {
  [ $stopping = 1 ] && return
  stopping=1
  echo; echo "stopping nginx, ${#app_pid[@]} app processes and the worker"
  [ -n "$nginx_pid" ] && kill -TERM "$nginx_pid" 2>/dev/null || true
  for port in "${!app_pid[@]}"; do kill -TERM "${app_pid[$port]}" 2>/dev/null || true; done
  [ -n "$worker_pid" ] && kill -TERM "$worker_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

for port in "${ports[@]}"; do
  if healthy "$port"; then echo "port $port is already serving something: set APP_PORT_BASE" >&2; exit 1; fi
  start_app "$port"
done
start_worker
for port in "${ports[@]}"; do
  for _ in $(seq 300); do healthy "$port" && break; kill -0 "${app_pid[$port]}" 2>/dev/null || break; sleep 0.2; done
  healthy "$port" || { echo "app process on port $port did not start; see $RUN_DIR/app-$port.log" >&2; exit 1; }
done

render=(nginx --ports "${ports[@]}" --listen "$ADDRESS:$PORT" --run-dir "$RUN_DIR" --out "$RUN_DIR/nginx.conf")
if [ -n "${TLS_CERT:-}" ]; then
  render+=(--tls-cert "$TLS_CERT" --tls-key "${TLS_KEY:?TLS_KEY goes with TLS_CERT}" --tls-listen "$ADDRESS:${TLS_PORT:-8443}")
fi
if [ "$(id -u)" = 0 ]; then
  # nginx started as root hands its workers to an unprivileged user, who must read the static files.
  static=$($PY -c 'import streamlit, os; print(os.path.join(os.path.dirname(streamlit.__file__), "static"))')
  if id www-data >/dev/null 2>&1 && runuser -u www-data -- test -r "$static/index.html"; then
    render+=(--user www-data)
    chown -R www-data "$RUN_DIR"/{client_body,proxy,fastcgi,uwsgi,scgi}
  else
    render+=(--user root)
  fi
fi
$PY deploy/render.py "${render[@]}"
"$NGINX" -t -q -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf"
"$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -g 'daemon off;' &
nginx_pid=$!

scheme=http; shown_port=$PORT
[ -n "${TLS_CERT:-}" ] && { scheme=https; shown_port=${TLS_PORT:-8443}; }
echo "serving on $scheme://$ADDRESS:$shown_port through nginx: ${PROCS} app processes (ports ${ports[*]}),"
echo "one worker; logs in $RUN_DIR. Ctrl-C stops all."

# The supervisor: a process that dies is started again (nginx skips it meanwhile); if nginx itself
# stops, everything stops.
while sleep 1; do
  if ! kill -0 "$nginx_pid" 2>/dev/null; then echo "nginx stopped; see $RUN_DIR/nginx-error.log" >&2; exit 1; fi
  for port in "${ports[@]}"; do
    if ! kill -0 "${app_pid[$port]}" 2>/dev/null; then
      echo "$(date '+%F %T') app process on port $port died; starting it again" | tee -a "$RUN_DIR/supervisor.log"
      start_app "$port"
    fi
  done
  if ! kill -0 "$worker_pid" 2>/dev/null; then
    echo "$(date '+%F %T') worker died; starting it again" | tee -a "$RUN_DIR/supervisor.log"
    start_worker
  fi
done
