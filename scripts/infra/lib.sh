# Common to every part of the test infrastructure (sourced by scripts/test-infra.sh, never run alone):
# where the cache lives, where the engine and registry are, logging, timing and the small predicates the
# steps share. The cache root is defined here and only here for bash ($ECR_PIPELINE_CACHE, default
# /var/cache/ecr-pipeline); TypeScript reads the same variable in tools/lib/engine.ts.

CACHE=${ECR_PIPELINE_CACHE:-/var/cache/ecr-pipeline}
ENGINE=$CACHE/engine
DOCKER=$ENGINE/root/usr/bin/docker
export DOCKER_HOST=unix://$ENGINE/docker.sock DOCKER_CONFIG=$ENGINE/cfg
REGISTRY_ADDR=${REGISTRY_ADDR:-127.0.0.1:5000}
LOGS=$CACHE/logs
RUN=$CACHE/run

log() { printf '[test-infra %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
# timed <phase name> <command...>: runs the command and logs how long the phase took
timed() {
  local phase=$1 t0
  shift
  t0=$(now)
  "$@"
  log "phase '$phase' took $(since "$t0")s"
}
run_logged() { # $1 log file, rest: command (its output goes to the log, timing lines stay on stderr)
  local logfile=$1
  shift
  "$@" > "$logfile" 2>&1
}
image_exists() { "$DOCKER" image inspect "$1" > /dev/null 2>&1; }
registry_answers() { curl -fsS -m 2 "http://$REGISTRY_ADDR/v2/" > /dev/null 2>&1; }
docker_answers() { [ -x "$DOCKER" ] && [ -S "$ENGINE/docker.sock" ] && "$DOCKER" info > /dev/null 2>&1; }
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2> /dev/null; }

host_mirror() { awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2> /dev/null; }
debian_mirror() { local m=${DEBIAN_MIRROR:-$(host_mirror)}; echo "${m:-http://deb.debian.org/debian}"; }

# apt-get with a private state under $1: its own sources, lists, .deb cache and an empty dpkg status, so
# nothing in /etc/apt or dpkg's database is read for packages or changed. $2.. are apt-get arguments.
private_apt() {
  local dir=$1
  shift
  apt-get -o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
    -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o "Dir::State::status=$dir/status" \
    -o Acquire::Check-Valid-Until=false "$@"
}
private_apt_init() { # $1 dir  $2.. sources.list lines
  local dir=$1
  shift
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
  touch "$dir/status"
  printf '%s\n' "$@" > "$dir/sources.list"
}

stop_pidfile() { # $1 name  $2 pid file
  if pid_alive "$2"; then
    local pid
    pid=$(cat "$2")
    kill "$pid"
    for _ in $(seq 1 80); do kill -0 "$pid" 2> /dev/null || break; sleep 0.25; done
    log "$1 (pid $pid) stopped"
  else
    log "$1: not running from $2"
  fi
  rm -f "$2"
}

