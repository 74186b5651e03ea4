package dev.mediaflow.gateway.publish;

import dev.mediaflow.gateway.support.Multipart;
import dev.mediaflow.gateway.support.TestFiles;
import dev.mediaflow.messages.Topology;
import dev.mediaflow.messages.WorkerKind;
import dev.mediaflow.testsupport.RabbitVhost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With MEDIAFLOW_TRACING_ENDPOINT set, an upload's trace goes on through RabbitMQ: the job's
 * {@code job.submitted} and its task carry the trace of the request that uploaded it ({@code traceparent}),
 * here one the client started, with span ids of the gateway's. The workers' side: image-worker's TaskTraceTest.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class UploadTraceTest {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String CLIENT_SPAN_ID = "b7ad6b7169203331";
    private static final String SUBMITTED_PROBE = "gateway-trace-test.job-submitted";
    private static final RabbitVhost VHOST = RabbitVhost.create("mf-gateway-trace");

    static {
        // as the environment variable would be, before TracingSwitch reads it; nothing listens there, and
        // the spans that cannot be sent are dropped (TracePropagationTest checks the export)
        System.setProperty("mediaflow.tracing-endpoint", "http://127.0.0.1:" + TestFiles.closedPort());
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.rabbitmq.addresses", VHOST::amqpUrl);
        registry.add("mediaflow.storage-root", () -> TestFiles.tempDirectory("mf-gateway-trace").toString());
        registry.add("mediaflow.queue-service-url", () -> "http://127.0.0.1:" + TestFiles.closedPort());
    }

    @AfterAll
    static void stop() {
        System.clearProperty("mediaflow.tracing-endpoint");
        VHOST.close();
    }

    @Autowired
    WebTestClient client;
    @Autowired
    RabbitTemplate rabbit;

    @Test
    void theJobsMessagesCarryTheUploadsTrace() {
        RabbitAdmin admin = new RabbitAdmin(rabbit);
        Queue probe = new Queue(SUBMITTED_PROBE, false, false, false);
        admin.declareQueue(probe);
        admin.declareBinding(BindingBuilder.bind(probe).to(new TopicExchange(Topology.EVENTS_EXCHANGE))
                .with("job.submitted"));

        Multipart multipart = Multipart.file("traced.jpg", TestFiles.image("jpg", 120, 80), "image/jpeg")
                .field("operations", "thumbnail");
        client.post().uri("/api/media/upload")
                .header("X-API-Key", "dev-alice-key")
                .header("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(multipart.parts()))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED);

        List<String> traceparents = new ArrayList<>();
        for (String queue : List.of(SUBMITTED_PROBE, WorkerKind.IMAGE.queue())) {
            Message message = rabbit.receive(queue, 10_000);
            assertThat(message).as("a message on " + queue).isNotNull();
            traceparents.add(String.valueOf(message.getMessageProperties().getHeaders().get("traceparent")));
        }
        assertThat(traceparents).allSatisfy(traceparent -> {
            assertThat(traceparent).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-[0-9a-f][13579bdf]");
            assertThat(traceparent).as("a span of the gateway's").doesNotContain(CLIENT_SPAN_ID);
        });
        assertThat(traceparents.get(0)).as("one span per message").isNotEqualTo(traceparents.get(1));
    }
}
