#!/bin/bash
# Test infrastructure for real image builds: a current Docker engine (BuildKit 0.13, containerd image
# store), a registry, arm64 emulation and Node base images for linux/amd64 and linux/arm64, all local.
#
#   bash scripts/test-infra.sh up       # idempotent; what .ci/run calls before the integration tests
#   bash scripts/test-infra.sh env      # prints the exports that point a shell at this engine
#   bash scripts/test-infra.sh status   # what is installed / running / built
#   bash scripts/test-infra.sh down     # stop the engine and registry of $CACHE (pid files)
#   bash scripts/test-infra.sh reset-registry   # empty the registry's storage (bench runs accumulate blobs)
#   bash scripts/test-infra.sh engine-start DIR [127.0.0.1:PORT]  # a private engine, started EMPTY in DIR
#   bash scripts/test-infra.sh engine-stop DIR      # stops it (pid files), unmounts what it left
#   bash scripts/test-infra.sh engine-remove DIR    # stops it and deletes its images and caches
#
# `up` runs its steps in order; each is skipped when its result is already there, and timed in the log.
# Each step lives in its own file under scripts/infra/ (its comment says what it does):
#   1. packages   scripts/infra/packages.sh    host Debian packages
#   2. engine     scripts/infra/engine.sh      docker 26.1 / containerd 1.7 / buildx 0.13, own sockets
#   3. registry   scripts/infra/registry.sh    docker-registry on $REGISTRY_ADDR
#   4. emulation  scripts/infra/emulation.sh   qemu-aarch64 with the F flag
#   5. bases      scripts/infra/bases.sh       ecr-pipeline-test/node:22-{full,slim,distroless}
# Common settings and helpers (cache root, logging, pid files): scripts/infra/lib.sh.
#
# Use the engine with `eval "$(bash scripts/test-infra.sh env)"` (DOCKER_HOST, DOCKER_CONFIG with the
# buildx plugin, PATH with docker 26.1 first); tools/lib/docker.ts and the integration suite's
# test/integration/engine-env.ts find it by its socket. Builds need `--network=host`.
#
# Cache (survives between runs on one machine; CI machines may start empty): $ECR_PIPELINE_CACHE,
# default /var/cache/ecr-pipeline: engine/ (binaries, sockets, image store), node/ and npm/ tarballs,
# debootstrap and apt .deb caches, rootfs tarballs (keyed by a hash of their recipe), registry storage,
# qemu/, logs/ and run/ (pid files of the registry). A second $ECR_PIPELINE_CACHE (with another
# REGISTRY_ADDR) is a second, independent engine and registry: `down` stops only its own.
#
# Env knobs: NODE_MAJOR (22), NPM_SPEC (npm@10), FORCE_BASES=1 (rebuild bases even if present),
# ECR_PIPELINE_CACHE, REGISTRY_ADDR (127.0.0.1:5000), DEBIAN_MIRROR (the host's), EXTRA_CA_DIR
# (/usr/local/share/ca-certificates: the host's added CAs, e.g. of a TLS-intercepting egress proxy, are
# trusted by npm in the full/slim bases; the distroless base gets Debian's bundle only).
set -euo pipefail

INFRA_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/infra" && pwd)
# shellcheck source=infra/lib.sh
source "$INFRA_DIR/lib.sh"
# shellcheck source=infra/packages.sh
source "$INFRA_DIR/packages.sh"
# shellcheck source=infra/engine.sh
source "$INFRA_DIR/engine.sh"
# shellcheck source=infra/registry.sh
source "$INFRA_DIR/registry.sh"
# shellcheck source=infra/emulation.sh
source "$INFRA_DIR/emulation.sh"
# shellcheck source=infra/bases.sh
source "$INFRA_DIR/bases.sh"
export DOCKER_HOST DOCKER_CONFIG

# ------------------------------------------------------------------------------------------- subcommands
cmd_up() {
  mkdir -p "$LOGS" "$RUN"
  local t0
  t0=$(now)
  timed packages ensure_packages
  timed engine ensure_engine
  timed registry ensure_registry
  timed emulation ensure_emulation
  timed bases ensure_bases
  source "$INFRA_DIR/bases-python.sh" && timed "python bases" ensure_python_bases
  log "up: ready in $(since "$t0")s (docker: $DOCKER, $DOCKER_HOST, registry: $REGISTRY_ADDR)"
  log "use it:  eval \"\$(bash $0 env)\""
}

cmd_env() {
  printf 'export DOCKER_HOST=%q\n' "$DOCKER_HOST"
  printf 'export DOCKER_CONFIG=%q\n' "$DOCKER_CONFIG"
  printf 'export PATH=%q:"$PATH"\n' "$ENGINE/root/usr/bin"
}

