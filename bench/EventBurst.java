import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The backlog of bench/queue.sh's drain: the status events of {@code N} no-op jobs as the gateway and a worker
 * would publish them, straight to the {@code mediaflow.events} exchange (persistent, confirmed every 500), while
 * queue-service is stopped, so that they wait in {@code mediaflow.queue-service.events}: first every job's
 * {@code job.submitted} (a burst of uploads), then each job's {@code task.started} and {@code task.succeeded}
 * (its image task, which names no result). Every job has the batch id {@code TAG}, by which the script counts the
 * jobs queue-service has completed. The JSON is written here rather than with common-messages' mapper so that the
 * program needs only the RabbitMQ client, which PerfTest's libraries already hold.
 *
 * <p>Usage: {@code java -cp 'data/bench/perftest/lib/*' bench/EventBurst.java AMQP_URI N TAG}.
 */
public class EventBurst {

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        int n = Integer.parseInt(args[1]);
        String tag = args[2];
        List<UUID[]> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(new UUID[] {UUID.randomUUID(), UUID.randomUUID()});
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        try (Connection connection = factory.newConnection("bench-event-burst");
             Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            int sent = 0;
            for (UUID[] job : jobs) {
                sent = publish(channel, "job.submitted", submitted(job[0], job[1], tag), sent);
            }
            for (UUID[] job : jobs) {
                sent = publish(channel, "task.started", task("task.started", job[0], job[1], tag), sent);
                sent = publish(channel, "task.succeeded", task("task.succeeded", job[0], job[1], tag), sent);
            }
            channel.waitForConfirmsOrDie(60_000);
            System.out.println("events=" + sent);
        }
    }

    private static int publish(Channel channel, String routingKey, String json, int sent) throws Exception {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json").deliveryMode(2).build();
        channel.basicPublish("mediaflow.events", routingKey, true, props, json.getBytes(StandardCharsets.UTF_8));
        if ((sent + 1) % 500 == 0) {
            channel.waitForConfirmsOrDie(60_000);
        }
        return sent + 1;
    }

    private static String submitted(UUID jobId, UUID mediaItemId, String tag) {
        String now = Instant.now().toString();
        return """
                {"eventId":"%s","type":"job.submitted","jobId":"%s","mediaItemId":"%s","owner":"%s","run":1,\
                "attempt":0,"maxAttempts":3,"at":"%s","submission":{"jobId":"%s","mediaItemId":"%s","owner":"%s",\
                "originalFilename":"drain.png","mediaType":"photo","fileSize":100,"inputPath":"/nonexistent/drain.png",\
                "outputDir":"/nonexistent/%s","operations":["noop"],"priority":50,"maxAttempts":3,"batchId":"%s",\
                "run":1,"createdAt":"%s"}}""".formatted(UUID.randomUUID(), jobId, mediaItemId, tag, now, jobId,
                mediaItemId, tag, mediaItemId, tag, now);
    }

    private static String task(String type, UUID jobId, UUID mediaItemId, String tag) {
        return """
                {"eventId":"%s","type":"%s","jobId":"%s","mediaItemId":"%s","owner":"%s","worker":"image","run":1,\
                "attempt":1,"maxAttempts":3,"at":"%s","workerId":"bench-drain"%s}""".formatted(UUID.randomUUID(),
                type, jobId, mediaItemId, tag, Instant.now(), type.equals("task.succeeded") ? ",\"durationMs\":1" : "");
    }
}
