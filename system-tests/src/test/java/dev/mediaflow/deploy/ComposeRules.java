package dev.mediaflow.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.mediaflow.deploy.DeployFiles.at;
import static dev.mediaflow.deploy.DeployFiles.list;
import static dev.mediaflow.deploy.DeployFiles.map;
import static dev.mediaflow.deploy.DeployFiles.stringAt;

/**
 * The hardening rules of issue 13 for docker-compose.yml, as a list of what breaks them. They run on the file
 * as written (after substitution) and on docker-compose's own rendering of it, which writes ports, volumes and
 * dependencies in other shapes; both must come out empty. Checked:
 * <ul>
 *   <li>published ports: the gateway's 8080, Grafana's 3000 and the management UI's 15672 on 127.0.0.1 only;</li>
 *   <li>networks: only a service with a published port leaves the internal network;</li>
 *   <li>every service: restart unless-stopped, a health check, a memory limit, a pinned image;</li>
 *   <li>dependencies wait for service_healthy, on services that have a health check;</li>
 *   <li>the Java services: a heap share that fits the limit (JavaMemoryRule), a non-root user, a read-only root
 *       file system, no capabilities, no-new-privileges, the one shared storage volume, their own broker user.</li>
 * </ul>
 */
final class ComposeRules {

    static final Set<String> JAVA_SERVICES = Set.of("gateway-service", "queue-service", "image-worker", "vision-worker");
    private static final Map<String, String> PUBLISHED = Map.of(
            "gateway-service", "8080", "grafana", "3000", "rabbitmq", "15672");
    /** A version with at least major.minor, e.g. 4.0.5-management, 16.8, v2.54.1; never latest or a bare major. */
    private static final Pattern PINNED_TAG = Pattern.compile("v?\\d+\\.\\d+(\\.\\d+)?([-_][A-Za-z0-9._-]+)?");
    private static final Map<String, List<String>> NEEDS = Map.of(
            "gateway-service", List.of("rabbitmq", "queue-service"),
            "queue-service", List.of("rabbitmq", "redis", "postgres"),
            "image-worker", List.of("rabbitmq", "redis"),
            "vision-worker", List.of("rabbitmq", "redis"),
            "grafana", List.of("prometheus"));

    private final String projectVersion;
    private final List<String> violations = new ArrayList<>();

    private ComposeRules(String projectVersion) {
        this.projectVersion = projectVersion;
    }

    static List<String> check(Map<String, Object> compose, String projectVersion) {
        ComposeRules rules = new ComposeRules(projectVersion);
        rules.checkAll(compose);
        return rules.violations;
    }

    private void checkAll(Map<String, Object> compose) {
        Map<String, Object> services = map(compose.get("services"));
        Map<String, Object> networks = map(compose.get("networks"));
        if (services.isEmpty()) {
            violations.add("no services");
        }
        String storageVolume = null;
        for (Map.Entry<String, Object> entry : services.entrySet()) {
            String name = entry.getKey();
            Map<String, Object> service = map(entry.getValue());
            ports(name, service);
            networks(name, service, networks);
            if (!"unless-stopped".equals(service.get("restart"))) {
                violations.add(name + ": restart is " + service.get("restart") + ", not unless-stopped");
            }
            healthcheck(name, service);
            dependencies(name, service, services);
            image(name, service);
            Long limit = memoryLimit(service);
            if (limit == null) {
                violations.add(name + ": no memory limit (deploy.resources.limits.memory)");
            }
            if (JAVA_SERVICES.contains(name)) {
                javaService(name, service, limit);
                if (!name.equals("queue-service")) {
                    String volume = storageVolume(name, service);
                    if (storageVolume == null) {
                        storageVolume = volume;
                    } else if (volume != null && !volume.equals(storageVolume)) {
                        violations.add(name + ": /data/storage is volume " + volume + ", not the shared " + storageVolume);
                    }
                }
            }
        }
        for (String java : JAVA_SERVICES) {
            if (!services.containsKey(java)) {
                violations.add("service " + java + " is missing");
            }
        }
    }

    private void ports(String name, Map<String, Object> service) {
        for (Object port : list(service.get("ports"))) {
            PublishedPort published = PublishedPort.parse(port);
            String allowed = PUBLISHED.get(name);
            if (allowed == null) {
                violations.add(name + ": publishes " + port + " (only gateway-service, grafana and rabbitmq may)");
            } else if (!allowed.equals(published.target())) {
                violations.add(name + ": publishes container port " + published.target() + ", not " + allowed);
            } else if (!name.equals("gateway-service") && !"127.0.0.1".equals(published.hostIp())) {
                violations.add(name + ": port " + port + " is not bound to 127.0.0.1");
            }
        }
    }

    private void networks(String name, Map<String, Object> service, Map<String, Object> networks) {
        Object joined = service.get("networks");
        List<String> names = joined instanceof Map<?, ?> m ? m.keySet().stream().map(String::valueOf).toList()
                : list(joined).stream().map(String::valueOf).toList();
        if (names.isEmpty()) {
            violations.add(name + ": on the default network (name the internal one)");
        }
        boolean publishes = !list(service.get("ports")).isEmpty();
        for (String network : names) {
            boolean internal = Boolean.TRUE.equals(map(networks.get(network)).get("internal"));
            if (!internal && !publishes) {
                violations.add(name + ": joins network " + network + ", which is not internal, without publishing a port");
            }
        }
    }

