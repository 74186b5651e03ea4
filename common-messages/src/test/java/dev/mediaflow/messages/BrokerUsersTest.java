package dev.mediaflow.messages;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may consume what (the read permission); RabbitMQ matches these patterns as Java does here. */
class BrokerUsersTest {

    private final Map<String, BrokerUsers.User> users = BrokerUsers.all().stream()
            .collect(Collectors.toMap(BrokerUsers.User::service, Function.identity()));

    private boolean mayRead(String service, String resource) {
        return resource.matches(users.get(service).read());
    }

    @Test
    void eachServiceConsumesOnlyItsOwnQueues() {
        String image = WorkerKind.IMAGE.queue();
        String vision = WorkerKind.VISION.queue();
        assertThat(mayRead("gateway-service", image)).isFalse();
        assertThat(mayRead("gateway-service", Topology.EVENTS_QUEUE)).isFalse();
        assertThat(mayRead("gateway-service", Topology.DLQ)).isFalse();
        assertThat(mayRead("image-worker", image)).isTrue();
        assertThat(mayRead("image-worker", vision)).isFalse();
        assertThat(mayRead("image-worker", Topology.EVENTS_QUEUE)).isFalse();
        assertThat(mayRead("vision-worker", vision)).isTrue();
        assertThat(mayRead("vision-worker", image)).isFalse();
        assertThat(mayRead("queue-service", Topology.EVENTS_QUEUE)).isTrue();
        assertThat(mayRead("queue-service", Topology.DLQ)).isTrue();
        assertThat(mayRead("queue-service", image)).isFalse();
    }

    @Test
    void everyServiceMayDeclareAndBindTheTopologyItDeclaresAtStart() {
        for (BrokerUsers.User user : users.values()) {
            for (String exchange : new String[]{Topology.TASKS_EXCHANGE, Topology.RETRY_EXCHANGE,
                    Topology.EVENTS_EXCHANGE, Topology.CONTROL_EXCHANGE}) {
                assertThat(exchange).as(user.name()).matches(user.configure()).matches(user.read());
            }
            assertThat(WorkerKind.IMAGE.queue()).as(user.name()).matches(user.configure()).matches(user.write());
            assertThat("amq.default").as(user.name() + " never the default exchange's queues by name")
                    .doesNotMatch(user.configure());
        }
        assertThat("spring.gen-abc123").matches(users.get("image-worker").read())
                .doesNotMatch(users.get("gateway-service").read());
    }
}
