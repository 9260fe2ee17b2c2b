#!/usr/bin/env bash
# shellcheck disable=SC2329 # shellcheck 0.11 calls the functions main reaches "never invoked" once a script ends in `main; exit`
# The offline build stack of mkmulti's end-to-end harness: a real Docker engine, buildx and QEMU assembled from
# Debian packages, and loopback registries: one mirrors Docker Hub with stand-in base images, one serves the
# distroless stand-ins as gcr.io (to dockerd only), one takes the harness's pushes. For machines
# that reach only Debian's archive (and the language registries), not Docker Hub. Needs root (dockerd,
# binfmt_misc, debootstrap) and a Debian bookworm x86_64 host.
#
#   scripts/e2e/stack.sh up [--golang-platforms LIST]   set up (idempotent, cached) and start; prints nothing
#                                                        on stdout; lists what it started in $DIR/run/started
#   scripts/e2e/stack.sh down [dockerd] [mirror] [registry] [gcr]   stop those (default all); leaves caches
#   scripts/e2e/stack.sh status                          what runs
#   scripts/e2e/stack.sh env                             export lines for this stack's docker client
#
# Everything lives under MKMULTI_E2E_DIR (default ~/.cache/mkmulti-e2e), nothing under /etc or /var/lib:
#   bin/                dockerd, containerd, shim, docker-proxy (Debian trixie .debs, unpacked), docker if absent
#   docker-config/      DOCKER_CONFIG with cli-plugins/docker-buildx (trixie)
#   apt-trixie/         a private apt state for trixie: the system's apt sources are not touched
#   standins/           build contexts of the stand-in images (debootstrapped root filesystems as tars)
#   registry/           the mirror's data: the stand-in images survive restarts (the cache of a second run)
#   gcr-tls/            the self-signed certificate of the gcr.io registry
#   docker/             dockerd's data-root and exec-root;  run/  sockets, pids, logs
# Ports and names are its own (mirror 127.0.0.1:$MKMULTI_E2E_PORT, default 5230, pushes on the next port;
# socket run/docker.sock; bridge mke2e0), so it runs beside other Docker set-ups on the machine; except gcr.io's
# registry, which must listen on port 443 ($MKMULTI_E2E_GCR_IP, default 127.0.0.1).
#
# The pieces, and why (measured on a 2-core bookworm VM):
#   * dockerd 26 + containerd 1.7 from trixie (they run on bookworm's glibc); runc from bookworm (trixie's
#     needs glibc 2.38). The containerd image store is on: with it the docker driver (builder `default`)
#     builds several platforms in one command and pushes them; a docker-container builder would have to
#     pull moby/buildkit from Docker Hub.
#   * buildx from trixie's docker-buildx (bookworm has none).
#   * qemu-user-static + binfmt_misc with the F flag, so foreign platforms' images run.
#   * Three registries on loopback: a Docker Hub mirror (stand-ins, on disk), one for pushes (in memory), and
#     gcr.io: the mirror's storage again, read only, over HTTPS on 443 with a self-signed certificate.
#   * dockerd in a mount namespace of its own whose /etc/hosts (a bind mount; the machine's file is untouched)
#     names gcr.io 127.0.0.1, with gcr.io in insecure-registries (HTTPS without verification).
#   * No NAT (no iptables rules are written): builds need `--network host` to reach Debian's archive.
#   * Stand-ins pushed under Docker Hub names, so FROM lines stay as generated: debian:bookworm-slim
#     (amd64, arm64, arm/v7; debootstrap, foreign architectures finished under QEMU), golang:1.22-bookworm
#     (Go from bookworm-backports) and rust:1-bookworm (Debian rustc-web; rustup is a labelled stand-in).
#     The distroless runtimes under their own names, gcr.io/distroless/static-debian12:nonroot and
#     cc-debian12:nonroot (amd64, arm64, arm/v7): distroless's own bookworm package lists unpacked into an empty
#     image, on the build platform. Not possible: alpine, docker/dockerfile (the # syntax= frontend): run.sh's
#     overlays.
#   * A mirror whose bookworm-security index for an architecture is stale (seen here for armhf: its size
#     differs from the signed InRelease, so apt-get update fails) is left out for that architecture only,
#     through the Architectures-Remove field of the stand-ins' apt sources.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

