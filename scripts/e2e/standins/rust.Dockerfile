# Stand-in for rust:1-bookworm (mkmulti e2e, offline mode; linux/amd64 builders only): Debian's rustc-web and
# cargo-web, with the standard library of every target the examples cross-compile to (Debian's
# libstd-rust-web-dev for arm64 and armhf, unpacked, not installed: this image's dpkg stays amd64-only, like
# the official image). The cross gcc is NOT here: the generated Dockerfiles install it, as they must on the
# official image. /usr/local/cargo/bin/rustup is a stand-in: see rustup-standin.sh.
FROM debian:bookworm-slim
COPY rustup-standin.sh /usr/local/cargo/bin/rustup
# The version is the newest one whose std exists for all three architectures on this mirror.
# hadolint ignore=DL3008
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    arches='-o APT::Architectures::=amd64 -o APT::Architectures::=arm64 -o APT::Architectures::=armhf'; \
    apt-get $arches update; \
    version="$(for a in amd64 arm64 armhf; do apt-cache $arches madison "libstd-rust-web-dev:$a" | awk '{print $3}' | sort -u; done \
      | sort | uniq -c | awk '$1 == 3 {print $2}' | sort -V | tail -n 1)"; \
    test -n "$version"; \
    echo "rustc-web version: $version"; \
    mkdir /tmp/std && cd /tmp/std; \
    apt-get $arches download "libstd-rust-web-dev:arm64=$version" "libstd-rust-web-dev:armhf=$version"; \
    for deb in ./*.deb; do dpkg-deb --fsys-tarfile "$deb" | tar -x -C / --wildcards './usr/lib/rustlib/*'; done; \
    cd / && rm -rf /tmp/std; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl git gcc libc6-dev make pkg-config \
      "rustc-web=$version" "cargo-web=$version" "libstd-rust-web-dev=$version"; \
    rm -rf /var/lib/apt/lists/*; \
    ln -s /usr/bin/cargo /usr/bin/rustc /usr/bin/rustdoc /usr/local/cargo/bin/; \
    mkdir -p /usr/local/rustup; \
    chmod -R a+w /usr/local/cargo /usr/local/rustup
ENV RUSTUP_HOME=/usr/local/rustup \
    CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN rustc -vV && cargo -V && rustup target list --installed
LABEL org.mkmulti.e2e.standin="rust:1-bookworm stand-in: Debian rustc-web; rustup is a stand-in that only checks installed targets"
