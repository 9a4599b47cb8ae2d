# kro-cpp controller image.
#
# No Docker engine or registry is reachable in the kro-cpp development environment;
# deploy/image/check.sh builds this file there with buildah (base images debootstrapped from
# Debian's mirror) and runs the voting-app demo with the controller from the image. The last
# stage checks itself: the build fails if the binary needs a shared library the runtime lacks.
#
#   docker build -t kro-cpp:dev .
#   docker run --rm kro-cpp:dev --help
#
# The build context is the repository root; .dockerignore keeps it small. Generated
# OpenAPI documents in .cache/openapi (scripts/setup) are sent along in case the build
# embeds them.

# ---- build ----------------------------------------------------------------------------
FROM debian:bookworm AS build

ARG DEBIAN_FRONTEND=noninteractive
# libgtest-dev and pkg-config: cmake/KroDeps.cmake requires them at configure time, even
# when only the binary is built. binutils: strip.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      cmake ninja-build g++ pkg-config binutils \
      libboost-json1.81-dev libboost1.81-dev libyaml-cpp-dev libre2-dev libcli11-dev \
      libfmt-dev libssl-dev zlib1g-dev libgtest-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .

ARG BUILD_TYPE=Release
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE}" \
 && cmake --build /build --target kro \
 && install -D -m 0755 -s /build/cmd/kro/kro /out/kro

# ---- runtime --------------------------------------------------------------------------
FROM debian:bookworm-slim

ARG DEBIAN_FRONTEND=noninteractive
# Only the shared libraries the binary links (libfmt9: fmt is linked as a shared library;
# libssl3: OpenSSL for TLS to the API server), and CA certificates for that TLS.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates libboost-json1.81.0 libyaml-cpp0.7 libre2-9 libssl3 libfmt9 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 kro \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin kro

COPY --from=build /out/kro /usr/local/bin/kro

# Fail the build here, not in the cluster, when a shared library is missing.
RUN if ldd /usr/local/bin/kro | grep -F "not found"; then exit 1; fi \
 && /usr/local/bin/kro --help >/dev/null

LABEL org.opencontainers.image.title="kro-cpp" \
      org.opencontainers.image.description="kro (Kube Resource Orchestrator) controller, in C++" \
      org.opencontainers.image.licenses="Apache-2.0"

# Numeric, so the kubelet can verify runAsNonRoot.
USER 65532:65532
# 8078: metrics, 8079: health probes (the upstream kro defaults).
EXPOSE 8078 8079
ENTRYPOINT ["/usr/local/bin/kro", "controller"]
