#!/usr/bin/env bash
# Serve the app to many users from one machine: N `python3 -m geo serve` replicas on free loopback
# ports behind one nginx (deploy/nginx.conf: sticky sessions, websocket, failover, /briefing/).
#
#   bash scripts/run_cluster.sh N [--port P] [--address A] [--site DIR] [--run-dir DIR]
#
# Why: one Streamlit process runs every session's script on one core; replicas use the others,
# and a replica that dies takes only its sessions' connections, which reconnect to another.
# It waits for each replica's /_stcore/health, writes the nginx config, starts nginx in the
# foreground on A:P (default 127.0.0.1:8080), prints the URL and keeps watch: a replica that
# exits is named with its log. Ctrl-C or TERM stops nginx and every replica. Bad input (N not a
# whole number >= 1, a port in use, no nginx) is said and nothing is started.
# Logs: RUN/replica-I.log, RUN/nginx/{access,error}.log; RUN/replicas.tsv lists the replicas.
# When run as root, nginx drops to the user nobody (setpriv), so it writes only RUN/nginx.
# KDIM_HEALTH_TIMEOUT: seconds a replica may take to become healthy (default 120).
set -euo pipefail
cd "$(dirname "$0")/.."
PROG=run_cluster.sh
MAX_REPLICAS=32
HEALTH_TIMEOUT=${KDIM_HEALTH_TIMEOUT:-120}

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
}
die() {  # bad input: nothing has been started
  echo "$PROG: $*" >&2
  exit 2
}
say() { echo "[cluster] $*"; }

n="" port=8080 address=127.0.0.1 site="out/site" run_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --port | --address | --site | --run-dir)
      [ $# -ge 2 ] || die "$1 needs a value (see --help)"
      case "$1" in
        --port) port=$2 ;;
        --address) address=$2 ;;
        --site) site=$2 ;;
        --run-dir) run_dir=$2 ;;
      esac
      shift 2 ;;
    -*) die "unknown option '$1' (expected --port, --address, --site, --run-dir; see --help)" ;;
    *)
      [ -z "$n" ] || die "one replica count expected, got '$n' and '$1'"
      n=$1
      shift ;;
  esac
done

