# Step 4 of `up`: arm64 emulation. binfmt_misc mounted; bookworm's qemu-aarch64-static registered with the
# F flag (the kernel opens the interpreter at registration, so it works inside build containers).

BINFMT=/proc/sys/fs/binfmt_misc
# bookworm's qemu-aarch64-static (7.2): the installed package's if there is one, else unpacked from its .deb
# (fetched with the host's apt lists; nothing is installed).
qemu_binary() {
  if [ -x /usr/bin/qemu-aarch64-static ] && dpkg-query -W -f='${Status}' qemu-user-static 2> /dev/null | grep -q 'ok installed'; then
    echo /usr/bin/qemu-aarch64-static
    return 0
  fi
  local dir=$CACHE/qemu
  if [ ! -x "$dir/qemu-aarch64-static" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && apt-get download qemu-user-static > "$LOGS/qemu-apt.log" 2>&1) \
      || (apt-get update >> "$LOGS/qemu-apt.log" 2>&1 && cd "$dir" && apt-get download qemu-user-static >> "$LOGS/qemu-apt.log" 2>&1) \
      || die "apt-get download qemu-user-static failed, see $LOGS/qemu-apt.log"
    dpkg-deb -x "$dir"/qemu-user-static_*.deb "$dir/x"
    cp "$dir/x/usr/bin/qemu-aarch64-static" "$dir/"
    rm -rf "$dir/x" "$dir"/qemu-user-static_*.deb
  fi
  echo "$dir/qemu-aarch64-static"
}

emulation_ready() { [ -f "$BINFMT/qemu-aarch64" ] && grep -q '^enabled' "$BINFMT/qemu-aarch64" && grep -q '^flags:.*F' "$BINFMT/qemu-aarch64"; }

ensure_emulation() {
  if emulation_ready; then log "emulation: qemu-aarch64 registered with F ($(sed -n 's/^interpreter //p' "$BINFMT/qemu-aarch64"))"; return 0; fi
  [ "$(id -u)" = 0 ] || die "arm64 emulation is not registered and registering it needs root"
  [ -e "$BINFMT/register" ] || mount -t binfmt_misc binfmt_misc "$BINFMT" || die "cannot mount binfmt_misc on $BINFMT"
  local qemu
  qemu=$(qemu_binary)
  # registered without F (e.g. by binfmt-support): the interpreter would be looked up inside each build
  # container, where it does not exist. Replace it.
  if [ -e "$BINFMT/qemu-aarch64" ]; then log "emulation: qemu-aarch64 registered without F, re-registering"; echo -1 > "$BINFMT/qemu-aarch64"; fi
  # ELF64 little-endian, e_machine 0xb7 (AArch64); flags F (open the interpreter now: works in any mount
  # namespace) and P (preserve argv[0]), as in ../shared/reference/modern-engine/arm64-emulation.sh.
  printf '%s' ':qemu-aarch64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:'"$qemu"':FP' \
    > "$BINFMT/register"
  emulation_ready || die "qemu-aarch64 did not register with the F flag: $(cat "$BINFMT/qemu-aarch64" 2> /dev/null)"
  log "emulation: qemu-aarch64 registered with F ($qemu)"
}
