#!/usr/bin/env bash
# Makes this machine ready to validate modules and run the test suite, and does nothing that is
# already done: Node dependencies, a Docker Engine that answers, the registry and DICOM packages
# the tests use, and the local base images. On a machine that already has Docker (a laptop, a
# GitHub runner) it just uses it. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { [ "${MMK_QUIET:-}" = 1 ] || echo "setup: $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

# --- Debian packages, only those missing -------------------------------------------------------
missing=()
engine_answers() { docker info >/dev/null 2>&1; }
if ! engine_answers && ! command -v dockerd >/dev/null; then missing+=(docker.io); fi
command -v docker >/dev/null || missing+=(docker.io)
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v htpasswd >/dev/null || missing+=(apache2-utils)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx cat || missing+=(busybox-static)
/usr/bin/python3 -c 'import pydicom' 2>/dev/null || missing+=(python3-pydicom)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    as_root apt-get update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
  else
    echo "setup: missing ${missing[*]} and this is not a Debian machine: install them by hand" >&2
    exit 1
  fi
fi

# --- a Docker Engine ------------------------------------------------------------------------------
if ! engine_answers; then
  say "no Docker Engine answers: starting dockerd (no bridge network, no iptables)"
  as_root mkdir -p /var/log
  # Started in its own session so that it outlives this script; builds and tests need no bridge.
  as_root setsid nohup dockerd --bridge=none --iptables=false --ip6tables=false \
    >/var/log/mmk-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do engine_answers && break; sleep 0.5; done
  engine_answers || { echo "setup: dockerd did not come up; see /var/log/mmk-dockerd.log" >&2; exit 1; }
fi

# --- Node dependencies ----------------------------------------------------------------------------
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing Node dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- local base images (nothing is pulled from Docker Hub) ---------------------------------------
bash scripts/base-images.sh
say "ready"
