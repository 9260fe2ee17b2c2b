# Stand-in for debian:bookworm-slim (mkmulti e2e, offline mode). The official image is made the same way: a
# debootstrapped root filesystem added to an empty image. stack.sh writes rootfs-<arch><variant>.tar, one per
# platform, into the build context.
FROM scratch
ARG TARGETARCH
ARG TARGETVARIANT
ADD rootfs-${TARGETARCH}${TARGETVARIANT}.tar /
CMD ["bash"]
