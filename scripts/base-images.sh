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

# The same busybox base once per CPU for multi-platform fixtures (FROM ...:static-${TARGETARCH}):
# amd64 is the image above; arm64 is Debian's busybox-static for arm64, fetched as one .deb through
# a private apt state (its own architecture, lists and cache in a temp folder: this machine's apt
# is untouched) and made an arm64 image by BuildKit from scratch, which needs no emulator.
have "$BB-amd64" || docker tag "$BB" "$BB-amd64"
if ! have "$BB-arm64"; then
  say "building $BB-arm64 from Debian's busybox-static:arm64"
  mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
    awk -v rel="$(. /etc/os-release && echo "$VERSION_CODENAME")" '$2 == rel { print $1; exit }')
  [ -n "$mirror" ] || { echo "base-images: no Debian mirror in this machine's apt sources for busybox-static:arm64" >&2; exit 1; }
  apt_dir="$work/apt"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$work/arm64/deb"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror} $(. /etc/os-release && echo "$VERSION_CODENAME") main" >"$apt_dir/sources.list"
  apt=(apt-get -qq -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root
    -o APT::Architecture=arm64 -o APT::Architectures::=arm64)
  "${apt[@]}" update >/dev/null
  (cd "$work/arm64" && "${apt[@]}" download busybox-static:arm64 >/dev/null)
  dpkg-deb -x "$work"/arm64/busybox-static_*_arm64.deb "$work/arm64/deb"
  root="$work/arm64/root"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp "$work/arm64/deb/bin/busybox" "$root/bin/busybox"
  # The applet list of this machine's busybox (the same Debian version): the arm64 one cannot run here.
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  mkdir -p "$work/arm64/ctx"
  tar -C "$root" -cf "$work/arm64/ctx/rootfs.tar" .
  printf 'FROM scratch\nADD rootfs.tar /\nCMD ["/bin/sh"]\n' > "$work/arm64/ctx/Dockerfile"
  docker buildx build --quiet --load --platform linux/arm64 -t "$BB-arm64" "$work/arm64/ctx" >/dev/null
fi
