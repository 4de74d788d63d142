# Step 1 of `up`: the host's Debian packages (docker-registry debootstrap zstd skopeo curl runc, bookworm;
# chromium for the cost-review comment's rendering test, test/review/render-html.test.ts);
# `apt-get update` only when a missing package has no install candidate (fresh machine with empty apt lists).

HOST_PACKAGES="docker-registry debootstrap zstd skopeo curl runc chromium"
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
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
    >> "$LOGS/apt-host.log" 2>&1 || die "apt-get install failed, see $LOGS/apt-host.log"
}
