# syntax=docker/dockerfile:1
# Build stage: the fat jar, tests skipped (CI runs them). No class-data-sharing archive here: it
# must be made by the JVM that runs the agent, in the runtime stage below.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# .mvn/jvm.config opens javac to Error Prone, which runs in every compile.
COPY .mvn ./.mvn
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests -Dcds.skip=true

# Runtime stage: a slim JRE, a non-root user, the agent's launcher as entrypoint.
FROM eclipse-temurin:17-jre
# A fixed uid and gid, so Kubernetes' runAsUser/runAsGroup/fsGroup can name them.
RUN groupadd --system --gid 10001 ilagent \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin ilagent
COPY --from=build /src/target/ilagent.jar /opt/ilagent/ilagent.jar
# The launcher with the JVM flags, next to the jar it runs, and on the PATH as `ilagent`: manifests
# written for the Rust program's image say `command: ["ilagent", "daemon", ...]` and
# `docker exec ... ilagent heartbeat ...`.
COPY scripts/ilagent /opt/ilagent/ilagent
# The class-data-sharing archive, made by this image's JVM from a short training run of this jar
# (scripts/cds-archive) next to it, where the launcher looks: the agent reaches /ready sooner.
# Should it fail, the image has no archive and the launcher starts the JVM without one.
COPY scripts/cds-archive /opt/ilagent/cds-archive
RUN ln -s /opt/ilagent/ilagent /usr/local/bin/ilagent \
    && /opt/ilagent/cds-archive /opt/ilagent/ilagent.jar /opt/ilagent/ilagent.jsa
USER 10001:10001
# The -p port of the examples (README, conf/kubernetes.yaml); the probes are off without -p.
EXPOSE 8977
# `docker run IMAGE daemon ...` runs `ilagent daemon ...`; JAVA_OPTS adds JVM flags.
ENTRYPOINT ["ilagent"]
CMD ["--help"]
