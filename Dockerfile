# syntax=docker/dockerfile:1
# One build for the four services; docker-compose.yml picks a target per service.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY common-messages common-messages
COPY http-contract http-contract
COPY test-support test-support
COPY worker-core worker-core
COPY gateway-service gateway-service
COPY queue-service queue-service
COPY image-worker image-worker
COPY vision-worker vision-worker
COPY system-tests system-tests
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package \
    -pl gateway-service,queue-service,image-worker,vision-worker -am

FROM eclipse-temurin:17-jre AS runtime
RUN useradd --system --uid 10001 --home /app mediaflow && mkdir -p /data/storage /app/cache \
    && chown -R mediaflow /data /app
WORKDIR /app
ENV MEDIAFLOW_STORAGE_ROOT=/data/storage \
    JAVACPP_CACHE=/app/cache/javacpp \
    ENGINE_CACHE_DIR=/app/cache/djl \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
USER mediaflow
ENTRYPOINT ["java", "-jar", "/app/app.jar"]

FROM runtime AS gateway-service
COPY --from=build /src/gateway-service/target/gateway-service-*.jar /app/app.jar
EXPOSE 8080

FROM runtime AS queue-service
COPY --from=build /src/queue-service/target/queue-service-*.jar /app/app.jar
EXPOSE 8081

FROM runtime AS image-worker
COPY --from=build /src/image-worker/target/image-worker-*.jar /app/app.jar
EXPOSE 8082

FROM runtime AS vision-worker
COPY --from=build /src/vision-worker/target/vision-worker-*.jar /app/app.jar
# the demo model (depth = row gradient) until MEDIAFLOW_DEPTH_MODEL names a real one: docs/depth-model.md
COPY --from=build /src/vision-worker/src/test/resources/models/row-depth.pt /app/models/row-depth.pt
EXPOSE 8083