# Stops the registry and engine of THIS cache dir only (their pid files), dockerd before containerd.
cmd_down() {
  stop_pidfile registry "$RUN/registry.pid"
  stop_engine "$ENGINE"
}

# A private engine beside the shared one (benchmarks, tests: tools/lib/private-engine.ts): its own
# containerd, dockerd, sockets, image store and build cache in DIR, the shared engine's binaries. Never
# the shared engine's directory ($CACHE/engine: `up`/`down` own it).
private_dir() { # $1 DIR argument of an engine-* subcommand; prints it, checked
  local dir=${1:-}
  case $dir in /*) ;; *) die "usage: $0 engine-start|engine-stop|engine-remove /absolute/dir [127.0.0.1:PORT]" ;; esac
  dir=${dir%/}
  [ "$dir" != "$ENGINE" ] || die "$dir is the shared engine: use up/down"
  echo "$dir"
}
# Starts an EMPTY engine in DIR: a leftover one there is stopped and its state wiped first. Prints the
# exports that point a shell at it (as `env` does for the shared one).
cmd_engine_start() {
  local dir
  dir=$(private_dir "${1:-}")
  check_loopback "${2:-}"
  stop_engine "$dir"
  wipe_engine_state "$dir"
  start_engine "$dir" "${2:-}"
  printf 'export DOCKER_HOST=%q\n' "unix://$dir/docker.sock"
  printf 'export DOCKER_CONFIG=%q\n' "$dir/cfg"
  printf 'export PATH=%q:"$PATH"\n' "$ENGINE/root/usr/bin"
}

cmd_status() {
  local pkg flavour rc=0 remote
  for pkg in $HOST_PACKAGES; do
    printf '%-16s %s\n' "$pkg" "$(dpkg-query -W -f='${Version}' "$pkg" 2> /dev/null || echo MISSING)"
  done
  if docker_answers; then
    echo "engine           up on $DOCKER_HOST ($("$DOCKER" info -f 'docker {{.ServerVersion}}, {{.Driver}}'), $("$DOCKER" buildx version | cut -d' ' -f1,2))"
  else
    echo "engine           DOWN ($DOCKER_HOST)"
    rc=1
  fi
  if registry_answers; then echo "registry         up on $REGISTRY_ADDR"; else echo "registry         DOWN"; rc=1; fi
  if emulation_ready; then echo "emulation        linux/arm64 ($(sed -n 's/^interpreter //p' "$BINFMT/qemu-aarch64"), $(sed -n 's/^flags: //p' "$BINFMT/qemu-aarch64"))"; else echo "emulation        MISSING (qemu-aarch64 with F)"; rc=1; fi
  for flavour in full slim distroless; do
    remote=$REGISTRY_ADDR/$IMAGE_REPO:$NODE_MAJOR-$flavour
    if docker_answers && image_exists "$IMAGE_REPO:$NODE_MAJOR-$flavour"; then
      printf '%-38s %s bytes compressed; %s: %s\n' "$IMAGE_REPO:$NODE_MAJOR-$flavour" "$("$DOCKER" image inspect -f '{{.Size}}' "$IMAGE_REPO:$NODE_MAJOR-$flavour")" \
        "$remote" "$(registry_platforms "$remote")"
    else
      printf '%-38s MISSING\n' "$IMAGE_REPO:$NODE_MAJOR-$flavour"
      rc=1
    fi
  done
  echo "cache            $CACHE ($(du -sh "$CACHE" 2> /dev/null | cut -f1))"
  return $rc
}

# Every bench run pushes new blobs (a naive cold build alone is ~300 MB); this drops the registry's
# storage. The next `up` pushes the bases again.
cmd_reset_registry() {
  if ! pid_alive "$RUN/registry.pid" && registry_answers; then
    die "the registry on $REGISTRY_ADDR was not started by this script; not touching it"
  fi
  stop_pidfile registry "$RUN/registry.pid"
  rm -rf "$CACHE/registry/data"
  mkdir -p "$LOGS" "$RUN"
  ensure_registry
  log "the bases are no longer in the registry: run \`$0 up\` to push them again"
}

case ${1:-} in
  up) cmd_up ;;
  env) cmd_env ;;
  down) cmd_down ;;
  status) cmd_status ;;
  reset-registry) cmd_reset_registry ;;
  engine-start) cmd_engine_start "${2:-}" "${3:-}" ;;
  engine-stop)
    dir=$(private_dir "${2:-}")
    stop_engine "$dir"
    ;;
  engine-remove)
    dir=$(private_dir "${2:-}")
    stop_engine "$dir"
    wipe_engine_state "$dir"
    ;;
  *)
    echo "usage: $0 up|env|status|down|reset-registry|engine-start DIR [127.0.0.1:PORT]|engine-stop DIR|engine-remove DIR" >&2
    exit 2
    ;;
esac
