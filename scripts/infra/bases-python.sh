# Python base images for the seeds' benchmarks (issue 22), built from Debian like the Node ones
# (sourced by scripts/test-infra.sh after scripts/infra/bases.sh, whose recipe functions it reuses:
# make_minbase, in_chroot, apt_in_chroot, scrub_rootfs, add_build_cas, distroless_skeleton,
# pack_rootfs, import_tarball). Docker Hub and PyPI are unreachable here, so these stand in for the
# official images, linux/amd64 only (the seeds measure one platform):
#
#   ecr-pipeline-test/python:3.11-full        ~ python:3.12 (buildpack-deps:bookworm's package list, as the
#                                               Node full base, + python3, pip, venv and headers)
#   ecr-pipeline-test/python:3.11-slim        ~ python:3.12-slim (minbase + python3, pip, venv; docs, man
#                                               pages and locales removed like debian:bookworm-slim)
#   ecr-pipeline-test/python:3.11-distroless  ~ gcr.io/distroless/python3-debian12:nonroot (FROM scratch:
#                                               python3.11, its stdlib, the ldd closure of the interpreter
#                                               and of every stdlib extension module, CA certificates,
#                                               nonroot 65532, /tmp)
#
# Substitutions, written next to every number that uses these images (docs/BENCHMARKS.md): Debian
# bookworm's CPython 3.11.2 (/usr/bin/python3.11) instead of a source-built 3.12 in /usr/local (the
# official full and slim images are about 50-60 MB larger for that), and python-is-python3 so that
# `python` runs as in the official images. gcr.io/distroless/python3-debian12 ships this same Debian
# python3.11.
#
# Cached like the Node bases: one rootfs tarball per flavour under $CACHE/rootfs, named by a hash of its
# recipe (packages, RECIPE_VERSION, PYTHON_RECIPE_VERSION), so CI restores `docker import` from the
# tarball instead of running apt; an image whose label already carries the recipe, and is in the
# registry with it, is left alone. Images: local name and $REGISTRY_ADDR/ecr-pipeline-test/python:<tag>.

PYTHON_IMAGE_REPO=${PYTHON_IMAGE_REPO:-ecr-pipeline-test/python}
PYTHON_TAG_PREFIX=3.11
PYTHON_BASE_LABEL=ecr-pipeline-test.python-base
PYTHON_RECIPE_VERSION=1
PYTHON_FULL_PACKAGES="$FULL_PACKAGES python3-pip python3-venv python3-dev python-is-python3"
PYTHON_SLIM_PACKAGES="ca-certificates python3 python3-pip python3-venv python-is-python3"
PYTHON_BUILD=$CACHE/build-python

python_recipe_key() { # $1 flavour
  local packages
  case $1 in
    full) packages=$PYTHON_FULL_PACKAGES ;;
    *) packages=$PYTHON_SLIM_PACKAGES ;; # distroless is cut from the slim rootfs
  esac
  printf '%s|%s|python-%s|%s' "$RECIPE_VERSION" "$PYTHON_RECIPE_VERSION" "$1" "$packages" | sha256sum | cut -c1-12
}

# minbase + apt packages, as a rootfs directory at $PYTHON_BUILD/<name>
make_python_rootfs() { # $1 name  $2 packages  $3 slim (0/1)
  local name=$1 packages=$2 slim=$3 root=$PYTHON_BUILD/$1
  make_minbase amd64
  rm -rf "$root" && mkdir -p "$root" "$CACHE/aptcache/partial"
  zstd -q -dc "$CACHE/rootfs/minbase-$SUITE-amd64.tar.zst" | tar -C "$root" --numeric-owner -xf -
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"
  log "python-$name: apt-get install $packages"
  timed "python-$name apt in chroot" apt_in_chroot "$root" "$packages" "$LOGS/apt-python-$name.log" \
    || die "apt in chroot failed for python-$name, see $LOGS/apt-python-$name.log"
  rm -f "$root/usr/sbin/policy-rc.d"
  add_build_cas "$root"
  in_chroot "$root" python -c 'import ssl, sqlite3, sys; print("python", sys.version.split()[0], "ok")' >&2
  scrub_rootfs "$root" "$slim"
}