DIR=${MKMULTI_E2E_DIR:-$HOME/.cache/mkmulti-e2e}
PORT=${MKMULTI_E2E_PORT:-5230}
REG=127.0.0.1:$PORT
PUSH_REG=127.0.0.1:$((PORT + 1))
SOCK=$DIR/run/docker.sock
BRIDGE=${MKMULTI_E2E_BRIDGE:-mke2e0}
BRIDGE_CIDR=${MKMULTI_E2E_BRIDGE_CIDR:-10.231.0.1/24}
GO_SERIES=${MKMULTI_E2E_GO:-1.22}
DEB_ARCHES=(amd64 arm64 armhf)
HOST_PKGS=(qemu-user-static binfmt-support debootstrap docker-registry runc curl ca-certificates xz-utils
  iproute2 iptables debian-archive-keyring openssl util-linux)
# gcr.io, for dockerd only (its own mount namespace sees a hosts file naming this address): a read-only registry
# on $GCR_IP:443 serves the distroless stand-ins from the mirror's storage. BuildKit reaches a registry named in
# insecure-registries without a port over HTTPS on 443, skipping verification (tried: no plain-HTTP fallback).
GCR_IP=${MKMULTI_E2E_GCR_IP:-127.0.0.1}
GCR_ADDR=$GCR_IP:443
DISTROLESS=(static cc)
E2E_LOG_DIR=$DIR/run/logs

oci_platform() { # Debian arch -> OCI platform
  case $1 in amd64) echo linux/amd64 ;; arm64) echo linux/arm64 ;; armhf) echo linux/arm/v7 ;; *) return 1 ;; esac
}
oci_slug() { # Debian arch -> $TARGETARCH$TARGETVARIANT
  case $1 in amd64) echo amd64 ;; arm64) echo arm64 ;; armhf) echo armv7 ;; *) return 1 ;; esac
}

