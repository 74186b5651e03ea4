package dev.mediaflow.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.mediaflow.deploy.DeployFiles.at;
import static dev.mediaflow.deploy.DeployFiles.list;
import static dev.mediaflow.deploy.DeployFiles.map;
import static dev.mediaflow.deploy.DeployFiles.maps;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml (issue 13 section 4), checked offline: there is no Docker engine here. Debian's
 * docker-compose 1.29 validates and renders the file ({@code docker-compose config}, which needs no engine)
 * when installed; the file itself is always parsed and held to {@link ComposeRules}. The rendering is held to
 * the same rules, so both shapes of ports, volumes and dependencies are covered.
 */
class ComposeFileTest {

    private static final OfflineTool DOCKER_COMPOSE = OfflineTool.named("docker-compose");
    private static final String INSTALL = "apt-get install --no-install-recommends docker-compose "
            + "(scripts/infra.sh ensure_test_tools)";

    private static Map<String, String> exampleEnv() {
        return ComposeInterpolation.envFile(DeployFiles.read(".env.example"));
    }

    /** docker-compose.yml as compose reads it with .env.example, without docker-compose. */
    private static Map<String, Object> composeFile() {
        return DeployFiles.yaml(ComposeInterpolation.apply(DeployFiles.read("docker-compose.yml"), exampleEnv()));
    }

    private static Map<String, Object> service(Map<String, Object> compose, String name) {
        return map(map(compose.get("services")).get(name));
    }

