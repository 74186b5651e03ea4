package dev.mediaflow.deploy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.mediaflow.deploy.DeployFiles.maps;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/rabbitmq/render-definitions.sh, which the compose broker and the Kubernetes broker pods run before
 * RabbitMQ imports the definitions at boot: every service user of definitions.json gets its password from
 * the environment, the administrator and the monitoring user are added, and example or weak passwords stop
 * it. (A RabbitMQ 3.10 node started by hand with the rendered file: the users authenticated, guest did not
 * exist, the monitoring user read a queue's length and could not declare one.)
 */
class RenderDefinitionsTest {

    private static final Path SCRIPT = DeployFiles.REPO.resolve("deploy/rabbitmq/render-definitions.sh");
    private static final Path DEFINITIONS = DeployFiles.REPO.resolve("deploy/rabbitmq/definitions.json");
    private static final OfflineTool BASH = OfflineTool.named("bash");

    private Path dir;
    private Path output;

    @BeforeEach
    void folder() throws IOException {
        dir = Files.createTempDirectory("render-definitions");
        output = dir.resolve("definitions.json");
    }

    @AfterEach
    void cleanUp() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    private static Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("RABBITMQ_ADMIN_USER", "ops-admin");
        environment.put("RABBITMQ_ADMIN_PASSWORD", "admin-0123456789abcdef");
        environment.put("MEDIAFLOW_BROKER_PASSWORD_GATEWAY", "gateway-0123456789abcdef");
        environment.put("MEDIAFLOW_BROKER_PASSWORD_QUEUE_SERVICE", "queue-0123456789abcdef");
        environment.put("MEDIAFLOW_BROKER_PASSWORD_IMAGE_WORKER", "image-0123456789abcdef");
        environment.put("MEDIAFLOW_BROKER_PASSWORD_VISION_WORKER", "vision-0123456789abcdef");
        return environment;
    }

    private OfflineTool.Result render(Map<String, String> environment) {
        BASH.assumeInstalled("install bash");
        return BASH.run(dir, environment, List.of(SCRIPT.toString(), DEFINITIONS.toString(), output.toString()));
    }

    private static Map<String, Map<String, Object>> byName(List<Map<String, Object>> entries, String key) {
        return entries.stream().collect(Collectors.toMap(e -> (String) e.get(key), Function.identity()));
    }

    @Test
    void everyServiceUserGetsItsPasswordAndTheAdministratorIsAdded() throws IOException {
        OfflineTool.Result result = render(environment());
        assertThat(result.exitCode()).as(result.error()).isZero();

        Map<String, Object> rendered = DeployFiles.yaml(Files.readString(output));
        Map<String, Object> original = DeployFiles.yaml(Files.readString(DEFINITIONS));
        Map<String, Map<String, Object>> users = byName(maps(rendered.get("users")), "name");
        assertThat(users).containsOnlyKeys("ops-admin", "mediaflow-gateway", "mediaflow-queue-service",
                "mediaflow-image-worker", "mediaflow-vision-worker");
        assertThat(users.get("mediaflow-gateway")).containsEntry("password", "gateway-0123456789abcdef")
                .doesNotContainKey("password_hash");
        assertThat(users.get("mediaflow-queue-service")).containsEntry("password", "queue-0123456789abcdef");
        assertThat(users.get("mediaflow-image-worker")).containsEntry("password", "image-0123456789abcdef");
        assertThat(users.get("mediaflow-vision-worker")).containsEntry("password", "vision-0123456789abcdef");
        assertThat(users.get("ops-admin")).containsEntry("password", "admin-0123456789abcdef")
                .containsEntry("tags", List.of("administrator"));

        Map<String, Map<String, Object>> permissions = byName(maps(rendered.get("permissions")), "user");
        assertThat(permissions.get("ops-admin")).containsEntry("configure", ".*").containsEntry("read", ".*");
        // everything else is definitions.json unchanged: the services' permissions and the topology
        for (Map<String, Object> permission : maps(original.get("permissions"))) {
            assertThat(permissions.get((String) permission.get("user"))).isEqualTo(permission);
        }
        for (String part : List.of("vhosts", "queues", "exchanges", "bindings")) {
            assertThat(rendered.get(part)).as(part).isEqualTo(original.get(part));
        }
        // it holds passwords: only its owner may read it
        assertThat(Files.getPosixFilePermissions(output))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void theMonitoringUserMayReadQueueLengthsButNoResource() throws IOException {
        Map<String, String> environment = environment();
        environment.put("MEDIAFLOW_BROKER_MONITOR_USER", "keda-monitor");
        environment.put("MEDIAFLOW_BROKER_MONITOR_PASSWORD", "monitor-0123456789abcdef");
        assertThat(render(environment).exitCode()).isZero();

        Map<String, Object> rendered = DeployFiles.yaml(Files.readString(output));
        assertThat(byName(maps(rendered.get("users")), "name").get("keda-monitor"))
                .containsEntry("tags", List.of("monitoring"));
        assertThat(byName(maps(rendered.get("permissions")), "user").get("keda-monitor"))
                .containsEntry("configure", "^$").containsEntry("write", "^$").containsEntry("read", "^$");
    }

    @Test
    void examplePasswordsMissingOnesWeakOnesAndGuestAreRefused() {
        Map<String, Map.Entry<String, String>> cases = Map.of(
                "still holds the example value", Map.entry("MEDIAFLOW_BROKER_PASSWORD_GATEWAY", "change-me-gateway-broker-password"),
                "MEDIAFLOW_BROKER_PASSWORD_VISION_WORKER is not set", Map.entry("MEDIAFLOW_BROKER_PASSWORD_VISION_WORKER", ""),
                "must be at least 16 characters", Map.entry("RABBITMQ_ADMIN_PASSWORD", "short"),
                "must be at least 16 characters of", Map.entry("MEDIAFLOW_BROKER_PASSWORD_IMAGE_WORKER", "has\"quote-0123456789"),
                "must not be guest", Map.entry("RABBITMQ_ADMIN_USER", "guest"));
        for (Map.Entry<String, Map.Entry<String, String>> c : cases.entrySet()) {
            Map<String, String> environment = environment();
            environment.put(c.getValue().getKey(), c.getValue().getValue());
            OfflineTool.Result result = render(environment);
            assertThat(result.exitCode()).as(c.getKey()).isNotZero();
            assertThat(result.error()).as(c.getKey()).contains(c.getKey());
            assertThat(output).as(c.getKey()).doesNotExist();
        }
        Set<String> left = Set.of(dir.toFile().list());
        assertThat(left).as("no half-written file left behind").isEmpty();
    }
}
