package dev.mediaflow.deploy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.mediaflow.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile, read as text (no Docker engine here to build it): pinned base images, each service's jar
 * split into Spring Boot's layers with Boot's own tools jar mode and copied in layer order, and a non-root
 * user that every service image inherits. docker-compose.yml's build targets must be its stages.
 */
class DockerfileTest {

    private static final List<String> SERVICES = List.of("gateway-service", "queue-service", "image-worker", "vision-worker");
    private static final List<String> LAYERS = List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");

    /** stage name -> its instructions (FROM line first), continuation lines joined. */
    private static Map<String, List<String>> stages() {
        Map<String, List<String>> stages = new LinkedHashMap<>();
        List<String> current = null;
        String text = DeployFiles.read("Dockerfile").replaceAll("\\\\\\n", " ");
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Matcher from = Pattern.compile("(?i)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?").matcher(trimmed);
            if (from.find()) {
                current = new ArrayList<>();
                stages.put(from.group(2) == null ? "stage" + stages.size() : from.group(2), current);
            }
            if (current != null) {
                current.add(trimmed);
            }
        }
        return stages;
    }

    private static String argDefault(String name) {
        Matcher m = Pattern.compile("(?m)^ARG " + name + "=(\\S+)").matcher(DeployFiles.read("Dockerfile"));
        assertThat(m.find()).as("ARG %s with a default", name).isTrue();
        return m.group(1);
    }

    @Test
    void theBaseImagesArePinnedToAJdkRelease() {
        for (String arg : List.of("JDK_IMAGE", "JRE_IMAGE")) {
            assertThat(argDefault(arg)).as(arg).matches("eclipse-temurin:17\\.0\\.\\d+_\\d+-j(dk|re)-\\w+");
        }
        assertThat(stages().get("build").get(0)).isEqualTo("FROM ${JDK_IMAGE} AS build");
        assertThat(stages().get("runtime").get(0)).isEqualTo("FROM ${JRE_IMAGE} AS runtime");
    }

    @Test
    void eachJarIsExtractedIntoSpringBootsLayers() {
        String build = String.join("\n", stages().get("build"));
        assertThat(build).contains("java -Djarmode=tools -jar").contains("extract --layers")
                .contains("--application-filename app.jar").contains("--destination \"/layers/$s\"");
        for (String service : SERVICES) {
            assertThat(build).contains(service);
            List<String> copies = stages().get(service).stream().filter(l -> l.startsWith("COPY --from=build /layers/")).toList();
            // the layer that changes least first, so that a code change rebuilds only the last one
            assertThat(copies).as(service).containsExactlyElementsOf(LAYERS.stream()
                    .map(layer -> "COPY --from=build /layers/" + service + "/" + layer + "/ ./").toList());
        }
        assertThat(stages().get("runtime")).contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/app.jar\"]");
    }

    @Test
    void theServicesRunAsANumericNonRootUser() {
        List<String> runtime = stages().get("runtime");
        List<String> users = runtime.stream().filter(l -> l.startsWith("USER ")).toList();
        assertThat(users).hasSize(1);
        Matcher uid = Pattern.compile("USER (\\d+)(?::(\\d+))?").matcher(users.get(0));
        assertThat(uid.matches()).as("a numeric USER, so that runAsNonRoot can check it: %s", users.get(0)).isTrue();
        assertThat(Integer.parseInt(uid.group(1))).isPositive();
        for (String service : SERVICES) {
            List<String> stage = stages().get(service);
            assertThat(stage.get(0)).isEqualTo("FROM runtime AS " + service);
            assertThat(stage).noneMatch(l -> l.startsWith("USER "));
        }
        // the Kubernetes manifests run the pods as the same uid
        assertThat(DeployFiles.read("deploy/k8s/base/gateway-service.yaml")).contains("runAsUser: " + uid.group(1));
        assertThat(DeployFiles.read("docker-compose.yml")).contains("user: \"" + uid.group(1) + ":");
    }

    @Test
    void composeBuildsEveryServiceFromAStageOfThisDockerfile() {
        Map<String, Object> services = map(DeployFiles.yaml(ComposeInterpolation.apply(DeployFiles.read("docker-compose.yml"),
                ComposeInterpolation.envFile(DeployFiles.read(".env.example")))).get("services"));
        for (String service : SERVICES) {
            assertThat(DeployFiles.at(map(services.get(service)), "build.target")).as(service).isEqualTo(service);
            assertThat(stages()).containsKey(service);
        }
    }

    @Test
    void theGpuVisionWorkerRunsDjlOnPytorchsCudaLibtorchAtTheVersionDjlsJniIsWrittenFor() {
        Map<String, List<String>> stages = stages();
        String pom = DeployFiles.read("pom.xml");
        String pytorch = between(pom, "<pytorch.version>", "</pytorch.version>");
        String djl = between(pom, "<djl.version>", "</djl.version>");
        assertThat(argDefault("TORCH_RUNTIME_IMAGE")).startsWith("pytorch/pytorch:" + pytorch + "-cuda").endsWith("-runtime");
        assertThat(argDefault("TORCH_DEVEL_IMAGE")).isEqualTo(argDefault("TORCH_RUNTIME_IMAGE").replace("-runtime", "-devel"));
        assertThat(argDefault("DJL_VERSION")).isEqualTo(djl);
        // no CPU libtorch in the jar; DJL's JNI compiled against the image's own libtorch, by the script gpu-check uses
        assertThat(String.join("\n", stages.get("build-gpu"))).contains("-Pgpu");
        assertThat(String.join("\n", stages.get("djl-jni"))).contains("build-djl-jni.sh").contains("/out cuda");
        List<String> runtime = stages.get("gpu-runtime");
        assertThat(runtime).contains("USER 10001:10001").contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/app.jar\"]");
        assertThat(String.join("\n", runtime)).contains("PYTORCH_LIBRARY_PATH=/opt/djl").contains("PYTORCH_VERSION=" + pytorch)
                .contains("MEDIAFLOW_DEVICE=auto");
        List<String> worker = stages.get("vision-worker-gpu");
        assertThat(worker.get(0)).isEqualTo("FROM gpu-runtime AS vision-worker-gpu");
        assertThat(worker.stream().filter(l -> l.startsWith("COPY --from=build-gpu /layers-gpu/")).toList())
                .containsExactlyElementsOf(LAYERS.stream()
                        .map(layer -> "COPY --from=build-gpu /layers-gpu/vision-worker/" + layer + "/ ./").toList());
        assertThat(DeployFiles.read("docker-compose.gpu.yml")).contains("target: vision-worker-gpu");
        // the image worker's GPU image: its usual jar (libtorch comes from the base) on the same runtime
        assertThat(stages.get("image-worker-gpu").get(0)).isEqualTo("FROM gpu-runtime AS image-worker-gpu");
        assertThat(stages.get("image-worker-gpu").stream().filter(l -> l.startsWith("COPY --from=build /layers/")).toList())
                .containsExactlyElementsOf(LAYERS.stream()
                        .map(layer -> "COPY --from=build /layers/image-worker/" + layer + "/ ./").toList());
    }

    private static String between(String text, String open, String close) {
        int from = text.indexOf(open) + open.length();
        return text.substring(from, text.indexOf(close, from));
    }
}
