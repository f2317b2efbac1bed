# syntax=docker/dockerfile:1
#
# CivicStack — one Dockerfile for every deployable service (gateway, identity, services-registry,
# payments, certificates). Pick the service with build args:
#
#   docker build --build-arg SERVICE=identity --build-arg PORT=8081 -t civicstack/identity .
#
# Normally you do not call this directly: `docker compose up --build` (see docker-compose.yml)
# builds all five images, then `curl localhost:8080/actuator/health` checks the gateway.
# Needs BuildKit (the default builder of current Docker) for the cache mount below.

# ---- build stage: compile the service and the modules it depends on with the Maven wrapper
FROM eclipse-temurin:17-jdk AS build
ARG SERVICE
RUN test -n "${SERVICE}" || { echo "missing --build-arg SERVICE=<module>" >&2; exit 1; }
WORKDIR /workspace
COPY . .
# ~/.m2 (local repository and the Maven distribution the wrapper downloads) is kept between builds;
# sharing=locked stops parallel builds of the five images writing the same local repository at once.
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    ./mvnw -B -DskipTests -pl "${SERVICE}" -am package

# ---- runtime stage: the JRE, curl for the health check, and only the service jar
FROM eclipse-temurin:17-jre
ARG SERVICE
ARG PORT
RUN test -n "${SERVICE}" && test -n "${PORT}" \
        || { echo "missing --build-arg SERVICE=<module> / PORT=<port>" >&2; exit 1; } \
    && apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 civicstack \
    && useradd --system --uid 10001 --gid civicstack --no-create-home --shell /usr/sbin/nologin civicstack
WORKDIR /app
COPY --from=build /workspace/${SERVICE}/target/${SERVICE}.jar /app/app.jar
# PORT is the service's default server.port (set in its application.yml); kept as ENV so the
# health check below can read it at run time.
ENV PORT=${PORT}
EXPOSE ${PORT}
USER 10001:10001
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
    CMD curl -fsS "http://localhost:${PORT}/actuator/health/readiness" >/dev/null || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
