package dev.mediaflow.messages;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/rabbitmq/definitions.json must say what the services declare. Run with
 * {@code -Dmediaflow.write-definitions=true} to rewrite it after changing the topology.
 */
class RabbitDefinitionsTest {

    private static final Path FILE = Path.of("..", "deploy", "rabbitmq", "definitions.json");
    private static final JsonMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Test
    void theExportedFileMatchesTheDeclarations() throws Exception {
        Map<String, Object> expected = RabbitDefinitions.of(TopologyDeclarations.all(TopologyDeclarations.parseDelays(null)), "/");
        String json = PRETTY.writeValueAsString(expected) + "\n";
        if (Boolean.getBoolean("mediaflow.write-definitions")) {
            Files.writeString(FILE, json);
        }
        assertThat(FILE).as("run the build with -Dmediaflow.write-definitions=true to create it").exists();
        JsonNode onDisk = PRETTY.readTree(Files.readString(FILE));
        assertThat(onDisk).as("deploy/rabbitmq/definitions.json is stale: rerun with -Dmediaflow.write-definitions=true")
                .isEqualTo(PRETTY.readTree(json));
    }

    @Test
    void taskQueuesArePriorityQueuesThatDeadLetterIntoTheRetryExchange() {
        Map<String, Object> definitions = RabbitDefinitions.of(TopologyDeclarations.all(TopologyDeclarations.parseDelays(null)), "/");
        JsonNode root = PRETTY.valueToTree(definitions);
        JsonNode imageQueue = root.get("queues").valueStream()
                .filter(q -> q.get("name").asString().equals("mediaflow.image.tasks")).findFirst().orElseThrow();
        assertThat(imageQueue.get("arguments").get("x-max-priority").asInt()).isEqualTo(10);
        assertThat(imageQueue.get("arguments").get("x-dead-letter-exchange").asString()).isEqualTo("mediaflow.retry");
        JsonNode wait = root.get("queues").valueStream()
                .filter(q -> q.get("name").asString().equals("mediaflow.retry.image.30s")).findFirst().orElseThrow();
        assertThat(wait.get("arguments").get("x-message-ttl").asInt()).isEqualTo(30_000);
        assertThat(wait.get("arguments").get("x-dead-letter-routing-key").asString()).isEqualTo("task.image");
        JsonNode events = root.get("queues").valueStream()
                .filter(q -> q.get("name").asString().equals("mediaflow.queue-service.events")).findFirst().orElseThrow();
        assertThat(events.get("arguments").get("x-dead-letter-exchange").asString()).isEmpty();
        assertThat(events.get("arguments").get("x-dead-letter-routing-key").asString())
                .isEqualTo("mediaflow.queue-service.events.parked");
        assertThat(root.get("queues").valueStream().map(q -> q.get("name").asString()))
                .contains("mediaflow.queue-service.events.parked");
        assertThat(root.get("exchanges").valueStream().map(e -> e.get("name").asString()))
                .contains("mediaflow.tasks", "mediaflow.retry", "mediaflow.events", "mediaflow.control");
    }
}
