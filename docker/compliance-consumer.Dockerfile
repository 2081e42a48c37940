# syntax=docker/dockerfile:1
#
# The compliance consumer: reads the audit stream into its store and serves reports on port 8081.
# The build context is the repository root:
#   docker build -f docker/compliance-consumer.Dockerfile -t ketamine-cds/compliance-consumer .
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
RUN sh ./mvnw -B -ntp -q -pl services/compliance-consumer -am package \
        -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true \
    && rm -rf fhir-profiles/target services/*/target

# Sources of the module the consumer is built from (it uses none of the others). Tests run in CI
# (./mvnw -B verify), not here; the formatter check and coverage agent add nothing to an image.
COPY services/compliance-consumer/ services/compliance-consumer/
RUN sh ./mvnw -B -ntp -q -pl services/compliance-consumer -am package \
        -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true \
    && cp services/compliance-consumer/target/compliance-consumer-*.jar application.jar \
    && java -Djarmode=tools -jar application.jar extract --layers --launcher --destination extracted

############################ run: a JRE, an unprivileged user ##################################
FROM eclipse-temurin:17.0.16_8-jre-noble

# A fixed numeric id that owns nothing but the data directory; the application files stay
# root-owned and read-only to it.
RUN groupadd --system --gid 10001 compliance \
    && useradd --system --uid 10001 --gid compliance --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin compliance \
    && mkdir -p /var/lib/compliance \
    && chown compliance:compliance /var/lib/compliance

WORKDIR /app
# Spring Boot's layers, least to most often changed, so a code change rebuilds only the last one.
COPY --from=build /workspace/extracted/dependencies/ ./
COPY --from=build /workspace/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/extracted/application/ ./

# Heap as a share of the container's memory limit, leaving room for metaspace (HAPI's model
# classes are large), threads and buffers. Out of memory means exit so the orchestrator restarts
# the container rather than leaving a half-working JVM. Replace the whole variable to tune.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=65 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError" \
    SERVER_PORT=8081 \
    SERVER_ADDRESS=0.0.0.0 \
    COMPLIANCE_STORE_DIRECTORY=/var/lib/compliance

# The embedded store (when no PostgreSQL is configured) and the generated reports password. The
# consumer listens on every interface of the container (it defaults to loopback, which no other
# container could reach); compose publishes the port on the host's loopback only.
VOLUME ["/var/lib/compliance"]
EXPOSE 8081
USER 10001:10001

# The JRE image has no curl or wget: bash's /dev/tcp sends a plain HTTP request to the readiness
# probe and the check passes only on a 200 status line.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SERVER_PORT:-8081} && printf 'GET /actuator/health/readiness HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/1\\.[01] 200'"]

ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
