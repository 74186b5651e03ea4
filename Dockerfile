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
COPY observability observability
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

# ---------------------------------------------------------------------------------------------------------------
# The vision worker on an NVIDIA GPU (docs/gpu.md):  docker build --target vision-worker-gpu -t mediaflow/vision-worker-gpu .
# DJL's CUDA libtorch is not on Maven Central, so this image takes libtorch from PyTorch's own CUDA image, at the
# version DJL 0.35's JNI is written for (2.7.1), and compiles DJL's JNI against it, the same way scripts/gpu-check
# does on a GPU machine (scripts/gpu/build-djl-jni.sh). The jar is built with -Pgpu: no CPU libtorch inside.
ARG TORCH_RUNTIME_IMAGE=pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime
ARG TORCH_DEVEL_IMAGE=pytorch/pytorch:2.7.1-cuda12.8-cudnn9-devel
ARG DJL_VERSION=0.35.1

FROM build AS build-gpu
ARG DJL_VERSION
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -Pgpu -DskipTests package -pl vision-worker -am \
    && cp "/root/.m2/repository/ai/djl/api/${DJL_VERSION}/api-${DJL_VERSION}.jar" /djl-api.jar \
    && java -Djarmode=tools -jar "$(ls vision-worker/target/vision-worker-*.jar)" extract --layers \
       --application-filename app.jar --destination /layers-gpu/vision-worker

FROM ${TORCH_DEVEL_IMAGE} AS djl-jni
ARG DJL_VERSION
RUN apt-get update && apt-get install -y --no-install-recommends git cmake g++ ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/java/openjdk /opt/jdk
COPY --from=build-gpu /djl-api.jar /djl-api.jar
COPY scripts/gpu/build-djl-jni.sh /usr/local/bin/build-djl-jni.sh
RUN git clone -q --depth 1 --branch "v${DJL_VERSION}" https://github.com/deepjavalibrary/djl /djl \
    && cd /djl/engines/pytorch/pytorch-native \
    && /opt/jdk/bin/javac -cp /djl-api.jar -sourcepath ../pytorch-engine/src/main/java -h build/include -d /tmp/classes \
       ../pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java \
    && build-djl-jni.sh /djl/engines/pytorch/pytorch-native "$(python -c 'import os, torch; print(os.path.dirname(torch.__file__))')" \
       /opt/jdk/include /opt/jdk/lib/server/libjvm.so /out cuda

FROM ${JRE_IMAGE} AS jre

FROM ${TORCH_RUNTIME_IMAGE} AS gpu-runtime
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
COPY --from=djl-jni /out/libdjl_torch.so /opt/djl/libdjl_torch.so
# DJL loads libtorch and its JNI from one folder (PYTORCH_LIBRARY_PATH); CUDA's own libraries come with PyTorch
RUN torch="$(python -c 'import os, torch; print(os.path.dirname(torch.__file__))')" \
    && ln -s "$torch"/lib/*.so* /opt/djl/ \
    && mkdir -p /opt/cuda-libs && for d in "$(dirname "$torch")"/nvidia/*/lib; do ln -sf "$d"/*.so* /opt/cuda-libs/; done \
    && groupadd --system --gid 10001 mediaflow \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin mediaflow \
    && mkdir -p /data/storage /app/cache && chown -R 10001:10001 /data /app/cache
WORKDIR /app
ENV PATH=/opt/java/openjdk/bin:$PATH \
    LD_LIBRARY_PATH=/opt/cuda-libs \
    PYTORCH_LIBRARY_PATH=/opt/djl \
    PYTORCH_VERSION=2.7.1 \
    PYTORCH_FLAVOR=cu128 \
    MEDIAFLOW_DEVICE=auto \
    MEDIAFLOW_STORAGE_ROOT=/data/storage \
    JAVACPP_CACHE=/app/cache/javacpp \
    ENGINE_CACHE_DIR=/app/cache/djl \
    DJL_CACHE_DIR=/app/cache/djl-home \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError -Djna.library.path=/opt/cuda-libs"
USER 10001:10001
ENTRYPOINT ["java", "-jar", "/app/app.jar"]

FROM gpu-runtime AS vision-worker-gpu
COPY --from=build-gpu /layers-gpu/vision-worker/dependencies/ ./
COPY --from=build-gpu /layers-gpu/vision-worker/spring-boot-loader/ ./
COPY --from=build-gpu /layers-gpu/vision-worker/snapshot-dependencies/ ./
COPY --from=build-gpu /layers-gpu/vision-worker/application/ ./
COPY --from=build /src/vision-worker/src/test/resources/models/row-depth.pt /app/models/row-depth.pt
EXPOSE 8083

# The image worker with its resize and blur on the GPU (libtorch, docs/gpu.md); decode and WebP stay on the CPU.
FROM gpu-runtime AS image-worker-gpu
COPY --from=build /layers/image-worker/dependencies/ ./
COPY --from=build /layers/image-worker/spring-boot-loader/ ./
COPY --from=build /layers/image-worker/snapshot-dependencies/ ./
COPY --from=build /layers/image-worker/application/ ./
EXPOSE 8082