    /** A clean environment: nothing of this process's (a MEDIAFLOW_* secret, a COMPOSE_FILE) leaks in. */
    private static Map<String, String> cleanEnvironment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("HOME", System.getProperty("java.io.tmpdir"));
        environment.put("LANG", "C.UTF-8");
        return environment;
    }

    private static OfflineTool.Result dockerComposeConfig(Path envFile, String... files) {
        List<String> arguments = new java.util.ArrayList<>(List.of("--env-file", envFile.toString()));
        for (String file : files) {
            arguments.add("-f");
            arguments.add(file);
        }
        arguments.add("config");
        return DOCKER_COMPOSE.run(DeployFiles.REPO, cleanEnvironment(), arguments);
    }

    @Test
    void theFileMeetsTheHardeningRules() {
        assertThat(ComposeRules.check(composeFile(), DeployFiles.projectVersion())).isEmpty();
    }

    @Test
    void dockerComposeAcceptsTheFileAndItsRenderingMeetsTheHardeningRules() {
        DOCKER_COMPOSE.assumeInstalled(INSTALL);
        OfflineTool.Result result = dockerComposeConfig(DeployFiles.REPO.resolve(".env.example"), "docker-compose.yml");
        assertThat(result.exitCode()).as("docker-compose config:%n%s", result.error()).isZero();
        Map<String, Object> rendered = DeployFiles.yaml(result.output());
        assertThat(ComposeRules.check(rendered, DeployFiles.projectVersion())).isEmpty();
        assertThat(map(rendered.get("services")).keySet()).containsExactlyInAnyOrder("rabbitmq", "redis", "postgres",
                "queue-service", "image-worker", "vision-worker", "gateway-service", "prometheus", "grafana");
    }

    @Test
    void dockerComposeRefusesToRenderWithoutTheSecretsOfDotEnv() throws Exception {
        DOCKER_COMPOSE.assumeInstalled(INSTALL);
        Path empty = Files.createTempFile("empty", ".env");
        try {
            OfflineTool.Result result = dockerComposeConfig(empty, "docker-compose.yml");
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.both()).contains("in .env");
        } finally {
            Files.deleteIfExists(empty);
        }
    }

    @Test
    void theRulesCatchABrokenFile() {
        Map<String, Object> compose = composeFile();
        Map<String, Object> redis = service(compose, "redis");
        redis.put("ports", List.of("6379:6379"));
        redis.remove("restart");
        Map<String, Object> rabbitmq = service(compose, "rabbitmq");
        rabbitmq.put("ports", List.of("15672:15672"));
        rabbitmq.put("image", "rabbitmq:latest");
        service(compose, "prometheus").put("networks", List.of("backend", "edge"));
        Map<String, Object> gateway = service(compose, "gateway-service");
        map(gateway.get("depends_on")).put("queue-service", Map.of("condition", "service_started"));
        map(at(gateway, "deploy.resources.limits")).put("memory", "512M");
        service(compose, "image-worker").remove("healthcheck");
        service(compose, "vision-worker").put("user", "0:0");

        assertThat(ComposeRules.check(compose, DeployFiles.projectVersion())).contains(
                "redis: publishes 6379:6379 (only gateway-service, grafana and rabbitmq may)",
                "redis: restart is null, not unless-stopped",
                "rabbitmq: port 15672:15672 is not bound to 127.0.0.1",
                "rabbitmq: image rabbitmq:latest is not pinned to a version",
                "prometheus: joins network edge, which is not internal, without publishing a port",
                "gateway-service: depends on queue-service with condition service_started",
                "gateway-service: 60.0 % of 512 MiB leaves 204 MiB beside the heap, under the 256 MiB it needs",
                "image-worker: no health check",
                "vision-worker: runs as user 0:0 (set a non-root uid)");
    }

    @Test
    void theJavaHeapSharesLeaveRoomForNativeMemory() {
        Map<String, Object> compose = composeFile();
        for (String name : ComposeRules.JAVA_SERVICES) {
            Map<String, Object> service = service(compose, name);
            String options = (String) ComposeRules.environment(service).get("JAVA_TOOL_OPTIONS");
            assertThat(options).as(name).contains("-XX:MaxRAMPercentage=").contains("-XX:+ExitOnOutOfMemoryError");
            assertThat(JavaMemoryRule.check(name, ComposeRules.memoryLimit(service), options)).as(name).isEmpty();
        }
        // the rule can fail: the vision worker's 40 % of 1 GiB would leave too little beside the heap
        assertThat(JavaMemoryRule.check("vision-worker", MemoryQuantity.GIB, "-XX:MaxRAMPercentage=40")).isPresent();
    }

    @Test
    void rabbitMqImportsTheDefinitionsAtBootWithTheAdministratorFromDotEnvAndNoGuest() {
        Map<String, Object> rabbitmq = service(composeFile(), "rabbitmq");
        Map<String, Object> environment = ComposeRules.environment(rabbitmq);
        assertThat(environment).doesNotContainKeys("RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS");
        assertThat(environment.get("RABBITMQ_ADMIN_USER")).isEqualTo(exampleEnv().get("RABBITMQ_ADMIN_USER"))
                .isNotEqualTo("guest");
        assertThat(environment).containsKeys("MEDIAFLOW_BROKER_PASSWORD_GATEWAY", "MEDIAFLOW_BROKER_PASSWORD_QUEUE_SERVICE",
                "MEDIAFLOW_BROKER_PASSWORD_IMAGE_WORKER", "MEDIAFLOW_BROKER_PASSWORD_VISION_WORKER");
        assertThat(list(rabbitmq.get("volumes"))).contains(
                "./deploy/k8s/components/rabbitmq-definitions/definitions.json:/etc/mediaflow/definitions.json:ro",
                "./deploy/k8s/components/rabbitmq-definitions/render-definitions.sh:/etc/mediaflow/render-definitions.sh:ro",
                "./deploy/rabbitmq/compose-init.sh:/etc/mediaflow/compose-init.sh:ro",
                "./deploy/rabbitmq/rabbitmq.conf:/etc/rabbitmq/conf.d/20-mediaflow.conf:ro");
        assertThat(list(rabbitmq.get("entrypoint"))).containsExactly("bash", "/etc/mediaflow/compose-init.sh");
        assertThat(String.valueOf(rabbitmq.get("image"))).endsWith("-management");

        // compose-init.sh writes the rendered file where rabbitmq.conf's load_definitions looks for it
        String conf = DeployFiles.read("deploy/rabbitmq/rabbitmq.conf");
        String init = DeployFiles.read("deploy/rabbitmq/compose-init.sh");
        Matcher loaded = Pattern.compile("(?m)^load_definitions\\s*=\\s*(\\S+)").matcher(conf);
        assertThat(loaded.find()).as("load_definitions in rabbitmq.conf").isTrue();
        assertThat(init).contains("rendered=" + loaded.group(1))
                .contains("render-definitions.sh /etc/mediaflow/definitions.json \"$rendered\"")
                .contains("exec docker-entrypoint.sh rabbitmq-server");
    }

    @Test
    void rabbitMqIsToldItsContainersMemoryLimit() {
        long limit = ComposeRules.memoryLimit(service(composeFile(), "rabbitmq"));
        Matcher m = Pattern.compile("(?m)^total_memory_available_override_value\\s*=\\s*(\\d+)\\s*$")
                .matcher(DeployFiles.read("deploy/rabbitmq/rabbitmq.conf"));
        assertThat(m.find()).as("total_memory_available_override_value in rabbitmq.conf").isTrue();
        assertThat(Long.parseLong(m.group(1))).isEqualTo(limit);
    }

    @Test
    void prometheusAndGrafanaMountTheProvisioningWhereItIsRead() {
        Map<String, Object> compose = composeFile();
        Map<String, Object> prometheus = service(compose, "prometheus");
        assertThat(list(prometheus.get("volumes"))).contains("./deploy/prometheus:/etc/prometheus:ro");
        assertThat(list(prometheus.get("command"))).contains("--config.file=/etc/prometheus/prometheus.yml");
        assertThat(DeployFiles.REPO.resolve("deploy/prometheus/prometheus.yml")).isRegularFile();
        assertThat(DeployFiles.REPO.resolve("deploy/prometheus/rules")).isDirectory();

        Map<String, Object> grafana = service(compose, "grafana");
        // the dashboard provider reads the folder the dashboards are mounted at
        Map<String, Object> provider = maps(DeployFiles.yaml(
                DeployFiles.read("deploy/grafana/provisioning/dashboards/mediaflow.yml")).get("providers")).get(0);
        assertThat(list(grafana.get("volumes"))).contains(
                "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro",
                "./deploy/grafana/dashboards:" + at(provider, "options.path") + ":ro");
        assertThat(ComposeRules.environment(grafana)).containsKeys("GF_SECURITY_ADMIN_USER", "GF_SECURITY_ADMIN_PASSWORD")
                .containsEntry("GF_AUTH_ANONYMOUS_ENABLED", "false");
    }

    @Test
    void dotEnvExampleNamesEveryRequiredVariable() {
        Set<String> required = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+):?\\?").matcher(DeployFiles.read("docker-compose.yml"));
        while (m.find()) {
            required.add(m.group(1));
        }
        assertThat(required).contains("MEDIAFLOW_INTERNAL_TOKEN", "RABBITMQ_ADMIN_PASSWORD", "POSTGRES_PASSWORD");
        assertThat(exampleEnv().keySet()).containsAll(required);
        // every password of the example is one the broker refuses, so the example cannot go live unchanged
        exampleEnv().entrySet().stream().filter(e -> e.getKey().contains("PASSWORD") || e.getKey().endsWith("TOKEN"))
                .forEach(e -> assertThat(e.getValue()).as(e.getKey()).startsWith("change-me"));
    }

    @Test
    void theGpuReservationIsOptionalAndAsksForAnNvidiaDevice() {
        assertThat(at(service(composeFile(), "vision-worker"), "deploy.resources.reservations")).isNull();
        Map<String, Object> override = DeployFiles.yaml(ComposeInterpolation.apply(
                DeployFiles.read("docker-compose.gpu.yml"), exampleEnv()));
        Map<String, Object> vision = service(override, "vision-worker");
        Map<String, Object> device = maps(at(vision, "deploy.resources.reservations.devices")).get(0);
        assertThat(device).containsEntry("driver", "nvidia").containsEntry("count", 1);
        assertThat(list(device.get("capabilities"))).contains("gpu");
        assertThat(ComposeRules.environment(vision)).containsEntry("MEDIAFLOW_DEVICE", "gpu");
        assertThat(map(override.get("services")).keySet()).containsExactly("vision-worker");
    }

    @Test
    void dockerComposeMergesTheGpuOverride() {
        DOCKER_COMPOSE.assumeInstalled(INSTALL);
        OfflineTool.Result result = dockerComposeConfig(DeployFiles.REPO.resolve(".env.example"),
                "docker-compose.yml", "docker-compose.gpu.yml");
        assertThat(result.exitCode()).as("docker-compose config:%n%s", result.error()).isZero();
        Map<String, Object> rendered = DeployFiles.yaml(result.output());
        Map<String, Object> vision = service(rendered, "vision-worker");
        assertThat(maps(at(vision, "deploy.resources.reservations.devices")))
                .anySatisfy(d -> assertThat(d).containsEntry("driver", "nvidia"));
        assertThat(ComposeRules.check(rendered, DeployFiles.projectVersion())).isEmpty();
    }
}
