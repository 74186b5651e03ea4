package dev.mediaflow.system;

import dev.mediaflow.messages.CorrelationId;
import dev.mediaflow.messages.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 section 6: one upload's correlation id, followed through the JSON logs of the real
 * services, from the gateway's HTTP request over RabbitMQ to queue-service and the image worker.
 */
@ExtendWith(StackExtension.class)
class LogCorrelationIT {

    @TempDir
    Path tmp;

    @Test
    void oneUploadsCorrelationIdIsInTheJsonLogLinesOfTheGatewayQueueServiceAndImageWorkerWithItsJobId(Stack stack)
            throws Exception {
        String correlationId = "it-" + UUID.randomUUID();
        ApiClient alice = stack.client("dev-alice-key");
        ApiClient.Response upload = alice.upload("traced.jpg", Media.jpeg(tmp.resolve("traced.jpg"), 640, 480),
                Map.of("operations", "thumbnail"), Map.of(CorrelationId.HEADER, correlationId));
        assertThat(upload.status()).as(upload.text()).isEqualTo(202);
        assertThat(upload.raw().headers().firstValue(CorrelationId.HEADER)).contains(correlationId);
        String jobId = upload.json().get("queueId").asString();
        PipelineIT.awaitStatus(alice, jobId, "completed");

        List<JsonNode> gateway = linesOf(stack.gateway, correlationId);
        assertThat(gateway).as("gateway lines with the id").isNotEmpty()
                .anySatisfy(line -> assertThat(line.get("message").asString()).startsWith("Accepted photo"));
        assertThat(gateway).filteredOn(line -> line.has("jobId")).isNotEmpty()
                .allSatisfy(line -> assertThat(line.get("jobId").asString()).isEqualTo(jobId));

        List<JsonNode> queueService = linesOf(stack.queueService, correlationId);
        assertThat(queueService).as("queue-service lines with the id")
                .anySatisfy(line -> assertThat(line.get("message").asString()).contains("recorded"))
                .anySatisfy(line -> assertThat(line.get("message").asString()).contains("-> completed"))
                .allSatisfy(line -> assertThat(line.get("jobId").asString()).isEqualTo(jobId));

        List<JsonNode> worker = linesOf(stack.imageWorker, correlationId);
        assertThat(worker).as("image-worker lines with the id")
                .anySatisfy(line -> assertThat(line.get("message").asString()).contains("started"))
                .anySatisfy(line -> assertThat(line.get("message").asString()).contains("succeeded"))
                .allSatisfy(line -> assertThat(line.get("jobId").asString()).isEqualTo(jobId));
        // and no line the worker wrote about this job goes without the id
        assertThat(jsonLines(stack.imageWorker))
                .filteredOn(line -> line.has("jobId") && line.get("jobId").asString().equals(jobId))
                .allSatisfy(line -> assertThat(line.get("correlationId").asString()).isEqualTo(correlationId));
        for (JsonNode line : gateway) {
            assertThat(line.get("service").get("name").asString()).isEqualTo("gateway-service");
        }
    }

    /** The service's JSON lines that carry the correlation id. */
    private static List<JsonNode> linesOf(ServiceProcess service, String correlationId) throws IOException {
        return jsonLines(service).stream()
                .filter(line -> line.has("correlationId") && line.get("correlationId").asString().equals(correlationId))
                .toList();
    }

    /** Every line that is a JSON object; the JVM's own warnings on stderr are not. */
    private static List<JsonNode> jsonLines(ServiceProcess service) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : service.logLines()) {
            if (line.startsWith("{")) {
                lines.add(Json.MAPPER.readTree(line));
            }
        }
        assertThat(lines).as(service.name + " writes JSON lines").isNotEmpty();
        return lines;
    }
}