# The distroless-style tree: python3.11, its stdlib (without test suites, IDLE, tkinter, ensurepip,
# lib2to3, distutils, the config dir), and the shared-library closure of the interpreter and of every
# stdlib extension module, resolved inside the slim rootfs; no dist-packages (pip stays out).
make_python_distroless_tree() { # $1 slim rootfs  $2 output dir
  local src=$1 out=$2 lib real dir version
  version=$(basename "$(readlink -f "$src/usr/bin/python3")") # python3.11
  rm -rf "$out" && mkdir -p "$out"/usr/bin "$out"/usr/lib/x86_64-linux-gnu "$out"/usr/lib64 "$out"/usr/lib/python3/dist-packages
  ln -s usr/bin "$out/bin" && ln -s usr/lib "$out/lib" && ln -s usr/lib64 "$out/lib64"
  distroless_skeleton "$out"
  rmdir "$out/nodejs/bin" "$out/nodejs"
  cp -a "$src/usr/bin/$version" "$out/usr/bin/"
  ln -s "$version" "$out/usr/bin/python3" && ln -s python3 "$out/usr/bin/python"
  tar -C "$src" -cf - --exclude="usr/lib/$version/test" --exclude="usr/lib/$version/idlelib" \
    --exclude="usr/lib/$version/tkinter" --exclude="usr/lib/$version/turtledemo" \
    --exclude="usr/lib/$version/ensurepip" --exclude="usr/lib/$version/lib2to3" \
    --exclude="usr/lib/$version/distutils" --exclude="usr/lib/$version/config-*" \
    --exclude="usr/lib/$version/site-packages" "usr/lib/$version" | tar -C "$out" -xf -
  # Debian's site module also reads /usr/lib/python3/dist-packages: the app's packages go there.
  for lib in $(in_chroot "$src" sh -c "{ ldd /usr/bin/$version; for m in /usr/lib/$version/lib-dynload/*.so; do ldd \"\$m\"; done; } 2> /dev/null" \
    | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u); do
    real=$(in_chroot "$src" readlink -f "$lib")
    dir=$(dirname "$real")
    mkdir -p "$out$dir"
    [ -e "$out$dir/$(basename "$lib")" ] || cp -L "$src$real" "$out$dir/$(basename "$lib")"
  done
  # glibc dlopen()s libgcc_s for thread cancellation; the ELF interpreter path is /lib64/...
  cp -L "$src/usr/lib/x86_64-linux-gnu/libgcc_s.so.1" "$out/usr/lib/x86_64-linux-gnu/"
  [ -e "$out/usr/lib64/ld-linux-x86-64.so.2" ] || cp -L "$src/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$out/usr/lib64/"
  # self-test: the closure alone runs python with TLS, sqlite, ctypes and hashing
  /usr/sbin/chroot "$out" /usr/bin/python3 -c 'import ssl, sqlite3, ctypes, hashlib, json, zlib, lzma, bz2; print("distroless python ok")' >&2
}

