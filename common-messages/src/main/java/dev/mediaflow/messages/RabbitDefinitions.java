package dev.mediaflow.messages;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The topology in RabbitMQ's definitions format ({@code rabbitmqctl import_definitions}, the
 * management UI's "Import definitions", or {@code load_definitions} at broker start), for
 * operators who declare it before any service runs. {@code deploy/rabbitmq/definitions.json} is
 * this output for the default retry delays; a test keeps the two equal. It also holds the
 * {@link BrokerUsers}, without passwords (an empty hash cannot log in): set each password from your secret
 * store with {@code rabbitmqctl change_password}, as {@code deploy/rabbitmq/broker-users.sh} does.
 */
public final class RabbitDefinitions {

    private RabbitDefinitions() {
    }

    public static Map<String, Object> of(Declarables declarables, String vhost) {
        List<Map<String, Object>> queues = new ArrayList<>();
        List<Map<String, Object>> exchanges = new ArrayList<>();
        List<Map<String, Object>> bindings = new ArrayList<>();
        for (Declarable d : declarables.getDeclarables()) {
            if (d instanceof Queue q) {
                queues.add(entry("name", q.getName(), "vhost", vhost, "durable", q.isDurable(),
                        "auto_delete", q.isAutoDelete(), "arguments", new TreeMap<>(q.getArguments())));
            } else if (d instanceof Exchange e) {
                exchanges.add(entry("name", e.getName(), "vhost", vhost, "type", e.getType(), "durable", e.isDurable(),
                        "auto_delete", e.isAutoDelete(), "internal", e.isInternal(), "arguments", new TreeMap<>(e.getArguments())));
            } else if (d instanceof Binding b) {
                bindings.add(entry("source", b.getExchange(), "vhost", vhost, "destination", b.getDestination(),
                        "destination_type", b.getDestinationType().name().toLowerCase(), "routing_key", b.getRoutingKey(),
                        "arguments", new TreeMap<>(b.getArguments())));
            }
        }
        List<Map<String, Object>> users = new ArrayList<>();
        List<Map<String, Object>> permissions = new ArrayList<>();
        for (BrokerUsers.User user : BrokerUsers.all()) {
            users.add(entry("name", user.name(), "password_hash", "",
                    "hashing_algorithm", "rabbit_password_hashing_sha256", "tags", List.of()));
            permissions.add(entry("user", user.name(), "vhost", vhost, "configure", user.configure(),
                    "write", user.write(), "read", user.read()));
        }
        return entry("users", users, "vhosts", List.of(entry("name", vhost)), "permissions", permissions,
                "queues", queues, "exchanges", exchanges, "bindings", bindings);
    }

    private static Map<String, Object> entry(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
