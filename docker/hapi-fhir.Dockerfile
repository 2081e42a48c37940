# syntax=docker/dockerfile:1
#
# The official HAPI FHIR server image, plus a way to check its health. The image is distroless
# (no shell, no curl or wget), so a compose health check has nothing to run; a statically linked
# busybox from the official image supplies a small wget for the probe and nothing else.
# Build context: this directory (docker/compose.yaml builds it).

FROM busybox:1.37.0-musl AS probe

FROM hapiproject/hapi:v8.8.0-1
COPY --from=probe /bin/busybox /usr/local/bin/busybox

# The base image's unprivileged user (distroless "nonroot").
USER 65532:65532
EXPOSE 8080

# The capability statement is served only once the server has started and its database is ready.
HEALTHCHECK --interval=10s --timeout=5s --start-period=180s --retries=5 \
    CMD ["/usr/local/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/fhir/metadata"]
