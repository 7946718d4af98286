#!/usr/bin/env bash
# Builds the local base images the example and test modules use through `ARG BASE_IMAGE`, from
# Debian packages only, so that no build pulls from a registry. Skips images that already exist.
set -euo pipefail

say() { [ "${MMK_QUIET:-}" = 1 ] || echo "base-images: $*"; }
have() { docker image inspect "$1" >/dev/null 2>&1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Python 3 with pydicom and numpy: what a typical mercure module needs (~1 minute).
PY=mmk-base/python-pydicom:bookworm
if ! have "$PY"; then
  say "building $PY with mmdebstrap"
  mmdebstrap --quiet --variant=apt --include=python3-minimal,python3-pydicom,python3-numpy \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    bookworm "$work/python.tar"
  docker import --change 'CMD ["python3"]' "$work/python.tar" "$PY" >/dev/null
fi

# A busybox-static rootfs: a shell, cat and the usual applets in a few MB, for small test modules.
BB=mmk-base/busybox:static
if ! have "$BB"; then
  say "building $BB from busybox-static"
  root="$work/busybox"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/usr/bin"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  tar -C "$root" -cf "$work/busybox.tar" .
  docker import --change 'CMD ["/bin/sh"]' "$work/busybox.tar" "$BB" >/dev/null
fi