# The first URI of the system's apt sources (deb822 or one-line) whose path ends in /$1.
apt_source_uri() {
  local f
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    awk -v tail="/$1" '
      { for (i = 1; i <= NF; i++) { u = $i; sub(/\/$/, "", u)
          if (u ~ /^https?:\/\// && substr(u, length(u) - length(tail) + 1) == tail) { print u; exit } } }' "$f"
  done | head -n 1
}
DEB_MIRROR=${MKMULTI_E2E_DEBIAN_MIRROR:-$(apt_source_uri debian)}
DEB_MIRROR=${DEB_MIRROR:-http://deb.debian.org/debian}
SEC_MIRROR=${MKMULTI_E2E_SECURITY_MIRROR:-$(apt_source_uri debian-security)}
SEC_MIRROR=${SEC_MIRROR:-${DEB_MIRROR%/debian}/debian-security}

dk() { DOCKER_HOST=unix://$SOCK DOCKER_CONFIG=$DIR/docker-config "$DOCKER_CLI" "$@"; }
alive() { [ -s "$DIR/run/$1.pid" ] && kill -0 "$(cat "$DIR/run/$1.pid")" 2>/dev/null; }
answers() { curl -fsS -o /dev/null --max-time 2 "http://$1/v2/"; } # HOST:PORT
answers_tls() { curl -kfsS -o /dev/null --max-time 2 "https://$1/v2/"; } # HOST:PORT, any certificate

# ---------------------------------------------------------------------------------------------------- pieces
check_host() {
  [ "$(id -u)" = 0 ] || die "the offline stack needs root (dockerd, binfmt_misc, debootstrap); run as root"
  [ "$(uname -m)" = x86_64 ] || die "the offline stack is made for x86_64 hosts (this is $(uname -m))"
  need_cmd apt-get "the offline stack installs Debian packages"
  need_cmd dpkg-deb "the offline stack unpacks Debian packages"
  need_cmd python3 "python3 (3.11) is needed"
  grep -q 'bookworm' /etc/os-release || log "warning: not Debian bookworm; the stand-ins still are"
}

install_host_packages() {
  local missing=() p
  for p in "${HOST_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} = 0 ]; then
    echo "all present: ${HOST_PKGS[*]}"
    return 0
  fi
  log "installing Debian packages: ${missing[*]}"
  apt_get update -q
  apt_get install -y -q --no-install-recommends "${missing[@]}"
}

fetch_trixie() {
  local t=$DIR/apt-trixie pkgs=(docker.io containerd docker-buildx) deb opts
  if [ -x "$DIR/bin/dockerd" ] && [ -x "$DIR/bin/containerd" ] && [ -x "$DIR/docker-config/cli-plugins/docker-buildx" ]; then
    echo "cached in $DIR/bin"
    return 0
  fi
  command -v docker >/dev/null 2>&1 || pkgs+=(docker-cli)
  log "downloading from Debian trixie (private apt state, system sources untouched): ${pkgs[*]}"
  rm -rf "$t"
  mkdir -p "$t/lists/partial" "$t/cache/archives/partial" "$t/debs" "$t/root" "$DIR/bin" "$DIR/docker-config/cli-plugins"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEB_MIRROR trixie main" >"$t/sources.list"
  opts=(-o "Dir::Etc::SourceList=$t/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$t/lists" -o "Dir::Cache=$t/cache" -o APT::Architectures::=amd64)
  apt_get "${opts[@]}" update -q
  (cd "$t/debs" && apt_get "${opts[@]}" download "${pkgs[@]}")
  for deb in "$t"/debs/*.deb; do dpkg-deb -x "$deb" "$t/root"; done
  install -m 0755 "$t/root/usr/sbin/dockerd" "$t/root/usr/bin/containerd" "$t/root/usr/bin/containerd-shim-runc-v2" "$DIR/bin/"
  if [ -e "$t/root/usr/sbin/docker-proxy" ]; then install -m 0755 "$t/root/usr/sbin/docker-proxy" "$DIR/bin/"; fi
  if [ -e "$t/root/usr/bin/docker" ]; then install -m 0755 "$t/root/usr/bin/docker" "$DIR/bin/"; fi
  install -m 0755 "$t/root/usr/libexec/docker/cli-plugins/docker-buildx" "$DIR/docker-config/cli-plugins/"
  rm -rf "$t/root" "$t/cache"
  "$DIR/bin/dockerd" --version
  "$DIR/bin/containerd" --version
}

setup_binfmt() {
  local name
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  for name in qemu-aarch64 qemu-arm; do
    [ -e "/proc/sys/fs/binfmt_misc/$name" ] || update-binfmts --enable "$name" || update-binfmts --import "$name"
    grep -qx enabled "/proc/sys/fs/binfmt_misc/$name" || die "binfmt_misc: $name is not enabled"
    # F: the kernel opens the interpreter now, so it works inside containers and chroots that lack it.
    grep -q '^flags: .*F' "/proc/sys/fs/binfmt_misc/$name" || die "binfmt_misc: $name lacks the F flag"
    echo "$name: $(grep -E '^(interpreter|flags)' "/proc/sys/fs/binfmt_misc/$name" | tr '\n' ' ')"
  done
}

# Two registries, both Debian's docker-registry on loopback. The mirror keeps the stand-ins on disk, across runs.
# The harness pushes the examples' images to the other, which keeps them in memory: distribution 2.8's
# filesystem driver rewrites a tag's link file in place, and dockerd's push writes the same tag several times at
# once, so a concurrent read there can fail with "invalid checksum digest format" (HTTP 500; seen here); the
# in-memory driver serialises its writes. Its images vanish with it, so it never grows.
start_registry() { # NAME ADDR STORAGE_YAML [HTTP_YAML]: HTTP_YAML (a tls entry) makes it HTTPS
  local name=$1 addr=$2 storage=$3 http=${4:-} probe=answers _
  [ -z "$http" ] || probe=answers_tls
  if alive "$name" && "$probe" "$addr"; then echo "$name: running (pid $(cat "$DIR/run/$name.pid"))"; return 0; fi
  if answers "$addr" || answers_tls "$addr"; then
    die "something else answers on $addr: set MKMULTI_E2E_PORT (this uses it and the next) or MKMULTI_E2E_GCR_IP"
  fi
  cat >"$DIR/run/$name.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  $storage
http:
  addr: $addr
  $http
EOF
  setsid docker-registry serve "$DIR/run/$name.yml" >"$DIR/run/$name.log" 2>&1 </dev/null 8>&- &
  echo $! >"$DIR/run/$name.pid"
  echo "$name" >>"$DIR/run/started"
  for _ in $(seq 1 80); do
    if "$probe" "$addr"; then echo "$name: started on $addr"; return 0; fi
    sleep 0.25
  done
  cat "$DIR/run/$name.log"
  return 1
}

# The gcr.io registry's certificate: self-signed, for gcr.io; dockerd does not verify it (insecure-registries).
gcr_certificate() {
  [ -s "$DIR/gcr-tls/gcr.crt" ] && [ -s "$DIR/gcr-tls/gcr.key" ] && return 0
  mkdir -p "$DIR/gcr-tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=gcr.io -addext subjectAltName=DNS:gcr.io \
    -keyout "$DIR/gcr-tls/gcr.key" -out "$DIR/gcr-tls/gcr.crt" 2>&1
}

start_registries() {
  mkdir -p "$DIR/registry"
  start_registry mirror "$REG" "filesystem: {rootdirectory: $DIR/registry}
  delete: {enabled: true}"
  start_registry registry "$PUSH_REG" "inmemory: {}
  delete: {enabled: true}"
  # gcr.io: the mirror's storage, read only (the stand-ins are pushed to the mirror as distroless/...).
  gcr_certificate
  start_registry gcr "$GCR_ADDR" "filesystem: {rootdirectory: $DIR/registry}
  maintenance: {readonly: {enabled: true}}" "tls: {certificate: $DIR/gcr-tls/gcr.crt, key: $DIR/gcr-tls/gcr.key}"
}

setup_bridge() {
  if ip link show "$BRIDGE" >/dev/null 2>&1; then return 0; fi
  ip link add "$BRIDGE" type bridge
  ip addr add "$BRIDGE_CIDR" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

# dockerd's view of /etc/hosts: the machine's, plus gcr.io on the stand-in registry's address.
write_hosts() { # FILE
  { cat /etc/hosts; printf '%s gcr.io\n' "$GCR_IP"; } >"$1"
}

# A dockerd started by this version of stack.sh: its config is the one wanted and its mount namespace sees gcr.io
# on the stand-ins' address. Another one (an older stack.sh's) is restarted; run.sh holds the run lock meanwhile.
dockerd_current() { # WANTED_DAEMON_JSON
  local pid
  pid=$(cat "$DIR/run/dockerd.pid")
  cmp -s "$1" "$DIR/run/daemon.json" && awk -v ip="$GCR_IP" '$1 == ip && $2 == "gcr.io" { f = 1 } END { exit !f }' "/proc/$pid/root/etc/hosts"
}

# dockerd runs in a mount namespace of its own (unshare, private propagation), where the hosts file above is
# bind-mounted over /etc/hosts: BuildKit in dockerd then resolves gcr.io to the stand-ins' registry, the generated
# `FROM gcr.io/distroless/...` lines stay as written, and the machine's own /etc/hosts is never touched. The
# mounts dockerd makes (overlays, netns files) stay in that namespace and go with it.
start_dockerd() {
  local want _
  want=$(mktemp)
  write_daemon_json "$want"
  if alive dockerd && dk info >/dev/null 2>&1; then
    if dockerd_current "$want"; then rm -f "$want"; echo "running (pid $(cat "$DIR/run/dockerd.pid"))"; return 0; fi
    echo "dockerd (pid $(cat "$DIR/run/dockerd.pid")) runs without gcr.io or with another config: restarting it"
    down dockerd
  fi
  setup_bridge
  mkdir -p "$DIR/docker/data" "$DIR/docker/exec"
  mv "$want" "$DIR/run/daemon.json"
  write_hosts "$DIR/run/hosts"
  # shellcheck disable=SC2016 # $0 and $@ are the inner shell's
  PATH=$DIR/bin:/usr/sbin:/usr/bin:/sbin:/bin setsid unshare --mount --propagation private \
    sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$DIR/run/hosts" \
    "$DIR/bin/dockerd" --config-file "$DIR/run/daemon.json" >"$DIR/run/dockerd.log" 2>&1 </dev/null 8>&- &
  echo $! >"$DIR/run/dockerd.pid"
  echo dockerd >>"$DIR/run/started"
  for _ in $(seq 1 120); do
    if dk info >/dev/null 2>&1; then
      dk version --format 'client {{.Client.Version}}, server {{.Server.Version}}'
      dk buildx version
      echo "dockerd's /etc/hosts: $(grep gcr.io "/proc/$(cat "$DIR/run/dockerd.pid")/root/etc/hosts")"
      return 0
    fi
    alive dockerd || break
    sleep 0.5
  done
  tail -n 30 "$DIR/run/dockerd.log"
  return 1
}

# No iptables rules and a bridge of our own without NAT: containers that `docker run` starts get a network
# namespace; builds reach Debian's archive with --network host. gcr.io is insecure: HTTPS, unverified.
write_daemon_json() { # FILE
  cat >"$1" <<EOF
{
  "data-root": "$DIR/docker/data",
  "exec-root": "$DIR/docker/exec",
  "pidfile": "$DIR/run/dockerd.pidfile",
  "hosts": ["unix://$SOCK"],
  "bridge": "$BRIDGE",
  "iptables": false,
  "ip6tables": false,
  "ip-masq": false,
  "userland-proxy": false,
  "cgroup-parent": "mkmulti-e2e",
  "registry-mirrors": ["http://$REG"],
  "insecure-registries": ["$REG", "$PUSH_REG", "gcr.io"],
  "features": {"containerd-snapshotter": true}
}
EOF
}

# ------------------------------------------------------------------------------------------- stand-in images
# have_image REPO TAG [PLATFORM...]: the registry holds REPO:TAG with every PLATFORM listed.
have_image() {
  local repo=$1 tag=$2 index
  shift 2
  index=$(curl -fsS -H 'Accept: application/vnd.oci.image.index.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    "http://$REG/v2/$repo/manifests/$tag" 2>/dev/null) || return 1
  printf '%s' "$index" | python3 "$HERE/e2e.py" index-has-platforms "$@"
}

# The signed InRelease lists each index's size; a mirror serving another size makes apt-get update fail.
security_index_ok() { # DEBIAN_ARCH
  local want got
  want=$(curl -fsS --max-time 30 "$SEC_MIRROR/dists/bookworm-security/InRelease" |
    awk -v f="main/binary-$1/Packages.xz" '$3 == f { print $2; exit }')
  got=$(curl -fsSI --max-time 30 "$SEC_MIRROR/dists/bookworm-security/main/binary-$1/Packages.xz" |
    tr -d '\r' | awk 'tolower($1) == "content-length:" { print $2 }' | tail -n 1)
  [ -n "$want" ] && [ "$want" = "$got" ]
}

# The architectures whose bookworm-security index this mirror serves stale (sets STALE_SECURITY_ARCHES).
find_stale_security_arches() {
  local a
  STALE_SECURITY_ARCHES=()
  for a in "${DEB_ARCHES[@]}"; do
    if ! security_index_ok "$a"; then
      STALE_SECURITY_ARCHES+=("$a")
      log "warning: the bookworm-security index for $a on $SEC_MIRROR is stale: the stand-ins leave it out for $a"
    fi
  done
}

# The apt sources of the stand-ins, in the deb822 form the official image uses.
write_sources() { # ROOTFS
  rm -f "$1/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$DEB_MIRROR"
    printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\n' "$SEC_MIRROR"
    # Removes the architecture from this source only; a dpkg without it configured is unaffected.
    if [ ${#STALE_SECURITY_ARCHES[@]} -gt 0 ]; then printf 'Architectures-Remove: %s\n' "${STALE_SECURITY_ARCHES[*]}"; fi
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
  } >"$1/etc/apt/sources.list.d/debian.sources"
}

# rm -rf that first unmounts whatever a failed debootstrap left mounted inside, and never crosses into
# another file system.
remove_tree() { # DIR
  [ -e "$1" ] || return 0
  awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf --one-file-system "$1"
}

# debootstrap one architecture into a tar (foreign ones finish their second stage under QEMU), slimmed the
# way the official slim image is: no docs, man pages, locales or apt lists, and dpkg told to keep it so.
make_rootfs() { # DEBIAN_ARCH TARFILE
  local arch=$1 tar=$2 root
  root=$DIR/standins/rootfs-$arch
  remove_tree "$root"
  if [ "$arch" = amd64 ]; then
    debootstrap --variant=minbase --arch="$arch" bookworm "$root" "$DEB_MIRROR"
  else
    debootstrap --variant=minbase --arch="$arch" --foreign bookworm "$root" "$DEB_MIRROR"
    chroot "$root" /debootstrap/debootstrap --second-stage
  fi
  chroot "$root" apt-get clean
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d" "$root/etc/apt/sources.list.d"
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
    >"$root/etc/dpkg/dpkg.cfg.d/docker-slim"
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
    "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log "$root"/var/log/apt/*
  write_sources "$root"
  : >"$root/etc/resolv.conf"
  echo localhost >"$root/etc/hostname"
  tar -C "$root" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf "$tar.part" .
  mv "$tar.part" "$tar"
  remove_tree "$root"
}

# The stand-ins are pushed to the mirror, whose tag writes can race (see start_registry): a push that meets
# its HTTP 500 is made once more (everything is cached by then, so it only pushes).
push_build() { # CMD...
  local out rc=0
  out=$(mktemp)
  "$@" 2>&1 | tee "$out" || rc=$?
  if [ "$rc" != 0 ] && grep -q '500 Internal Server Error' "$out"; then
    echo "the mirror answered HTTP 500 (its tag-write race): pushing once more"
    rc=0
    "$@" || rc=$?
  fi
  rm -f "$out"
  return "$rc"
}

# A cached root filesystem tar is whole: it holds dpkg and the architecture's dynamic loader (a set-up that
# died half-way, or two at once before the lock in `up`, left tars without them behind).
rootfs_ok() { # DEBIAN_ARCH TARFILE
  local loader
  case $1 in
    amd64) loader=./usr/lib64/ld-linux-x86-64.so.2 ;; arm64) loader=./usr/lib/ld-linux-aarch64.so.1 ;;
    armhf) loader=./usr/lib/ld-linux-armhf.so.3 ;; *) return 1 ;;
  esac
  [ -s "$2" ] && tar -tf "$2" | awk -v l="$loader" '$0 == "./usr/bin/dpkg" { d = 1 } $0 == l { f = 1 } END { exit !(d && f) }'
}

# The debian stand-in is rebuilt when one of its cached tars is broken (its image was made from it).
broken_rootfs() {
  local a tar broken=1
  for a in "${DEB_ARCHES[@]}"; do
    tar=$DIR/standins/debian/rootfs-$(oci_slug "$a").tar
    if [ -e "$tar" ] && ! rootfs_ok "$a" "$tar"; then
      log "the cached root filesystem $tar is broken (no dpkg or dynamic loader): building it again"
      rm -f "$tar"
      broken=0
    fi
  done
  return "$broken"
}

build_debian() {
  local ctx=$DIR/standins/debian a pids=() failed=0 i=0 platforms=()
  mkdir -p "$ctx"
  cp "$HERE/standins/debian.Dockerfile" "$ctx/Dockerfile"
  find_stale_security_arches
  for a in "${DEB_ARCHES[@]}"; do
    platforms+=("$(oci_platform "$a")")
    [ -s "$ctx/rootfs-$(oci_slug "$a").tar" ] && continue
    log "debootstrap bookworm $a (in the background; log: $E2E_LOG_DIR/debootstrap-$a.log)"
    make_rootfs "$a" "$ctx/rootfs-$(oci_slug "$a").tar" >"$E2E_LOG_DIR/debootstrap-$a.log" 2>&1 &
    pids+=("$!:$a")
  done
  for i in "${pids[@]}"; do
    if wait "${i%%:*}"; then log "debootstrap ${i#*:} done"; else
      log "FAIL  debootstrap ${i#*:}; log: $E2E_LOG_DIR/debootstrap-${i#*:}.log"
      tail -n 20 "$E2E_LOG_DIR/debootstrap-${i#*:}.log" | sed 's/^/      | /' >&2
      failed=1
    fi
  done
  [ "$failed" = 0 ] || return 1
  push_build dk buildx build --builder default --progress plain --platform "$(IFS=,; echo "${platforms[*]}")" \
    -t "$REG/library/debian:bookworm-slim" --push "$ctx"
}

# The builder stand-ins are large and never part of a built image: zstd at a low level pushes them in seconds
# where buildx's default gzip took minutes of a CPU. (debian:bookworm-slim keeps gzip: its layers end up in the
# examples' runtime images, whose sizes the report gives.)
BUILDER_OUTPUT="push=true,oci-mediatypes=true,compression=zstd,compression-level=3"

build_golang() { # PLATFORMS (comma-separated)
  local ctx=$DIR/standins/golang
  mkdir -p "$ctx"
  cp "$HERE/standins/golang.Dockerfile" "$ctx/Dockerfile"
  push_build dk buildx build --builder default --progress plain --network host --pull --platform "$1" \
    --build-arg GO_SERIES="$GO_SERIES" --output "type=image,name=$REG/library/golang:$GO_SERIES-bookworm,$BUILDER_OUTPUT" "$ctx"
}

build_rust() {
  local ctx=$DIR/standins/rust
  mkdir -p "$ctx"
  cp "$HERE/standins/rust.Dockerfile" "$ctx/Dockerfile"
  cp "$HERE/standins/rustup-standin.sh" "$ctx/"
  push_build dk buildx build --builder default --progress plain --network host --pull --platform linux/amd64 \
    --output "type=image,name=$REG/library/rust:1-bookworm,$BUILDER_OUTPUT" "$ctx"
}

# gcr.io/distroless/{static,cc}-debian12:nonroot, pushed to the mirror as distroless/...; the gcr registry serves
# that storage under gcr.io. Built on the build platform from the debian stand-in, every platform's packages
# downloaded and unpacked there (no emulation). gzip, like debian: their layers are the runtime images' base.
build_distroless() { # FLAVOUR
  local ctx=$DIR/standins/distroless
  mkdir -p "$ctx"
  cp "$HERE/standins/distroless.Dockerfile" "$ctx/Dockerfile"
  push_build dk buildx build --builder default --progress plain --network host --pull \
    --platform linux/amd64,linux/arm64,linux/arm/v7 --build-arg FLAVOUR="$1" \
    -t "$REG/distroless/$1-debian12:nonroot" --push "$ctx"
}

# MKMULTI_E2E_REBUILD="debian golang rust distroless" (any of them) rebuilds those stand-ins even when the
# registry has them.
rebuild() { [[ " ${MKMULTI_E2E_REBUILD:-} " == *" $1 "* ]]; }

standin_images() { # GOLANG_PLATFORMS
  local platforms=() pids=() failed=0 job
  IFS=, read -r -a platforms <<<"$1"
  if broken_rootfs || rebuild debian || ! have_image library/debian bookworm-slim linux/amd64 linux/arm64 linux/arm/v7; then
    step "stand-in debian:bookworm-slim (amd64, arm64, arm/v7)" "$E2E_LOG_DIR/standin-debian.log" build_debian || failed=1
    grep -h 'warning:' "$E2E_LOG_DIR/standin-debian.log" >&2 || true
    [ "$failed" = 0 ] || return 1
  else
    log "cached stand-in debian:bookworm-slim"
  fi
  # Go and Rust build side by side: both mostly wait for Debian's archive.
  if rebuild golang || ! have_image library/golang "$GO_SERIES-bookworm" "${platforms[@]}"; then
    step "stand-in golang:$GO_SERIES-bookworm ($1)" "$E2E_LOG_DIR/standin-golang.log" build_golang "$1" &
    pids+=("$!")
  else
    log "cached stand-in golang:$GO_SERIES-bookworm ($1)"
  fi
  if rebuild rust || ! have_image library/rust 1-bookworm linux/amd64; then
    step "stand-in rust:1-bookworm (amd64)" "$E2E_LOG_DIR/standin-rust.log" build_rust &
    pids+=("$!")
  else
    log "cached stand-in rust:1-bookworm"
  fi
  local flavour
  for flavour in "${DISTROLESS[@]}"; do
    if rebuild distroless || ! have_image "distroless/$flavour-debian12" nonroot linux/amd64 linux/arm64 linux/arm/v7; then
      step "stand-in gcr.io/distroless/$flavour-debian12:nonroot (amd64, arm64, arm/v7)" \
        "$E2E_LOG_DIR/standin-distroless-$flavour.log" build_distroless "$flavour" &
      pids+=("$!")
    else
      log "cached stand-in gcr.io/distroless/$flavour-debian12:nonroot"
    fi
  done
  for job in "${pids[@]}"; do wait "$job" || failed=1; done
  return "$failed"
}

self_check() { # every stand-in platform runs, in a container of its own network namespace
  local a p out
  for a in "${DEB_ARCHES[@]}"; do
    p=$(oci_platform "$a")
    out=$(dk run --rm --pull always --platform "$p" "$REG/library/debian:bookworm-slim" dpkg --print-architecture)
    echo "$p: dpkg architecture $out"
    [ "$out" = "$a" ] || { echo "expected $a" >&2; return 1; }
  done
  # BuildKit in dockerd pulls the distroless stand-ins under their gcr.io names (from the gcr registry).
  local flavour ctx rc
  ctx=$(mktemp -d)
  for flavour in "${DISTROLESS[@]}"; do
    printf 'FROM gcr.io/distroless/%s-debian12:nonroot\n' "$flavour" >"$ctx/Dockerfile"
    rc=0
    dk buildx build --builder default --progress plain --pull --platform linux/amd64,linux/arm64,linux/arm/v7 \
      --output type=cacheonly "$ctx" >"$ctx/log" 2>&1 || rc=$?
    grep -E 'load metadata|ERROR' "$ctx/log" || true
    if [ "$rc" != 0 ]; then
      tail -n 20 "$ctx/log"
      rm -rf "$ctx"
      echo "BuildKit cannot pull gcr.io/distroless/$flavour-debian12:nonroot" >&2
      return 1
    fi
  done
  rm -rf "$ctx"
  echo "gcr registry: $(grep -c ' /v2/distroless/' "$DIR/run/gcr.log" || true) requests for distroless/ so far"
}

write_env() {
  {
    echo "# the mkmulti e2e offline stack's docker client (written by scripts/e2e/stack.sh)"
    echo "export DOCKER_HOST=unix://$SOCK"
    echo "export DOCKER_CONFIG=$DIR/docker-config"
    echo "export MKMULTI_E2E_REGISTRY=$PUSH_REG"
    echo "export MKMULTI_E2E_MIRROR=$REG"
    if [ "$DOCKER_CLI" = "$DIR/bin/docker" ]; then echo "export PATH=$DIR/bin:\$PATH"; fi
  } >"$DIR/env.sh"
}

# ------------------------------------------------------------------------------------------------- commands
up() {
  local golang_platforms=linux/amd64
  while [ $# -gt 0 ]; do
    case $1 in
      --golang-platforms) golang_platforms=$2; shift 2 ;;
      *) die "stack.sh up: unknown argument '$1'" ;;
    esac
  done
  check_host
  mkdir -p "$DIR/run" "$E2E_LOG_DIR" "$DIR/standins"
  # One set-up at a time, even outside run.sh's lock: two at once debootstrap into the same directory and leave
  # broken root filesystem tars behind (seen: an arm64 image without its dynamic loader, a 20 KB armhf tar).
  # The daemons started below close fd 8, so the lock ends with this script.
  exec 8>"$DIR/.up.lock"
  if ! flock -n 8; then
    log "waiting for another stack.sh up on $DIR"
    flock 8
  fi
  : >"$DIR/run/started"
  log "offline stack in $DIR (Docker Hub mirror $REG, pushes $PUSH_REG, docker socket $SOCK); Debian mirror $DEB_MIRROR"
  step "host packages (bookworm)" "$E2E_LOG_DIR/host-packages.log" install_host_packages
  step "dockerd, containerd, buildx from trixie" "$E2E_LOG_DIR/trixie.log" fetch_trixie
  DOCKER_CLI=$(command -v docker || echo "$DIR/bin/docker")
  step "binfmt_misc + qemu-user-static" "$E2E_LOG_DIR/binfmt.log" setup_binfmt
  step "registries: Docker Hub mirror on $REG, pushes on $PUSH_REG" "$E2E_LOG_DIR/registries.log" start_registries
  step "dockerd" "$E2E_LOG_DIR/dockerd.log" start_dockerd
  standin_images "$golang_platforms"
  step "self-check: debian runs on every platform; BuildKit pulls gcr.io/distroless" "$E2E_LOG_DIR/self-check.log" self_check
  write_env
  log "stack ready: . $DIR/env.sh"
}

stop_pid() { # NAME
  local pid _
  alive "$1" || { rm -f "$DIR/run/$1.pid"; return 0; }
  pid=$(cat "$DIR/run/$1.pid")
  log "stopping $1 (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then log "$1 (pid $pid) did not stop in 30 s"; return 1; fi
  rm -f "$DIR/run/$1.pid"
}

down() {
  local what=("$@") w
  [ ${#what[@]} -gt 0 ] || what=(dockerd mirror registry gcr)
  for w in "${what[@]}"; do
    case $w in
      dockerd|mirror|registry|gcr) stop_pid "$w" ;;
      *) die "stack.sh down: unknown component '$w'" ;;
    esac
  done
  if ! alive dockerd; then
    # dockerd can leave mounts behind under its roots (the netns file, the data-root bind mount).
    awk -v p="$DIR/docker/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
      umount "$m" 2>/dev/null || umount -l "$m" || true
    done
    if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE" || true; fi
  fi
}

status() {
  local n
  for n in dockerd mirror registry gcr; do
    if alive "$n"; then echo "$n: running, pid $(cat "$DIR/run/$n.pid")"; else echo "$n: not running"; fi
  done
}

main() {
  case ${1:-} in
    up) shift; up "$@" ;;
    down) shift; down "$@" ;;
    status) status ;;
    env) [ -r "$DIR/env.sh" ] || die "no stack set up in $DIR"; cat "$DIR/env.sh" ;;
    *) echo "usage: $0 up [--golang-platforms LIST] | down [dockerd] [mirror] [registry] [gcr] | status | env" >&2; exit 2 ;;
  esac
}

# `exit` on the same line: bash has read the whole file before main runs and never reads it again, so the
# script can be edited while a stack is being set up.
main "$@"; exit
