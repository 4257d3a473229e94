# syntax=docker/dockerfile:1
# Build stage: the fat jar, tests skipped (CI runs them). No class-data-sharing archive here: it
# must be made by the JVM that runs the agent, in the runtime stage below.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests -Dcds.skip=true

# Runtime stage: a slim JRE, a non-root user, the agent as entrypoint.
FROM eclipse-temurin:17-jre
# A fixed uid and gid, so Kubernetes' runAsUser/runAsGroup/fsGroup can name them.
RUN groupadd --system --gid 10001 ilagent \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin ilagent
COPY --from=build /src/target/ilagent.jar /opt/ilagent/ilagent.jar
# The class-data-sharing archive, made by this image's JVM from a short training run of this jar
# (scripts/cds-archive): the agent reaches /ready sooner. Should it fail, the image has no
# archive and the JVM starts without one (a missing archive is silently ignored).
COPY scripts/cds-archive /opt/ilagent/cds-archive
RUN /opt/ilagent/cds-archive /opt/ilagent/ilagent.jar /opt/ilagent/ilagent.jsa
USER 10001:10001
# The -p port of the examples (README, conf/kubernetes.yaml); the probes are off without -p.
EXPOSE 8977
# The same JVM flags as scripts/ilagent (this image's JRE is recent enough for TrimNativeHeapInterval).
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xms16m", "-Xmx192m", "-XX:MaxMetaspaceSize=96m", "-Xss512k", \
            "-XX:Tier3InvocationThreshold=1000", "-XX:Tier3MinInvocationThreshold=500", \
            "-XX:Tier3CompileThreshold=10000", "-XX:Tier4InvocationThreshold=10000", \
            "-XX:Tier4MinInvocationThreshold=1200", "-XX:Tier4CompileThreshold=30000", \
            "-XX:+ExitOnOutOfMemoryError", \
            "-XX:SharedArchiveFile=/opt/ilagent/ilagent.jsa", "-XX:TrimNativeHeapInterval=1000", \
            "-jar", "/opt/ilagent/ilagent.jar"]
CMD ["--help"]
