# Stand-in for golang:<GO_SERIES>-bookworm (mkmulti e2e, offline mode): Debian's golang-<GO_SERIES>-go from
# bookworm-backports (bookworm's own Go is 1.19, older than the examples' go.mod), linked at /usr/local/go as
# in the official image, plus the build tools that image carries. GOTOOLCHAIN=local: no toolchain downloads.
FROM debian:bookworm-slim
ARG GO_SERIES=1.22
# hadolint ignore=DL3008
RUN set -eux; \
    mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources | head -n 1)"; \
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$mirror" > /etc/apt/sources.list.d/backports.sources; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates curl git gcc libc6-dev make pkg-config "golang-${GO_SERIES}-go/bookworm-backports"; \
    rm -f /etc/apt/sources.list.d/backports.sources; \
    rm -rf /var/lib/apt/lists/*; \
    ln -s "/usr/lib/go-${GO_SERIES}" /usr/local/go
ENV GOTOOLCHAIN=local \
    GOPATH=/go \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN mkdir -p /go/src /go/bin && chmod -R 1777 /go && go version
WORKDIR /go
LABEL org.mkmulti.e2e.standin="golang:${GO_SERIES}-bookworm stand-in: Debian golang-${GO_SERIES}-go from bookworm-backports"
