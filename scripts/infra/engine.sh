# Step 2 of `up`: the engine. Debian trixie's docker.io (26.1), docker-cli, docker-buildx (0.13), containerd
# (1.7) and tini, fetched with a PRIVATE apt state (nothing in /etc/apt or dpkg's database changes) and
# unpacked under $CACHE/engine/root; bookworm's runc (trixie's needs glibc 2.38). containerd + dockerd with
# the containerd image store, `--bridge=none --iptables=false --ip6tables=false`, sockets under
# $CACHE/engine. An engine already answering on $CACHE/engine/docker.sock is adopted as it is.

# trixie's engine; docker.io 26.1.5, containerd 1.7.24, docker-buildx 0.13.1 when this was written
ENGINE_PACKAGES="docker.io docker-cli docker-buildx containerd tini"
ENGINE_SUITE=trixie

# The binaries: trixie's packages unpacked with dpkg-deb -x (reference: modern-engine/start.sh). They need
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

ensure_engine() {
  mkdir -p "$ENGINE/cfg/cli-plugins"
  if docker_answers; then
    # e.g. started by an earlier `up` or by the reference start.sh with the same DIR: adopted, not restarted
    [ -x "$ENGINE/cfg/cli-plugins/docker-buildx" ] \
      || cp "$ENGINE/root/usr/libexec/docker/cli-plugins/docker-buildx" "$ENGINE/cfg/cli-plugins/"
    log "engine: answering on $DOCKER_HOST (dockerd pid $(cat "$ENGINE/dockerd.pid" 2> /dev/null || echo '?')), adopted"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "the engine is not running and starting it needs root"
  command -v runc > /dev/null || die "runc missing (bookworm's runc is installed by the packages step)"
  timed "engine fetch" fetch_engine
  cp "$ENGINE/root/usr/libexec/docker/cli-plugins/docker-buildx" "$ENGINE/cfg/cli-plugins/"
  mkdir -p "$ENGINE"/{data,exec,ctd,ctdstate}
  # The CRI plugin is Kubernetes' interface; dockerd does not use it (and a second engine's would only
  # compete for the same CNI setup).
  cat > "$ENGINE/containerd.toml" << TOML
version = 2
root = "$ENGINE/ctd"
state = "$ENGINE/ctdstate"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$ENGINE/containerd.sock"
TOML
  # The containerd image store is what lets the default `docker` buildx driver export registry caches,
  # write zstd layers and build multi-platform images (reference README, measured).
  echo '{ "features": { "containerd-snapshotter": true } }' > "$ENGINE/daemon.json"
  local path="$ENGINE/root/usr/bin:$ENGINE/root/usr/sbin:$PATH" i
  if ! { pid_alive "$ENGINE/containerd.pid" && [ -S "$ENGINE/containerd.sock" ]; }; then
    log "engine: starting containerd"
    # setsid: the daemons must outlive this shell and the CI step that ran it
    PATH=$path setsid nohup containerd --config "$ENGINE/containerd.toml" \
      >> "$ENGINE/containerd.log" 2>&1 < /dev/null &
    echo $! > "$ENGINE/containerd.pid"
    for i in $(seq 1 100); do [ -S "$ENGINE/containerd.sock" ] && break; sleep 0.1; done
    [ -S "$ENGINE/containerd.sock" ] || die "containerd did not create its socket, see $ENGINE/containerd.log"
  fi
  log "engine: starting dockerd (containerd image store, --bridge=none --iptables=false --ip6tables=false)"
  # No bridge and no iptables: builds and containers use --network=host (loopback registry, npm registry).
  PATH=$path setsid nohup dockerd --config-file "$ENGINE/daemon.json" -H "$DOCKER_HOST" \
    --data-root "$ENGINE/data" --exec-root "$ENGINE/exec" --pidfile "$ENGINE/dockerd.pid" \
    --containerd "$ENGINE/containerd.sock" --bridge=none --iptables=false --ip6tables=false \
    >> "$ENGINE/dockerd.log" 2>&1 < /dev/null &
  local pid=$!
  for i in $(seq 1 120); do
    docker_answers && { log "engine: up after ~$((i / 2))s (dockerd pid $pid)"; break; }
    kill -0 "$pid" 2> /dev/null || die "dockerd exited, see $ENGINE/dockerd.log"
    sleep 0.5
  done
  docker_answers || die "dockerd did not answer within 60s, see $ENGINE/dockerd.log"
  log "engine: $("$DOCKER" info -f 'docker {{.ServerVersion}}, storage {{.Driver}}'), $("$DOCKER" buildx version)"
}
