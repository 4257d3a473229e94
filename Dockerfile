# syntax=docker/dockerfile:1
# Build stage: the fat jar, tests skipped (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests

# Runtime stage: a slim JRE, a non-root user, the agent as entrypoint.
FROM eclipse-temurin:17-jre
# A fixed uid and gid, so Kubernetes' runAsUser/runAsGroup/fsGroup can name them.
RUN groupadd --system --gid 10001 ilagent \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin ilagent
COPY --from=build /src/target/ilagent.jar /opt/ilagent/ilagent.jar
USER 10001:10001
# The -p port of the examples (README, conf/kubernetes.yaml); the probes are off without -p.
EXPOSE 8977
# The same JVM flags as scripts/ilagent.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xms32m", "-Xmx192m", "-XX:MaxMetaspaceSize=96m", "-Xss512k", \
            "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/ilagent/ilagent.jar"]
CMD ["--help"]
