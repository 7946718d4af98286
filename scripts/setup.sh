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
command -v skopeo >/dev/null || missing+=(skopeo)
# The HTML report's test opens the page in headless Chromium (driven by playwright-core).
command -v chromium >/dev/null || missing+=(chromium)
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

# --- docker buildx (BuildKit through the Docker CLI) -----------------------------------------------
# Debian 12 has no buildx package; Debian 13's docker-buildx plugin runs against Debian 12's Engine
# 20.10. Only that one .deb is fetched, through a private apt state (its own source list, lists and
# cache in a temp folder), so this machine's sources stay as they were and nothing else upgrades.
buildx_works() { docker buildx version >/dev/null 2>&1; }
install_buildx() {
  local plugins=/usr/libexec/docker/cli-plugins
  if apt-cache policy docker-buildx 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-buildx >/dev/null
    return
  fi
  local mirror tmp
  # The mirror this machine already uses for its own release (no host is written here).
  mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
    awk -v rel="$(. /etc/os-release && echo "$VERSION_CODENAME")" '$2 == rel { print $1; exit }')
  [ -n "$mirror" ] || { echo "setup: no Debian mirror found in this machine's apt sources for buildx" >&2; return 1; }
  tmp=$(mktemp -d)
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" RETURN
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/deb"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror} trixie main" >"$tmp/sources.list"
  local apt=(apt-get -qq -o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache" -o APT::Sandbox::User=root)
  "${apt[@]}" update >/dev/null
  (cd "$tmp" && "${apt[@]}" download docker-buildx >/dev/null)
  dpkg-deb -x "$tmp"/docker-buildx_*.deb "$tmp/deb"
  local binary="$tmp/deb/usr/libexec/docker/cli-plugins/docker-buildx"
  # Without root, the user's own plugin folder, which the Docker CLI also searches.
  as_root install -D -m 0755 "$binary" "$plugins/docker-buildx" 2>/dev/null ||
    install -D -m 0755 "$binary" "${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-buildx"
}
if command -v docker >/dev/null && ! buildx_works; then
  if command -v apt-get >/dev/null; then
    say "installing the docker buildx plugin"
    install_buildx
    buildx_works || { echo "setup: docker buildx still does not run after installing it" >&2; exit 1; }
  else
    echo "setup: docker buildx is missing: install it (builds then fall back to the Engine's legacy builder)" >&2
  fi
fi

# --- Node dependencies ----------------------------------------------------------------------------
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing Node dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- local base images (nothing is pulled from Docker Hub) ---------------------------------------
bash scripts/base-images.sh
say "ready"