python_tarball() { # $1 flavour; prints the tarball path, building the rootfs when it is not cached
  local flavour=$1 key tarball
  key=$(python_recipe_key "$flavour")
  tarball=$CACHE/rootfs/python$PYTHON_TAG_PREFIX-$flavour-amd64-$key.tar.zst
  if [ -s "$tarball" ] && [ "$FORCE_BASES" != 1 ]; then echo "$tarball"; return 0; fi
  case $flavour in
    full) timed "rootfs python-full" make_python_rootfs full "$PYTHON_FULL_PACKAGES" 0 >&2 ;;
    slim) timed "rootfs python-slim" make_python_rootfs slim "$PYTHON_SLIM_PACKAGES" 1 >&2 ;;
    distroless)
      [ -d "$PYTHON_BUILD/slim/usr/bin" ] || timed "rootfs python-slim" make_python_rootfs slim "$PYTHON_SLIM_PACKAGES" 1 >&2
      timed "python distroless tree" make_python_distroless_tree "$PYTHON_BUILD/slim" "$PYTHON_BUILD/distroless" >&2
      ;;
  esac
  timed "tar+zstd python-$flavour" pack_rootfs "$PYTHON_BUILD/$flavour" "$tarball" >&2
  find "$CACHE/rootfs" -maxdepth 1 -name "python$PYTHON_TAG_PREFIX-$flavour-amd64-*.tar.zst" ! -path "$tarball" -delete
  log "python-$flavour rootfs: $(du -sh "$PYTHON_BUILD/$flavour" | cut -f1), tarball $(du -h "$tarball" | cut -f1)"
  echo "$tarball"
}

python_import_options() { # $1 flavour  $2 key: the image config, same shape as the official images
  local path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  case $1 in
    full | slim)
      printf '%s\n' --change "ENV PATH=$path" --change "ENV LANG=C.UTF-8" --change 'CMD ["python3"]' \
        --change "LABEL $PYTHON_BASE_LABEL=$2" --message "debootstrap $SUITE + Debian python3.11 ($1)"
      ;;
    distroless)
      # same shape as gcr.io/distroless/python3-debian12:nonroot (entrypoint, user, workdir)
      printf '%s\n' --change "ENV PATH=/usr/bin:/bin" --change "ENV LANG=C.UTF-8" \
        --change "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" \
        --change 'USER 65532:65532' --change 'WORKDIR /home/nonroot' --change 'ENTRYPOINT ["/usr/bin/python3"]' \
        --change "LABEL $PYTHON_BASE_LABEL=$2" --message "distroless-style python3.11"
      ;;
  esac
}

ensure_python_base() { # $1 flavour: full | slim | distroless
  local flavour=$1 tag=$PYTHON_TAG_PREFIX-$1 key tarball opts
  local local_name=$PYTHON_IMAGE_REPO:$tag remote=$REGISTRY_ADDR/$PYTHON_IMAGE_REPO:$tag
  key=$(python_recipe_key "$flavour")
  if [ "$FORCE_BASES" != 1 ] \
    && [ "$("$DOCKER" image inspect -f "{{index .Config.Labels \"$PYTHON_BASE_LABEL\"}}" "$local_name" 2> /dev/null)" = "$key" ] \
    && skopeo inspect --tls-verify=false --config "docker://$remote" 2> /dev/null | grep -q "\"$PYTHON_BASE_LABEL\": *\"$key\""; then
    log "$local_name: present (also $remote)"
    return 0
  fi
  tarball=$(python_tarball "$flavour") || exit 1
  mapfile -t opts < <(python_import_options "$flavour" "$key")
  timed "docker import python-$flavour" import_tarball "$tarball" "$remote" --platform linux/amd64 "${opts[@]}"
  timed "docker push $remote" run_logged "$LOGS/push-python-$flavour.log" "$DOCKER" push "$remote" \
    || die "docker push $remote failed, see $LOGS/push-python-$flavour.log"
  "$DOCKER" tag "$remote" "$local_name"
  log "$local_name: $("$DOCKER" image inspect -f '{{.Size}}' "$local_name") bytes, also $remote"
}

ensure_python_bases() {
  mkdir -p "$CACHE/rootfs" "$PYTHON_BUILD"
  local flavour
  for flavour in ${PYTHON_BASE_FLAVOURS:-full slim distroless}; do timed "python base $flavour" ensure_python_base "$flavour"; done
  rm -rf "$PYTHON_BUILD"
}
