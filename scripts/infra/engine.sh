# Step 2 of `up`: the engine. Debian trixie's docker.io (26.1), docker-cli, docker-buildx (0.13), containerd
# (1.7) and tini, fetched with a PRIVATE apt state (nothing in /etc/apt or dpkg's database changes) and
# unpacked under $CACHE/engine/root; bookworm's runc (trixie's needs glibc 2.38). containerd + dockerd with
# the containerd image store, `--bridge=none --iptables=false --ip6tables=false`, sockets under
# $CACHE/engine. An engine already answering on $CACHE/engine/docker.sock is adopted as it is.

# trixie's engine; docker.io 26.1.5, containerd 1.7.24, docker-buildx 0.13.1 when this was written
ENGINE_PACKAGES="docker.io docker-cli docker-buildx containerd tini"
ENGINE_SUITE=trixie

# The binaries: trixie's packages unpacked with dpkg-deb -x. They need
# only glibc >= 2.34 (bookworm has 2.36); trixie's runc needs 2.38, so bookworm's /usr/sbin/runc is used.
fetch_engine() {
  [ -x "$ENGINE/root/usr/sbin/dockerd" ] && [ -x "$DOCKER" ] && [ -x "$ENGINE/root/usr/bin/containerd" ] && return 0
  local apt=$ENGINE/apt f
  private_apt_init "$apt" "deb $(debian_mirror) $ENGINE_SUITE main"
  mkdir -p "$ENGINE/debs" "$ENGINE/root"
  log "engine: fetching $ENGINE_PACKAGES from $ENGINE_SUITE (private apt state in $apt)"
  run_logged "$LOGS/engine-apt.log" private_apt "$apt" update || die "apt-get update ($ENGINE_SUITE) failed, see $LOGS/engine-apt.log"
  # shellcheck disable=SC2086
  (cd "$ENGINE/debs" && private_apt "$apt" download $ENGINE_PACKAGES >> "$LOGS/engine-apt.log" 2>&1) \
    || die "apt-get download failed, see $LOGS/engine-apt.log"
  for f in "$ENGINE"/debs/*.deb; do dpkg-deb -x "$f" "$ENGINE/root"; done
  rm -f "$ENGINE/root/usr/sbin/runc" "$ENGINE/root/usr/bin/runc"
  log "engine: $(basename -a "$ENGINE"/debs/*.deb | tr '\n' ' ')"
}

# Every engine of this project starts here: the shared one of `up` (ensure_engine, $CACHE/engine) and the
# private ones the benchmarks and integration tests start empty beside it (`bash scripts/test-infra.sh
# engine-start DIR`, called by tools/lib/private-engine.ts). One recipe, in bash rather than TypeScript,
# because `up` runs before `npm ci` (.ci/run) and must fetch the binaries as root with apt, which the
# TypeScript side cannot do before node_modules exist; the TypeScript side calls this script instead.

# The docker CLI against the engine in $1 (its socket and its DOCKER_CONFIG with the buildx plugin).
docker_at() {
  local dir=$1
  shift
  DOCKER_HOST=unix://$dir/docker.sock DOCKER_CONFIG=$dir/cfg "$DOCKER" "$@"
}
engine_answers() { [ -x "$DOCKER" ] && [ -S "$1/docker.sock" ] && docker_at "$1" info > /dev/null 2>&1; }
docker_answers() { engine_answers "$ENGINE"; }

check_loopback() { case $1 in "" | 127.*:[0-9]* | localhost:[0-9]*) ;; *) die "engine TCP address $1: loopback only (127.x.x.x:PORT)" ;; esac; }

# start_engine DIR [HOST:PORT]: containerd and dockerd with their config, state, sockets, pid files and
# logs under DIR, binaries from $ENGINE/root; with HOST:PORT dockerd also listens on tcp://HOST:PORT
# (loopback only: no TLS). Returns when the engine's default buildx builder runs.
start_engine() {
  local dir=$1 tcp=${2:-} binary
  [ "$(id -u)" = 0 ] || die "starting an engine needs root (dockerd)"
  command -v runc > /dev/null || die "runc missing (bookworm's runc is installed by the packages step)"
  check_loopback "$tcp"
  for binary in usr/sbin/dockerd usr/bin/containerd usr/bin/docker usr/libexec/docker/cli-plugins/docker-buildx; do
    [ -x "$ENGINE/root/$binary" ] || die "$ENGINE/root/$binary is missing: run bash scripts/test-infra.sh up (it unpacks the engine)"
  done
  mkdir -p "$dir/cfg/cli-plugins" "$dir"/{data,exec,ctd,ctdstate}
  cp "$ENGINE/root/usr/libexec/docker/cli-plugins/docker-buildx" "$dir/cfg/cli-plugins/"
  # The CRI plugin is Kubernetes' interface; dockerd does not use it (and a second engine's would only
  # compete for the same CNI setup).
  cat > "$dir/containerd.toml" << TOML
version = 2
root = "$dir/ctd"
state = "$dir/ctdstate"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$dir/containerd.sock"
TOML
  # The containerd image store is what lets the default `docker` buildx driver export registry caches,
  # write zstd layers and build multi-platform images (measured: docs/BENCHMARKS.md).
  echo '{ "features": { "containerd-snapshotter": true } }' > "$dir/daemon.json"
  local path="$ENGINE/root/usr/bin:$ENGINE/root/usr/sbin:$PATH" i
  if ! { pid_alive "$dir/containerd.pid" && [ -S "$dir/containerd.sock" ]; }; then
    log "engine: starting containerd ($dir)"
    rm -f "$dir/containerd.sock"
    # setsid: the daemons must outlive this shell and the CI step that ran it
    PATH=$path setsid nohup containerd --config "$dir/containerd.toml" \
      >> "$dir/containerd.log" 2>&1 < /dev/null &
    echo $! > "$dir/containerd.pid"
    for i in $(seq 1 150); do [ -S "$dir/containerd.sock" ] && break; sleep 0.1; done
    [ -S "$dir/containerd.sock" ] || die "containerd did not create its socket, see $dir/containerd.log"
  fi
  log "engine: starting dockerd ($dir; containerd image store, --bridge=none --iptables=false --ip6tables=false${tcp:+, also tcp://$tcp})"
  # No bridge and no iptables: builds and containers use --network=host (loopback registry, npm registry).
  local hosts=(-H "unix://$dir/docker.sock")
  [ -z "$tcp" ] || hosts+=(-H "tcp://$tcp")
  PATH=$path setsid nohup dockerd --config-file "$dir/daemon.json" "${hosts[@]}" \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
    --containerd "$dir/containerd.sock" --bridge=none --iptables=false --ip6tables=false \
    >> "$dir/dockerd.log" 2>&1 < /dev/null &
  local pid=$!
  for i in $(seq 1 120); do
    engine_answers "$dir" && { log "engine: up after ~$((i / 2))s (dockerd pid $pid)"; break; }
    kill -0 "$pid" 2> /dev/null || die "dockerd exited, see $dir/dockerd.log"
    sleep 0.5
  done
  engine_answers "$dir" || die "dockerd did not answer within 60s, see $dir/dockerd.log"
  # `docker info` answers a moment before the builder does: wait for the default builder itself.
  # (Its output is read whole: `| grep -q` could end the pipe early and fail the pipeline with SIGPIPE.)
  local builder=""
  for i in $(seq 1 120); do
    builder=$(docker_at "$dir" buildx inspect default 2> /dev/null || true)
    [[ $builder =~ Status:\ *running ]] && break
    sleep 0.5
  done
  [[ $builder =~ Status:\ *running ]] || die "the default builder of $dir did not start, see $dir/dockerd.log"
}

# stop_engine DIR: dockerd, then containerd, by their pid files; then what they leave mounted under DIR
# (dockerd's bind mount of the host's network namespace, exec/netns/default, and the overlay mounts of a
# killed engine), so that DIR can be removed and a wipe never follows a mount.
stop_engine() {
  local dir=$1 point
  [ -n "$dir" ] && [ "$dir" != / ] || die "stop_engine: no directory"
  stop_pidfile dockerd "$dir/dockerd.pid"
  stop_pidfile containerd "$dir/containerd.pid"
  pid_alive "$dir/dockerd.pid" && return 0
  awk -v d="$dir/" 'index($2, d) == 1 { print length($2), $2 }' /proc/mounts | sort -rn | cut -d' ' -f2- \
    | while read -r point; do umount -l "$point" && log "unmounted $point"; done
}

# The state an engine starts from (images, build cache, containers); its config and logs stay.
wipe_engine_state() { [ -n "$1" ] || die "wipe_engine_state: no directory"; rm -rf "$1"/{data,ctd,ctdstate,exec}; }

ensure_engine() {
  mkdir -p "$ENGINE/cfg/cli-plugins"
  if docker_answers; then
    # e.g. started by an earlier `up`: adopted, not restarted
    [ -x "$ENGINE/cfg/cli-plugins/docker-buildx" ] \
      || cp "$ENGINE/root/usr/libexec/docker/cli-plugins/docker-buildx" "$ENGINE/cfg/cli-plugins/"
    log "engine: answering on $DOCKER_HOST (dockerd pid $(cat "$ENGINE/dockerd.pid" 2> /dev/null || echo '?')), adopted"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "the engine is not running and starting it needs root"
  timed "engine fetch" fetch_engine
  start_engine "$ENGINE"
  log "engine: $("$DOCKER" info -f 'docker {{.ServerVersion}}, storage {{.Driver}}'), $("$DOCKER" buildx version)"
}
