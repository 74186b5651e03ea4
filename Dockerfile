# syntax=docker/dockerfile:1
# One build for the four services; docker-compose.yml picks a target per service (gateway-service,
# queue-service, image-worker, vision-worker). Base images are pinned to an exact JDK release: a rebuild
# next month gets the same Java. Each service's jar is split into Spring Boot's layers (dependencies,
# spring-boot-loader, snapshot-dependencies, application), copied in that order, so a change to our own code
# rebuilds only the last thin layers and the ~200 MB of third-party jars (OpenCV, FFmpeg, libtorch) stay cached.
# The images run as the non-root user 10001 (numeric, so Kubernetes' runAsNonRoot can check it) and can run
# with a read-only root file system: they write only under /data/storage (the shared volume), /app/cache
# (native libraries unpacked at start) and /tmp.
# Checked offline by system-tests (DockerfileTest); there is no Docker engine on the build machine.
ARG JDK_IMAGE=eclipse-temurin:17.0.15_6-jdk-jammy
ARG JRE_IMAGE=eclipse-temurin:17.0.15_6-jre-jammy

FROM ${JDK_IMAGE} AS build
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
# Spring Boot 4's tools jar mode: --layers writes one folder per layer; each holds part of a runnable
# app.jar + lib/ layout (app.jar's manifest names lib/*.jar), so the copies below merge into /app.
RUN for s in gateway-service queue-service image-worker vision-worker; do \
      java -Djarmode=tools -jar "$(ls $s/target/$s-*.jar)" extract --layers \
        --application-filename app.jar --destination "/layers/$s" || exit 1; \
    done

FROM ${JRE_IMAGE} AS runtime
RUN groupadd --system --gid 10001 mediaflow \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin mediaflow \
    && mkdir -p /data/storage /app/cache \
    && chown -R 10001:10001 /data /app/cache
WORKDIR /app
# The heap is a share of the container's memory limit; docker-compose.yml and deploy/k8s set the share per
# service (the workers keep most of their limit for native memory: OpenCV, FFmpeg and libtorch live outside
# the heap). Out of memory ends the process so that the restart policy brings up a clean one.
ENV MEDIAFLOW_STORAGE_ROOT=/data/storage \
    JAVACPP_CACHE=/app/cache/javacpp \
    ENGINE_CACHE_DIR=/app/cache/djl \
    DJL_CACHE_DIR=/app/cache/djl-home \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
ENTRYPOINT ["java", "-jar", "/app/app.jar"]

FROM runtime AS gateway-service
COPY --from=build /layers/gateway-service/dependencies/ ./
COPY --from=build /layers/gateway-service/spring-boot-loader/ ./
COPY --from=build /layers/gateway-service/snapshot-dependencies/ ./
COPY --from=build /layers/gateway-service/application/ ./
EXPOSE 8080

FROM runtime AS queue-service
COPY --from=build /layers/queue-service/dependencies/ ./
COPY --from=build /layers/queue-service/spring-boot-loader/ ./
COPY --from=build /layers/queue-service/snapshot-dependencies/ ./
COPY --from=build /layers/queue-service/application/ ./
EXPOSE 8081

FROM runtime AS image-worker
COPY --from=build /layers/image-worker/dependencies/ ./
COPY --from=build /layers/image-worker/spring-boot-loader/ ./
COPY --from=build /layers/image-worker/snapshot-dependencies/ ./
COPY --from=build /layers/image-worker/application/ ./
EXPOSE 8082

FROM runtime AS vision-worker
COPY --from=build /layers/vision-worker/dependencies/ ./
COPY --from=build /layers/vision-worker/spring-boot-loader/ ./
COPY --from=build /layers/vision-worker/snapshot-dependencies/ ./
COPY --from=build /layers/vision-worker/application/ ./
# the demo model (depth = row gradient) until MEDIAFLOW_DEPTH_MODEL names a real one: docs/depth-model.md
COPY --from=build /src/vision-worker/src/test/resources/models/row-depth.pt /app/models/row-depth.pt
EXPOSE 8083
