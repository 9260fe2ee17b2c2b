# Stand-in for gcr.io/distroless/static-debian12:nonroot (FLAVOUR=static) and gcr.io/distroless/cc-debian12:nonroot
# (FLAVOUR=cc), mkmulti e2e offline mode. Made the way distroless makes them: Debian bookworm packages unpacked
# (never installed: no maintainer scripts, no dpkg database beyond /var/lib/dpkg/status.d) into an empty image,
# plus a few files written directly. Distroless's lists (GoogleContainerTools/distroless, debian12):
#   static: base-files netbase tzdata media-types, the CA bundle of ca-certificates, passwd/group with root,
#           nobody and nonroot (65532), /root /home /home/nonroot, /tmp 1777, nsswitch.conf, os-release
#   cc:     static + base's libc6 libssl3 + libgomp1 libstdc++6 libgcc-s1 gcc-12-base
# Nothing runs under emulation: every platform's packages are downloaded and unpacked on the build platform.
# The `nonroot` tag's config: USER 65532, WORKDIR /home/nonroot, PATH and SSL_CERT_FILE, no entrypoint.

# One apt state for all three architectures (no TARGET* argument: BuildKit runs it once for every platform). Its
# lists stay: the next stage downloads with them, and this stage is never part of an image.
FROM --platform=$BUILDPLATFORM debian:bookworm-slim AS apt
# hadolint ignore=DL3009
RUN dpkg --add-architecture arm64 \
 && dpkg --add-architecture armhf \
 && apt-get update

FROM apt AS rootfs
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG FLAVOUR=static
ARG TARGETARCH
ARG TARGETVARIANT
WORKDIR /debs
# netbase, tzdata, media-types and ca-certificates are Architecture: all. Of ca-certificates only the bundle
# goes in, as in distroless: what update-ca-certificates would write (every certificate the package ships, in
# the sorted order of /etc/ca-certificates.conf, concatenated). base-files' /etc/os-release links to
# /usr/lib/os-release, which distroless replaces with its own.
# The package list splits into words on purpose (SC2046); cd: into the root filesystem being written (DL3003).
# hadolint ignore=SC2046,DL3003
RUN set -eu; \
    case "$TARGETARCH$TARGETVARIANT" in \
      amd64) arch=amd64 ;; arm64) arch=arm64 ;; armv7) arch=armhf ;; \
      *) echo "unsupported target $TARGETARCH$TARGETVARIANT" >&2; exit 1 ;; \
    esac; \
    case "$FLAVOUR" in \
      static) packages="base-files" ;; \
      cc) packages="base-files libc6 libssl3 libgomp1 libstdc++6 libgcc-s1 gcc-12-base" ;; \
      *) echo "FLAVOUR must be static or cc, not $FLAVOUR" >&2; exit 1 ;; \
    esac; \
    apt-get download netbase tzdata media-types ca-certificates $(for p in $packages; do echo "$p:$arch"; done); \
    mkdir -p /rootfs/var/lib/dpkg/status.d; \
    for deb in ./*.deb; do \
      name=$(dpkg-deb -f "$deb" Package); \
      dpkg-deb -f "$deb" > "/rootfs/var/lib/dpkg/status.d/$name"; \
      if [ "$name" = ca-certificates ]; then \
        dpkg-deb -x "$deb" /ca; \
        mkdir -p /rootfs/etc/ssl/certs /rootfs/usr/share/doc/ca-certificates; \
        (cd /ca/usr/share/ca-certificates && find . -name '*.crt' | sed 's|^\./||' | LC_ALL=C sort | \
          while read -r crt; do awk 1 "$crt"; done) > /rootfs/etc/ssl/certs/ca-certificates.crt; \
        cp /ca/usr/share/doc/ca-certificates/copyright /rootfs/usr/share/doc/ca-certificates/; \
      else \
        dpkg-deb -x "$deb" /rootfs; \
      fi; \
    done; \
    grep -c 'BEGIN CERTIFICATE' /rootfs/etc/ssl/certs/ca-certificates.crt; \
    cd /rootfs; \
    printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
      'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' > etc/passwd; \
    printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'tty:x:5:' 'staff:x:50:' 'nonroot:x:65532:' > etc/group; \
    chmod 0644 etc/passwd etc/group; \
    printf '%s\n' 'passwd:         compat' 'group:          compat' 'shadow:         compat' \
      'gshadow:        files' '' 'hosts:          files dns' 'networks:       files' '' \
      'protocols:      db files' 'services:       db files' 'ethers:         db files' 'rpc:            db files' '' \
      'netgroup:       nis' > etc/nsswitch.conf; \
    rm -f usr/lib/os-release; \
    printf '%s\n' 'PRETTY_NAME="Distroless"' 'NAME="Debian GNU/Linux"' 'ID="debian"' 'VERSION_ID="12"' \
      'VERSION="Debian GNU/Linux 12 (bookworm)"' 'HOME_URL="https://github.com/GoogleContainerTools/distroless"' \
      'SUPPORT_URL="https://github.com/GoogleContainerTools/distroless/blob/master/README.md"' \
      'BUG_REPORT_URL="https://github.com/GoogleContainerTools/distroless/issues/new"' > usr/lib/os-release; \
    install -d -m 0700 root; \
    install -d -m 0755 home; \
    install -d -m 0700 -o 65532 -g 65532 home/nonroot; \
    install -d -m 1777 tmp; \
    ls -l etc/os-release; \
    if [ "$FLAVOUR" = cc ]; then ls -l lib/*-linux-gnu*/libc.so.6 usr/lib/*-linux-gnu*/libssl.so.3 usr/lib/*-linux-gnu*/libstdc++.so.6; fi

FROM scratch
ARG FLAVOUR=static
COPY --from=rootfs /rootfs/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532
WORKDIR /home/nonroot
LABEL org.opencontainers.image.description="mkmulti e2e stand-in for gcr.io/distroless/${FLAVOUR}-debian12:nonroot, built from Debian bookworm packages as distroless is (see scripts/e2e/standins/distroless.Dockerfile)" \
      org.mkmulti.e2e.standin="gcr.io/distroless/${FLAVOUR}-debian12:nonroot stand-in: Debian bookworm packages unpacked into an empty image"