    private void healthcheck(String name, Map<String, Object> service) {
        Map<String, Object> check = map(service.get("healthcheck"));
        if (check.isEmpty() || Boolean.TRUE.equals(check.get("disable")) || list(check.get("test")).isEmpty()) {
            violations.add(name + ": no health check");
        }
    }

    private void dependencies(String name, Map<String, Object> service, Map<String, Object> services) {
        Object dependsOn = service.get("depends_on");
        if (dependsOn instanceof List<?> plain && !plain.isEmpty()) {
            violations.add(name + ": depends_on without conditions " + plain);
            return;
        }
        Map<String, Object> dependencies = map(dependsOn);
        for (Map.Entry<String, Object> dependency : dependencies.entrySet()) {
            Object condition = map(dependency.getValue()).get("condition");
            if (!"service_healthy".equals(condition)) {
                violations.add(name + ": depends on " + dependency.getKey() + " with condition " + condition);
            }
            if (map(map(services.get(dependency.getKey())).get("healthcheck")).isEmpty()) {
                violations.add(name + ": depends on " + dependency.getKey() + ", which has no health check");
            }
        }
        for (String needed : NEEDS.getOrDefault(name, List.of())) {
            if (!dependencies.containsKey(needed)) {
                violations.add(name + ": does not wait for " + needed);
            }
        }
    }

    private void image(String name, Map<String, Object> service) {
        String image = (String) service.get("image");
        if (image == null) {
            violations.add(name + ": no image (a built service names its tag too)");
            return;
        }
        int colon = image.lastIndexOf(':');
        String tag = colon < 0 || image.indexOf('/', colon) >= 0 ? null : image.substring(colon + 1);
        if (service.containsKey("build")) {
            if (!projectVersion.equals(tag)) {
                violations.add(name + ": built image " + image + " is not tagged with the project version " + projectVersion);
            }
        } else if (tag == null || !PINNED_TAG.matcher(tag).matches()) {
            violations.add(name + ": image " + image + " is not pinned to a version");
        }
    }

    private void javaService(String name, Map<String, Object> service, Long limit) {
        Map<String, Object> environment = environment(service);
        if (limit != null) {
            JavaMemoryRule.check(name, limit, (String) environment.get("JAVA_TOOL_OPTIONS")).ifPresent(violations::add);
        }
        String user = String.valueOf(service.get("user"));
        if (service.get("user") == null || user.equals("root") || user.equals("0") || user.startsWith("0:")) {
            violations.add(name + ": runs as user " + service.get("user") + " (set a non-root uid)");
        }
        if (!Boolean.TRUE.equals(service.get("read_only"))) {
            violations.add(name + ": root file system is not read-only");
        }
        if (!list(service.get("cap_drop")).contains("ALL")) {
            violations.add(name + ": keeps capabilities (cap_drop: [ALL])");
        }
        if (list(service.get("security_opt")).stream().map(String::valueOf).noneMatch(o -> o.startsWith("no-new-privileges"))) {
            violations.add(name + ": no no-new-privileges");
        }
        String amqp = String.valueOf(environment.get("RABBITMQ_URL"));
        String expectedUser = "mediaflow-" + (name.equals("gateway-service") ? "gateway" : name);
        if (!amqp.startsWith("amqp://" + expectedUser + ":")) {
            violations.add(name + ": RABBITMQ_URL does not use its own broker user " + expectedUser);
        }
    }

    /** The named volume mounted at /data/storage. */
    private String storageVolume(String name, Map<String, Object> service) {
        for (Object volume : list(service.get("volumes"))) {
            String source;
            String target;
            if (volume instanceof Map<?, ?> m) {
                source = String.valueOf(m.get("source"));
                target = String.valueOf(m.get("target"));
            } else {
                String[] parts = String.valueOf(volume).split(":");
                source = parts[0];
                target = parts.length > 1 ? parts[1] : parts[0];
            }
            if (target.equals("/data/storage")) {
                if (source.startsWith(".") || source.startsWith("/")) {
                    violations.add(name + ": /data/storage is a host folder " + source + ", not the shared volume");
                }
                return source;
            }
        }
        violations.add(name + ": no storage volume at /data/storage");
        return null;
    }

    static Map<String, Object> environment(Map<String, Object> service) {
        Object environment = service.get("environment");
        if (environment instanceof List<?> lines) {
            Map<String, Object> values = new java.util.LinkedHashMap<>();
            for (Object line : lines) {
                String text = String.valueOf(line);
                int eq = text.indexOf('=');
                values.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? null : text.substring(eq + 1));
            }
            return values;
        }
        return map(environment);
    }

    static Long memoryLimit(Map<String, Object> service) {
        Object limit = at(service, "deploy.resources.limits.memory");
        if (limit == null) {
            limit = service.get("mem_limit");
        }
        return limit == null ? null : MemoryQuantity.compose(limit);
    }

    /** One entry of a service's ports, short ("127.0.0.1:15672:15672/tcp") or long (a map). */
    record PublishedPort(String hostIp, String published, String target) {

        static PublishedPort parse(Object port) {
            if (port instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> entry = (Map<String, Object>) m;
                return new PublishedPort(stringAt(entry, "host_ip"), stringAt(entry, "published"), stringAt(entry, "target"));
            }
            String text = String.valueOf(port).replaceAll("/(tcp|udp)$", "");
            String[] parts = text.split(":");
            return switch (parts.length) {
                case 1 -> new PublishedPort(null, null, parts[0]);
                case 2 -> new PublishedPort(null, parts[0], parts[1]);
                default -> new PublishedPort(parts[0], parts[1], parts[2]);
            };
        }
    }
}
