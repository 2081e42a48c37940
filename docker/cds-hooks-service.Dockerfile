# syntax=docker/dockerfile:1
#
# The CDS Hooks service: the CDS Hooks 2.0 endpoints on port 8080.
# The build context is the repository root:
#   docker build -f docker/cds-hooks-service.Dockerfile -t ketamine-cds/cds-hooks-service .
# (docker/compose.yaml builds it this way.)

############################ build: the Maven wrapper on a full JDK ############################
FROM eclipse-temurin:17.0.16_8-jdk-noble AS build
WORKDIR /workspace

# Dependency layer: the wrapper and every POM of the reactor and nothing else, so that the
# downloaded dependencies stay cached until a POM changes. Maven reads every module named in the
# root pom.xml, so each one's POM is copied (DockerfileTest checks this list against pom.xml).
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY fhir-profiles/pom.xml fhir-profiles/
COPY services/interaction-engine/pom.xml services/interaction-engine/
COPY services/cds-hooks-service/pom.xml services/cds-hooks-service/
COPY services/compliance-consumer/pom.xml services/compliance-consumer/
COPY services/load-bench/pom.xml services/load-bench/
# Running the real build on the POMs alone downloads exactly what the build below needs, plugins
# and every scope (dependency:go-offline left test-scope artifacts out). Its empty jars are thrown
# away.
RUN sh ./mvnw -B -ntp -q -pl services/cds-hooks-service -am package \
        -Dmaven.test.skip=true -Dspotless.check.skip=true -Djacoco.skip=true \
    && rm -rf fhir-profiles/target services/*/target

# Sources of the modules this service is built from. Tests run in CI (./mvnw -B verify), not here,
# so they are not even compiled (and no test jar lands beside the service jar); the formatter
# check and coverage agent have nothing to add to an image build.
COPY fhir-profiles/ fhir-profiles/
COPY services/interaction-engine/ services/interaction-engine/
COPY services/cds-hooks-service/ services/cds-hooks-service/
RUN sh ./mvnw -B -ntp -q -pl services/cds-hooks-service -am package \
        -Dmaven.test.skip=true -Dspotless.check.skip=true -Djacoco.skip=true \
    && cp services/cds-hooks-service/target/cds-hooks-service-*.jar application.jar \
    && java -Djarmode=tools -jar application.jar extract --layers --launcher --destination extracted

############################ run: a JRE, an unprivileged user ##################################
FROM eclipse-temurin:17.0.16_8-jre-noble

# A fixed numeric id that owns nothing but the data directory; the application files stay
# root-owned and read-only to it.
RUN groupadd --system --gid 10001 cds \
    && useradd --system --uid 10001 --gid cds --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin cds \
    && mkdir -p /var/lib/cds \
    && chown cds:cds /var/lib/cds

WORKDIR /app
# Spring Boot's layers, least to most often changed, so a code change rebuilds only the last one.
COPY --from=build /workspace/extracted/dependencies/ ./
COPY --from=build /workspace/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/extracted/application/ ./

# Heap as a share of the container's memory limit, leaving room for metaspace (HAPI's model
# classes are large), threads and buffers: 40 % of the compose stack's 768 MB is ~307 MB of heap.
# G1, chosen explicitly (under 1792 MB the JVM would pick the single-threaded Serial collector,
# whose pauses showed in the p99), with a 20 ms pause goal and at least 35 % of the heap young:
# with a 10 ms goal G1 shrank the young generation to 14 MB, so calls still in progress were
# promoted at every collection and the old generation filled (full collections, issue 7). Marking
# starts at 55 % occupancy, not where G1's adaptive estimate put it: the service's long-lived
# data (about 120 MB: FHIR model, replay cache, card index) sat above that estimate, so G1 marked
# the old generation about once a second and reclaimed nothing. Native memory the JIT compilers
# used is handed back every 5 s, and glibc keeps 2 malloc arenas, not 8 per core (README,
# Performance). Out of memory means exit so the orchestrator restarts the container rather than
# leaving a half-working JVM. Replace the whole variable to tune.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=40 -XX:InitialRAMPercentage=20 -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=35 -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=55 -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=2 \
    SERVER_PORT=8080 \
    CDS_AUDIT_OUTBOX_DIRECTORY=/var/lib/cds/audit-outbox

# The audit outbox holds every event until Kafka has acknowledged it: it must outlive the container,
# and each replica needs a volume of its own.
VOLUME ["/var/lib/cds"]
EXPOSE 8080
USER 10001:10001

# The JRE image has no curl or wget: bash's /dev/tcp sends a plain HTTP request to the readiness
# probe and the check passes only on a 200 status line.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SERVER_PORT:-8080} && printf 'GET /readyz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/1\\.[01] 200'"]

ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