# ------------------------------------------------------------------ check the input, start nothing
[ -n "$n" ] || die "missing N, the number of replicas (usage: $PROG N [--port P] [--site DIR])"
[[ "$n" =~ ^[0-9]{1,6}$ ]] || die "N must be a whole number of replicas (1-$MAX_REPLICAS), got '$n'"
n=$((10#$n))
{ [ "$n" -ge 1 ] && [ "$n" -le "$MAX_REPLICAS" ]; } || die "N must be between 1 and $MAX_REPLICAS replicas, got $n"
if ! [[ "$port" =~ ^[0-9]{1,5}$ ]] || [ "$((10#$port))" -lt 1 ] || [ "$((10#$port))" -gt 65535 ]; then
  die "--port must be a TCP port number (1-65535), got '$port'"
fi
port=$((10#$port))
NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } ||
  die "nginx not found: install Debian's nginx (apt-get install nginx, or bash scripts/setup_system.sh)"

# Exit 0 if ADDRESS:PORT can be bound as nginx binds it (SO_REUSEADDR), i.e. nothing listens there.
python3 - "$address" "$port" <<'PY' || die "port $port on $address is in use (another server listens there): choose another with --port"
import socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
with socket.socket(family, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((addr, port))
    except OSError:
        sys.exit(1)
PY

as_nginx=()
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv >/dev/null || die "setpriv (util-linux) not found: needed to run nginx as nobody when started as root"
  as_nginx=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi

site_msg=""
if [ -d "$site" ]; then
  site=$(cd "$site" && pwd)
  if [ ${#as_nginx[@]} -gt 0 ] && ! "${as_nginx[@]}" test -r "$site" -a -x "$site"; then
    die "the briefing site $site is not readable by the user nobody, whom nginx runs as when started as root" \
      "(make it world-readable, or pass --site a readable copy)"
  fi
else
  site_msg="no briefing site at $site (build it with: python -m geo export-site $site); /briefing/ serves a page saying so"
  site=""
fi

max_mb=$(python3 -c 'import sys, tomllib; print(int(tomllib.load(open(sys.argv[1], "rb")).get("server", {}).get("maxUploadSize", 200)))' .streamlit/config.toml)

# ------------------------------------------------------------------ run directory
[ -n "$run_dir" ] || run_dir="${TMPDIR:-/tmp}/kdim-cluster-$port"
mkdir -p "$run_dir"
run_dir=$(cd "$run_dir" && pwd)
if [ ${#as_nginx[@]} -gt 0 ] && ! "${as_nginx[@]}" test -x "$run_dir"; then
  die "the run directory $run_dir cannot be entered by the user nobody, whom nginx runs as when started as root" \
    "(chmod 755 it and its parents, or pass another --run-dir)"
fi
if [ -s "$run_dir/nginx/nginx.pid" ] && kill -0 "$(cat "$run_dir/nginx/nginx.pid")" 2>/dev/null; then
  die "a cluster already runs from $run_dir (nginx pid $(cat "$run_dir/nginx/nginx.pid")): stop it or pass --run-dir"
fi
rm -rf "$run_dir/nginx" "$run_dir"/replica-*.log "$run_dir/replicas.tsv" "$run_dir/empty-site"
mkdir -p "$run_dir/nginx/tmp"
if [ -z "$site" ]; then
  site="$run_dir/empty-site"
  mkdir -p "$site"
  printf '<!doctype html><meta charset="utf-8"><title>briefing</title><p>%s</p>\n' \
    "The briefing site is not built: python -m geo export-site DIR, then scripts/run_cluster.sh --site DIR" \
    >"$site/index.html"
fi
[ ${#as_nginx[@]} -eq 0 ] || chown -R nobody:nogroup "$run_dir/nginx"

# ------------------------------------------------------------------ stop everything, once
replica_pids=() replica_ports=() nginx_pid="" stopping=""
alive() { [ -e "/proc/$1" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; }
stop_all() {
  [ -z "$stopping" ] || return 0
  stopping=1
  local pids=() p
  [ -z "$nginx_pid" ] || pids+=("$nginx_pid")
  pids+=("${replica_pids[@]}")
  [ ${#pids[@]} -gt 0 ] || return 0
  say "stopping nginx and ${#replica_pids[@]} replica(s)"
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  for _ in $(seq 100); do  # 10 s, then kill what is left
    local left=0
    for p in "${pids[@]}"; do if alive "$p"; then left=1; fi; done
    [ "$left" -eq 1 ] || break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

healthy() {  # URL → 0 if it answers "ok" (no proxy: loopback only)
  python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    with opener.open(sys.argv[1], timeout=2) as r:
        sys.exit(0 if r.read().strip() == b"ok" else 1)
except Exception:
    sys.exit(1)
PY
}

# ------------------------------------------------------------------ replicas
read -r -a replica_ports <<<"$(python3 - "$n" "$port" <<'PY'
import socket, sys
n, exclude = int(sys.argv[1]), int(sys.argv[2])
socks, ports = [], []
while len(ports) < n:  # all bound at once, so they differ
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
    if s.getsockname()[1] != exclude:
        ports.append(s.getsockname()[1])
print(" ".join(map(str, ports)))
PY
)"
for i in $(seq "$n"); do
  p=${replica_ports[$((i - 1))]}
  PYTHONUNBUFFERED=1 setsid python3 -m geo serve \
    --server.port "$p" --server.address 127.0.0.1 --server.headless true \
    --browser.gatherUsageStats false --server.fileWatcherType none \
    >"$run_dir/replica-$i.log" 2>&1 </dev/null &
  replica_pids+=("$!")
  say "replica $i: 127.0.0.1:$p pid $! (log $run_dir/replica-$i.log)"
done
for i in $(seq "$n"); do
  p=${replica_ports[$((i - 1))]} pid=${replica_pids[$((i - 1))]}
  deadline=$((SECONDS + HEALTH_TIMEOUT))
  until healthy "http://127.0.0.1:$p/_stcore/health"; do
    if ! alive "$pid"; then
      rc=0; wait "$pid" || rc=$?
      echo "$PROG: replica $i (127.0.0.1:$p, pid $pid) exited with code $rc before it was healthy; last lines of $run_dir/replica-$i.log:" >&2
      tail -n 20 "$run_dir/replica-$i.log" >&2
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$PROG: replica $i (127.0.0.1:$p, pid $pid) not healthy after $HEALTH_TIMEOUT s; last lines of $run_dir/replica-$i.log:" >&2
      tail -n 20 "$run_dir/replica-$i.log" >&2
      exit 1
    fi
    sleep 0.3
  done
  say "replica $i healthy"
done

# ------------------------------------------------------------------ nginx
servers=""
for p in "${replica_ports[@]}"; do
  servers+="        server 127.0.0.1:$p max_fails=1 fail_timeout=10s;"$'\n'
done
listen=$address:$port
[[ "$address" != *:* ]] || listen="[$address]:$port"
conf=$(<deploy/nginx.conf)
conf=${conf//@WORKERS@/"$(nproc)"}
conf=${conf//@NGINX_DIR@/"$run_dir/nginx"}
conf=${conf//@UPSTREAM_SERVERS@/"${servers%$'\n'}"}
conf=${conf//@LISTEN@/"$listen"}
conf=${conf//@MAX_BODY@/"${max_mb}m"}
conf=${conf//@SITE_DIR@/"$site"}
printf '%s\n' "$conf" >"$run_dir/nginx/nginx.conf.tmp"
mv "$run_dir/nginx/nginx.conf.tmp" "$run_dir/nginx/nginx.conf"
nginx_args=(-p "$run_dir/nginx" -c "$run_dir/nginx/nginx.conf" -e "$run_dir/nginx/error.log")
if ! out=$("${as_nginx[@]}" "$NGINX" -t -q "${nginx_args[@]}" 2>&1); then
  echo "$PROG: nginx rejects $run_dir/nginx/nginx.conf:" >&2
  echo "$out" >&2
  exit 1
fi
setsid "${as_nginx[@]}" "$NGINX" "${nginx_args[@]}" </dev/null &
nginx_pid=$!
url="http://$listen/"
deadline=$((SECONDS + 20))
until healthy "${url}_stcore/health"; do
  if ! alive "$nginx_pid" || [ "$SECONDS" -ge "$deadline" ]; then
    echo "$PROG: nginx did not start on $listen; $run_dir/nginx/error.log:" >&2
    tail -n 20 "$run_dir/nginx/error.log" >&2 || true
    exit 1
  fi
  sleep 0.2
done
{
  printf 'replica\tport\tpid\tlog\n'
  for i in $(seq "$n"); do
    printf '%s\t%s\t%s\t%s\n' "$i" "${replica_ports[$((i - 1))]}" "${replica_pids[$((i - 1))]}" "$run_dir/replica-$i.log"
  done
  printf 'nginx\t%s\t%s\t%s\n' "$port" "$nginx_pid" "$run_dir/nginx/error.log"
} >"$run_dir/replicas.tsv.tmp"
mv "$run_dir/replicas.tsv.tmp" "$run_dir/replicas.tsv"
[ -z "$site_msg" ] || say "$site_msg"
say "briefing site: ${url}briefing/ from $site"
say "serving $n replica(s) at $url (run dir $run_dir; Ctrl-C stops)"

# ------------------------------------------------------------------ keep watch
declare -A reported=()
while :; do
  sleep 1 &
  wait $! || true
  if ! alive "$nginx_pid"; then
    rc=0; wait "$nginx_pid" || rc=$?
    echo "$PROG: nginx (pid $nginx_pid) exited with code $rc; $run_dir/nginx/error.log:" >&2
    nginx_pid=""
    tail -n 20 "$run_dir/nginx/error.log" >&2 || true
    exit 1
  fi
  up=0
  for i in $(seq "$n"); do
    pid=${replica_pids[$((i - 1))]}
    if alive "$pid"; then
      up=$((up + 1))
    elif [ -z "${reported[$i]:-}" ]; then
      reported[$i]=1
      rc=0; wait "$pid" || rc=$?
      say "replica $i (127.0.0.1:${replica_ports[$((i - 1))]}, pid $pid) exited with code $rc;" \
        "nginx takes it out (max_fails=1, fail_timeout=10s) and its sessions reconnect to another." \
        "Log: $run_dir/replica-$i.log"
    fi
  done
  if [ "$up" -eq 0 ]; then
    echo "$PROG: no replica left; stopping" >&2
    exit 1
  fi
done
