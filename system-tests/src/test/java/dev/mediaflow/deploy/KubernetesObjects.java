package dev.mediaflow.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.mediaflow.deploy.DeployFiles.at;
import static dev.mediaflow.deploy.DeployFiles.list;
import static dev.mediaflow.deploy.DeployFiles.map;
import static dev.mediaflow.deploy.DeployFiles.mapAt;
import static dev.mediaflow.deploy.DeployFiles.maps;

/** The objects an overlay renders, with the lookups the checks need (by kind and name, pod templates, selectors). */
final class KubernetesObjects {

    private final List<Map<String, Object>> objects;

    KubernetesObjects(List<Map<String, Object>> objects) {
        this.objects = objects;
    }

    List<Map<String, Object>> all() {
        return objects;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Map<String, Object> named(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    static String name(Map<String, Object> object) {
        return (String) at(object, "metadata.name");
    }

    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return mapAt(workload, "spec.template.spec");
    }

    static Map<String, Object> podLabels(Map<String, Object> workload) {
        return mapAt(workload, "spec.template.metadata.labels");
    }

    static List<Map<String, Object>> containers(Map<String, Object> podSpec) {
        return maps(podSpec.get("containers"));
    }

    static Map<String, Object> container(Map<String, Object> workload, String name) {
        return containers(podSpec(workload)).stream().filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    static Map<String, Object> env(Map<String, Object> container, String name) {
        return maps(container.get("env")).stream().filter(e -> name.equals(e.get("name"))).findFirst().orElse(null);
    }

    /** Whether a label selector (matchLabels and matchExpressions) selects these labels. */
    static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        for (Map.Entry<String, Object> required : map(selector.get("matchLabels")).entrySet()) {
            if (!Objects.equals(labels.get(required.getKey()), required.getValue())) {
                return false;
            }
        }
        for (Map<String, Object> expression : maps(selector.get("matchExpressions"))) {
            Object value = labels.get(expression.get("key"));
            List<Object> values = list(expression.get("values"));
            boolean ok = switch ((String) expression.get("operator")) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The NetworkPolicies whose podSelector selects this workload's pods. */
    List<Map<String, Object>> policiesFor(Map<String, Object> workload) {
        return ofKind("NetworkPolicy").stream()
                .filter(p -> selects(mapAt(p, "spec.podSelector"), podLabels(workload))).toList();
    }

    /** Every pod spec in the render: workloads' templates and the RabbitMQ operator's statefulSet override. */
    List<Map<String, Object>> podSpecs() {
        List<Map<String, Object>> specs = new ArrayList<>();
        for (String kind : List.of("Deployment", "StatefulSet")) {
            ofKind(kind).forEach(w -> specs.add(podSpec(w)));
        }
        ofKind("RabbitmqCluster").forEach(r -> specs.add(mapAt(r, "spec.override.statefulSet.spec.template.spec")));
        return specs;
    }
}
