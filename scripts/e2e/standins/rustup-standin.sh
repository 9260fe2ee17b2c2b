#!/bin/sh
# NOT rustup. mkmulti e2e stand-in for rustup inside the offline rust:1-bookworm stand-in image, which cannot
# download toolchains. The toolchain is Debian's rustc-web; the std of each target was unpacked from Debian's
# libstd-rust-web-dev when the image was built. Supported, and only by looking at what is installed:
#   rustup target add|install TRIPLE...   succeeds when TRIPLE's std is installed, fails otherwise
#   rustup target list [--installed]      the targets whose std is installed
#   rustup --version | show               says what this is
# Anything else fails, saying so.
set -eu
me='rustup (mkmulti e2e stand-in, not rustup)'
rustlib="$(rustc --print sysroot)/lib/rustlib"

installed_targets() {
  for lib in "$rustlib"/*/lib; do
    set -- "$lib"/libstd-*.rlib
    if [ -e "$1" ]; then
      lib="${lib%/lib}"
      echo "${lib##*/}"
    fi
  done
}

case "${1:-}" in
  target)
    case "${2:-}" in
      add|install)
        shift 2
        status=0
        for triple in "$@"; do
          case "$triple" in -*) continue ;; esac
          if installed_targets | grep -qx "$triple"; then
            echo "info: $me: std for $triple is installed (Debian libstd-rust-web-dev)" >&2
          else
            echo "error: $me: no std for $triple in this image; it has: $(installed_targets | tr '\n' ' ')" >&2
            status=1
          fi
        done
        exit "$status"
        ;;
      list)
        installed_targets
        exit 0
        ;;
    esac
    ;;
  --version|-V|show)
    echo "$me; toolchain: $(rustc -V) from Debian; targets: $(installed_targets | tr '\n' ' ')"
    exit 0
    ;;
esac
echo "error: $me: 'rustup $*' is not supported offline" >&2
exit 1
