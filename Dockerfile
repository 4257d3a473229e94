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
RUN useradd --system --uid 10001 --no-create-home ilagent
COPY --from=build /src/target/ilagent.jar /opt/ilagent/ilagent.jar
USER 10001
# The same JVM flags as scripts/ilagent.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xms32m", "-Xmx192m", "-XX:MaxMetaspaceSize=96m", "-Xss512k", \
            "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/ilagent/ilagent.jar"]
CMD ["--help"]
