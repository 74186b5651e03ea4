package dev.mediaflow.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.mediaflow.deploy.DeployFiles.at;
import static dev.mediaflow.deploy.DeployFiles.list;
import static dev.mediaflow.deploy.DeployFiles.map;
import static dev.mediaflow.deploy.DeployFiles.mapAt;
import static dev.mediaflow.deploy.DeployFiles.maps;
import static dev.mediaflow.deploy.DeployFiles.stringAt;
import static dev.mediaflow.deploy.KubernetesObjects.container;
import static dev.mediaflow.deploy.KubernetesObjects.containers;
import static dev.mediaflow.deploy.KubernetesObjects.env;
import static dev.mediaflow.deploy.KubernetesObjects.name;
import static dev.mediaflow.deploy.KubernetesObjects.podLabels;
import static dev.mediaflow.deploy.KubernetesObjects.podSpec;
import static dev.mediaflow.deploy.KubernetesObjects.selects;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/k8s (issue 13 section 5): every overlay rendered by {@code kubectl kustomize} (offline; the only
 * kubectl subcommand ever run here, see {@link Kustomize}) and each object checked for the fields it must
 * have: probes on actuator, requests and limits that fit the heap share, a PodDisruptionBudget per Deployment,
 * NetworkPolicies that let only the gateway in from outside, the gateway's HPA, a KEDA ScaledObject per worker
 * from zero on its queue, Secrets that exist in the examples, RabbitMQ and PostgreSQL from their operators in
 * production, and a GPU for the vision worker in the gpu overlay.
 */
class KustomizeOverlaysTest {

    private static final List<String> DEPLOYMENTS = List.of("gateway-service", "queue-service", "image-worker", "vision-worker");
    private static final Map<String, String> WORKER_QUEUES = Map.of(
            "image-worker", "mediaflow.image.tasks", "vision-worker", "mediaflow.vision.tasks");
    private static final Pattern PINNED_IMAGE = Pattern.compile("[^:@]+:v?\\d+\\.\\d+(\\.\\d+)?([-_][A-Za-z0-9._-]+)?");
    private static final Map<String, KubernetesObjects> RENDERED = new ConcurrentHashMap<>();

    private static KubernetesObjects render(String overlay) {
        Kustomize.assumeInstalled();
        return RENDERED.computeIfAbsent(overlay, o -> new KubernetesObjects(Kustomize.render("deploy/k8s/overlays/" + o)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production", "gpu"})
    void everyObjectIsInTheMediaflowNamespace(String overlay) {
        KubernetesObjects objects = render(overlay);
        assertThat(objects.all()).isNotEmpty();
        for (Map<String, Object> object : objects.all()) {
            String where = object.get("kind") + " " + name(object);
            if (object.get("kind").equals("Namespace")) {
                assertThat(name(object)).isEqualTo("mediaflow");
                assertThat(mapAt(object, "metadata.labels")).containsKey("pod-security.kubernetes.io/enforce");
            } else {
                assertThat(stringAt(object, "metadata.namespace")).as(where).isEqualTo("mediaflow");
            }
        }
        assertThat(objects.ofKind("Deployment")).extracting(KubernetesObjects::name)
                .containsExactlyInAnyOrderElementsOf(DEPLOYMENTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production", "gpu"})
    void everyDeploymentHasActuatorProbesResourcesThatFitTheHeapAndARestrictedSecurityContext(String overlay) {
        KubernetesObjects objects = render(overlay);
        Map<String, Object> config = mapAt(objects.named("ConfigMap", "mediaflow-config"), "data");
        assertThat(config).containsEntry("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED", "true");
        for (Map<String, Object> deployment : objects.ofKind("Deployment")) {
            String name = name(deployment);
            Map<String, Object> pod = podSpec(deployment);
            assertThat(pod.get("automountServiceAccountToken")).as(name).isEqualTo(false);
            assertThat(map(pod.get("securityContext"))).as(name).containsEntry("runAsNonRoot", true)
                    .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
            assertThat((Integer) at(pod, "securityContext.runAsUser")).as(name).isPositive();
            for (Map<String, Object> container : containers(pod)) {
                String where = name + "/" + container.get("name");
                Set<Object> ports = new HashSet<>();
                for (Map<String, Object> port : maps(container.get("ports"))) {
                    ports.add(port.get("name"));
                    ports.add(port.get("containerPort"));
                }
                assertThat(stringAt(container, "readinessProbe.httpGet.path")).as(where).isEqualTo("/actuator/health/readiness");
                assertThat(stringAt(container, "livenessProbe.httpGet.path")).as(where).isEqualTo("/actuator/health/liveness");
                assertThat(ports).as(where).contains(at(container, "readinessProbe.httpGet.port"),
                        at(container, "livenessProbe.httpGet.port"));
                assertThat(mapAt(container, "resources.requests")).as(where).containsKeys("cpu", "memory");
                assertThat(mapAt(container, "resources.limits")).as(where).containsKeys("cpu", "memory");
                long limit = MemoryQuantity.kubernetes(at(container, "resources.limits.memory"));
                Map<String, Object> options = env(container, "JAVA_TOOL_OPTIONS");
                assertThat(JavaMemoryRule.check(name, limit, options == null ? null : (String) options.get("value")))
                        .as(where).isEmpty();
                assertThat(map(container.get("securityContext"))).as(where)
                        .containsEntry("allowPrivilegeEscalation", false).containsEntry("readOnlyRootFilesystem", true);
                assertThat(list(at(container, "securityContext.capabilities.drop"))).as(where).contains("ALL");
                assertThat(maps(container.get("envFrom"))).as(where)
                        .anySatisfy(e -> assertThat(stringAt(e, "configMapRef.name")).isEqualTo("mediaflow-config"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production", "gpu"})
    void everyDeploymentHasAPodDisruptionBudget(String overlay) {
        KubernetesObjects objects = render(overlay);
        Set<String> scaledToZero = new HashSet<>();
        objects.ofKind("ScaledObject").stream().filter(s -> Integer.valueOf(0).equals(at(s, "spec.minReplicaCount")))
                .forEach(s -> scaledToZero.add(stringAt(s, "spec.scaleTargetRef.name")));
        for (Map<String, Object> deployment : objects.ofKind("Deployment")) {
            List<Map<String, Object>> budgets = objects.ofKind("PodDisruptionBudget").stream()
                    .filter(p -> selects(mapAt(p, "spec.selector"), podLabels(deployment))).toList();
            assertThat(budgets).as(name(deployment)).hasSize(1);
            Map<String, Object> spec = map(budgets.get(0).get("spec"));
            if (scaledToZero.contains(name(deployment))) {
                // at 0 or 1 replicas a minAvailable would block every node drain
                assertThat(spec).as(name(deployment)).containsKey("maxUnavailable").doesNotContainKey("minAvailable");
            } else {
                assertThat(spec).as(name(deployment)).containsKey("minAvailable");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production", "gpu"})
    void networkPoliciesLetOnlyTheGatewayInFromOutside(String overlay) {
        KubernetesObjects objects = render(overlay);
        Map<String, Object> denyAll = objects.named("NetworkPolicy", "default-deny");
        assertThat(list(at(denyAll, "spec.policyTypes"))).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(map(denyAll.get("spec"))).doesNotContainKeys("ingress", "egress");
        for (Map<String, Object> deployment : objects.ofKind("Deployment")) {
            String name = name(deployment);
            List<Map<String, Object>> policies = objects.policiesFor(deployment);
            assertThat(policies).as(name).contains(denyAll);
            boolean openToOutside = policies.stream().anyMatch(KustomizeOverlaysTest::admitsAnySource);
            assertThat(openToOutside).as(name + " reachable from outside").isEqualTo(name.equals("gateway-service"));
            assertThat(policies).as(name + " may reach RabbitMQ").anyMatch(p -> allowsEgressTo(p, 5672));
            assertThat(policies).as(name + " may resolve names").anyMatch(p -> allowsEgressTo(p, 53));
        }
        // the infrastructure pods that the policies select at all admit nothing from outside either
        for (Map<String, Object> statefulSet : objects.ofKind("StatefulSet")) {
            assertThat(objects.policiesFor(statefulSet)).as(name(statefulSet))
                    .isNotEmpty().noneMatch(KustomizeOverlaysTest::admitsAnySource);
        }
        assertThat(objects.ofKind("Service")).filteredOn(s -> at(s, "spec.type") != null
                && !"ClusterIP".equals(at(s, "spec.type"))).extracting(KubernetesObjects::name)
                .allMatch("gateway-service"::equals);
    }

    /** An ingress rule with no "from", or a peer that is any address or any namespace. */
    private static boolean admitsAnySource(Map<String, Object> policy) {
        for (Map<String, Object> rule : maps(at(policy, "spec.ingress"))) {
            List<Map<String, Object>> from = maps(rule.get("from"));
            if (from.isEmpty()) {
                return true;
            }
            for (Map<String, Object> peer : from) {
                if ("0.0.0.0/0".equals(at(peer, "ipBlock.cidr"))
                        || peer.containsKey("namespaceSelector") && map(peer.get("namespaceSelector")).isEmpty()
                        && !peer.containsKey("podSelector")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean allowsEgressTo(Map<String, Object> policy, int port) {
        return maps(at(policy, "spec.egress")).stream()
                .anyMatch(rule -> maps(rule.get("ports")).stream().anyMatch(p -> Integer.valueOf(port).equals(p.get("port"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production", "gpu"})
    void theGatewayScalesWithAnHpa(String overlay) {
        KubernetesObjects objects = render(overlay);
        List<Map<String, Object>> hpas = objects.ofKind("HorizontalPodAutoscaler");
        assertThat(hpas).hasSize(1);
        Map<String, Object> spec = map(hpas.get(0).get("spec"));
        assertThat(map(spec.get("scaleTargetRef"))).containsEntry("kind", "Deployment").containsEntry("name", "gateway-service");
        assertThat((Integer) spec.get("minReplicas")).isPositive();
        assertThat((Integer) spec.get("maxReplicas")).isGreaterThan((Integer) spec.get("minReplicas"));
        assertThat(maps(spec.get("metrics"))).isNotEmpty();
        // the HPA owns the count: a replicas field would be reset by every apply
        assertThat(map(objects.named("Deployment", "gateway-service").get("spec"))).doesNotContainKey("replicas");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production", "gpu"})
    void eachWorkerScalesFromZeroOnItsQueueThroughKeda(String overlay) throws IOException {
        KubernetesObjects objects = render(overlay);
        String definitions = Files.readString(DeployFiles.REPO.resolve("deploy/rabbitmq/definitions.json"));
        assertThat(objects.ofKind("ScaledObject")).hasSize(WORKER_QUEUES.size());
        for (Map.Entry<String, String> worker : WORKER_QUEUES.entrySet()) {
            Map<String, Object> scaled = objects.named("ScaledObject", worker.getKey());
            Map<String, Object> spec = map(scaled.get("spec"));
            assertThat(stringAt(spec, "scaleTargetRef.name")).isEqualTo(worker.getKey());
            objects.named("Deployment", worker.getKey());
            assertThat(spec).containsEntry("minReplicaCount", 0);
            assertThat((Integer) spec.get("maxReplicaCount")).isPositive();
            List<Map<String, Object>> triggers = maps(spec.get("triggers"));
            assertThat(triggers).hasSize(1);
            Map<String, Object> trigger = triggers.get(0);
            assertThat(trigger).containsEntry("type", "rabbitmq");
            assertThat(map(trigger.get("metadata"))).containsEntry("queueName", worker.getValue())
                    .containsEntry("mode", "QueueLength")
                    // the management API counts unacknowledged messages too: a busy worker is not scaled away
                    .containsEntry("protocol", "http");
            assertThat(definitions).contains("\"name\" : \"" + worker.getValue() + "\"");
            Map<String, Object> auth = objects.named("TriggerAuthentication", stringAt(trigger, "authenticationRef.name"));
            assertThat(maps(at(auth, "spec.secretTargetRef"))).anySatisfy(t -> assertThat(t).containsEntry("parameter", "host"));
            assertThat(map(objects.named("Deployment", worker.getKey()).get("spec"))).doesNotContainKey("replicas");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production", "gpu"})
    void theGatewayAndTheWorkersShareOneStorageVolume(String overlay) {
        KubernetesObjects objects = render(overlay);
        Map<String, Object> claim = objects.named("PersistentVolumeClaim", "mediaflow-storage");
        String root = stringAt(objects.named("ConfigMap", "mediaflow-config"), "data.MEDIAFLOW_STORAGE_ROOT");
        for (String name : List.of("gateway-service", "image-worker", "vision-worker")) {
            Map<String, Object> pod = podSpec(objects.named("Deployment", name));
            String volume = maps(pod.get("volumes")).stream()
                    .filter(v -> name(claim).equals(at(v, "persistentVolumeClaim.claimName")))
                    .map(v -> (String) v.get("name")).findFirst().orElseThrow(() -> new AssertionError(name + " lacks the claim"));
            assertThat(maps(container(objects.named("Deployment", name), name).get("volumeMounts")))
                    .as(name).anySatisfy(m -> assertThat(m).containsEntry("name", volume).containsEntry("mountPath", root));
        }
        if (!overlay.equals("local")) {
            assertThat(list(at(claim, "spec.accessModes"))).containsExactly("ReadWriteMany");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production", "gpu"})
    void everyImageIsPinned(String overlay) {
        KubernetesObjects objects = render(overlay);
        List<String> images = new java.util.ArrayList<>();
        for (Map<String, Object> pod : objects.podSpecs()) {
            for (String part : List.of("containers", "initContainers")) {
                maps(pod.get(part)).stream().map(c -> (String) c.get("image")).filter(i -> i != null).forEach(images::add);
            }
        }
        objects.ofKind("RabbitmqCluster").forEach(r -> images.add(stringAt(r, "spec.image")));
        objects.ofKind("Cluster").forEach(c -> images.add(stringAt(c, "spec.imageName")));
        assertThat(images).isNotEmpty().allSatisfy(image -> assertThat(image).matches(PINNED_IMAGE));
        for (String name : DEPLOYMENTS) {
            // the GPU overlay runs the vision worker's CUDA image (Dockerfile target vision-worker-gpu)
            String image = overlay.equals("gpu") && name.equals("vision-worker") ? name + "-gpu" : name;
            assertThat((String) container(objects.named("Deployment", name), name).get("image"))
                    .isEqualTo("mediaflow/" + image + ":" + DeployFiles.projectVersion());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production", "gpu"})
    void everySecretReferenceExistsInTheExamples(String overlay) {
        KubernetesObjects objects = render(overlay);
        Map<String, Set<String>> examples = new HashMap<>();
        for (Map<String, Object> secret : Kustomize.render("deploy/k8s/base/example-secrets")) {
            examples.put(name(secret), map(secret.get("stringData")).keySet());
        }
        Map<String, Set<String>> references = new HashMap<>();
        for (Map<String, Object> pod : objects.podSpecs()) {
            for (String part : List.of("containers", "initContainers")) {
                for (Map<String, Object> container : maps(pod.get(part))) {
                    for (Map<String, Object> variable : maps(container.get("env"))) {
                        Map<String, Object> ref = mapAt(variable, "valueFrom.secretKeyRef");
                        if (!ref.isEmpty()) {
                            references.computeIfAbsent((String) ref.get("name"), k -> new HashSet<>()).add((String) ref.get("key"));
                        }
                    }
                }
            }
            maps(pod.get("volumes")).stream().map(v -> stringAt(v, "secret.secretName")).filter(s -> s != null)
                    .forEach(s -> references.computeIfAbsent(s, k -> new HashSet<>()));
        }
        for (Map<String, Object> auth : objects.ofKind("TriggerAuthentication")) {
            maps(at(auth, "spec.secretTargetRef")).forEach(t -> references.computeIfAbsent((String) t.get("name"),
                    k -> new HashSet<>()).add((String) t.get("key")));
        }
        objects.ofKind("Cluster").forEach(c -> references.computeIfAbsent(stringAt(c, "spec.bootstrap.initdb.secret.name"),
                k -> new HashSet<>()).addAll(Set.of("username", "password")));

        assertThat(references).containsKeys("mediaflow-internal-token", "mediaflow-api-keys", "mediaflow-broker", "mediaflow-db");
        references.forEach((secret, keys) -> {
            assertThat(examples).as("Secret %s", secret).containsKey(secret);
            assertThat(examples.get(secret)).as("keys of Secret %s", secret).containsAll(keys);
        });
        if (overlay.equals("local")) {
            assertThat(objects.ofKind("Secret")).extracting(KubernetesObjects::name)
                    .containsExactlyInAnyOrderElementsOf(examples.keySet());
        } else {
            // production Secrets come from a secret store; applying the overlay must never overwrite them
            assertThat(objects.ofKind("Secret")).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "gpu"})
    void productionRunsRabbitMqFromTheClusterOperatorAndImportsTheDefinitions(String overlay) throws IOException {
        KubernetesObjects objects = render(overlay);
        Map<String, Object> cluster = objects.named("RabbitmqCluster", "rabbitmq");
        assertThat(stringAt(cluster, "apiVersion")).isEqualTo("rabbitmq.com/v1beta1");
        assertThat((Integer) at(cluster, "spec.replicas")).isGreaterThanOrEqualTo(3);
        // its client Service is named after the cluster: the address the services are given
        assertThat(stringAt(objects.named("ConfigMap", "mediaflow-config"), "data.MEDIAFLOW_BROKER_ADDRESS"))
                .isEqualTo(name(cluster) + ":5672");
        String config = stringAt(cluster, "spec.rabbitmq.additionalConfig");
        Map<String, Object> pod = mapAt(cluster, "spec.override.statefulSet.spec.template.spec");
        assertDefinitionsAreRenderedAndLoaded(objects, config, pod);
        assertThat(objects.ofKind("StatefulSet")).extracting(KubernetesObjects::name).doesNotContain("rabbitmq", "postgres");
    }

    @Test
    void theLocalBrokerImportsTheDefinitionsAndKnowsItsMemoryLimit() throws IOException {
        KubernetesObjects objects = render("local");
        assertThat(objects.ofKind("RabbitmqCluster")).isEmpty();
        assertThat(objects.ofKind("Cluster")).isEmpty();
        Map<String, Object> rabbitmq = objects.named("StatefulSet", "rabbitmq");
        String config = (String) mapAt(objects.named("ConfigMap", "rabbitmq-config"), "data").get("20-mediaflow.conf");
        assertDefinitionsAreRenderedAndLoaded(objects, config, podSpec(rabbitmq));
        Matcher memory = Pattern.compile("(?m)^total_memory_available_override_value\\s*=\\s*(\\d+)").matcher(config);
        assertThat(memory.find()).isTrue();
        assertThat(Long.parseLong(memory.group(1)))
                .isEqualTo(MemoryQuantity.kubernetes(at(container(rabbitmq, "rabbitmq"), "resources.limits.memory")));
        for (String name : List.of("rabbitmq", "postgres", "redis")) {
            assertThat(at(objects.named("StatefulSet", name), "spec.replicas")).as(name).isEqualTo(1);
        }
    }

    /**
     * The init container runs render-definitions.sh from the rabbitmq-definitions ConfigMap and writes to the
     * path the broker's load_definitions reads, through a memory volume that both mount.
     */
    private static void assertDefinitionsAreRenderedAndLoaded(KubernetesObjects objects, String brokerConfig,
                                                              Map<String, Object> pod) throws IOException {
        Matcher loaded = Pattern.compile("(?m)^load_definitions\\s*=\\s*(\\S+)").matcher(brokerConfig);
        assertThat(loaded.find()).as("load_definitions in %s", brokerConfig).isTrue();
        String file = loaded.group(1);
        String folder = file.substring(0, file.lastIndexOf('/'));

        Map<String, Object> init = maps(pod.get("initContainers")).stream()
                .filter(c -> "render-definitions".equals(c.get("name"))).findFirst().orElseThrow();
        List<Object> command = list(init.get("command"));
        assertThat(command).hasSize(4).startsWith("bash").endsWith(file);
        String script = (String) command.get(1);
        String input = (String) command.get(2);
        assertThat(script).endsWith("/render-definitions.sh");
        assertThat(input).endsWith("/definitions.json");
        Map<String, String> volumeByMount = new HashMap<>();
        maps(init.get("volumeMounts")).forEach(m -> volumeByMount.put((String) m.get("mountPath"), (String) m.get("name")));
        String sourceVolume = volumeByMount.get(input.substring(0, input.lastIndexOf('/')));
        String renderedVolume = volumeByMount.get(folder);
        Map<String, Object> source = maps(pod.get("volumes")).stream().filter(v -> sourceVolume.equals(v.get("name")))
                .findFirst().orElseThrow();
        Map<String, Object> rendered = maps(pod.get("volumes")).stream().filter(v -> renderedVolume.equals(v.get("name")))
                .findFirst().orElseThrow();
        assertThat(stringAt(rendered, "emptyDir.medium")).as("the passwords stay in memory").isEqualTo("Memory");
        Map<String, Object> broker = containers(pod).stream().filter(c -> "rabbitmq".equals(c.get("name"))).findFirst().orElseThrow();
        assertThat(maps(broker.get("volumeMounts")))
                .anySatisfy(m -> assertThat(m).containsEntry("name", renderedVolume).containsEntry("mountPath", folder));

        // every password the script needs comes from Secret mediaflow-broker
        Set<String> variables = new HashSet<>();
        maps(init.get("env")).forEach(e -> variables.add((String) e.get("name")));
        assertThat(variables).contains("RABBITMQ_ADMIN_USER", "RABBITMQ_ADMIN_PASSWORD", "MEDIAFLOW_BROKER_MONITOR_USER",
                "MEDIAFLOW_BROKER_MONITOR_PASSWORD", "MEDIAFLOW_BROKER_PASSWORD_GATEWAY", "MEDIAFLOW_BROKER_PASSWORD_QUEUE_SERVICE",
                "MEDIAFLOW_BROKER_PASSWORD_IMAGE_WORKER", "MEDIAFLOW_BROKER_PASSWORD_VISION_WORKER");

        // the ConfigMap holds exactly the repository's definitions and script
        Map<String, Object> definitions = objects.named("ConfigMap", stringAt(source, "configMap.name"));
        assertThat(mapAt(definitions, "data").get("definitions.json"))
                .isEqualTo(Files.readString(DeployFiles.REPO.resolve("deploy/rabbitmq/definitions.json")));
        assertThat(mapAt(definitions, "data").get("render-definitions.sh"))
                .isEqualTo(Files.readString(DeployFiles.REPO.resolve("deploy/rabbitmq/render-definitions.sh")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "gpu"})
    void productionRunsPostgreSqlFromCloudNativePg(String overlay) {
        KubernetesObjects objects = render(overlay);
        Map<String, Object> cluster = objects.named("Cluster", "postgres");
        assertThat(stringAt(cluster, "apiVersion")).isEqualTo("postgresql.cnpg.io/v1");
        assertThat((Integer) at(cluster, "spec.instances")).isGreaterThanOrEqualTo(3);
        assertThat(mapAt(cluster, "spec.bootstrap.initdb")).containsEntry("database", "mediaflow").containsEntry("owner", "mediaflow");
        assertThat(stringAt(cluster, "spec.bootstrap.initdb.secret.name")).isEqualTo("mediaflow-db");
        assertThat(stringAt(objects.named("ConfigMap", "mediaflow-config"), "data.POSTGRES_URL"))
                .isEqualTo("jdbc:postgresql://" + name(cluster) + "-rw:5432/mediaflow");
        Map<String, Object> queueService = container(objects.named("Deployment", "queue-service"), "queue-service");
        assertThat(stringAt(env(queueService, "POSTGRES_PASSWORD"), "valueFrom.secretKeyRef.name")).isEqualTo("mediaflow-db");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production", "gpu"})
    void onlyTheGpuOverlayGivesTheVisionWorkerAGpu(String overlay) {
        KubernetesObjects objects = render(overlay);
        // the device setting is the variable vision-worker's application.yml reads for mediaflow.device
        Matcher variable = Pattern.compile("(?m)^\\s*device:\\s*\\$\\{([A-Z_]+):")
                .matcher(DeployFiles.read("vision-worker/src/main/resources/application.yml"));
        assertThat(variable.find()).isTrue();
        String deviceVariable = variable.group(1);
        for (Map<String, Object> deployment : objects.ofKind("Deployment")) {
            String name = name(deployment);
            Map<String, Object> container = container(deployment, name);
            Object gpuLimit = mapAt(container, "resources.limits").get("nvidia.com/gpu");
            if (overlay.equals("gpu") && name.equals("vision-worker")) {
                assertThat(gpuLimit).isEqualTo(1);
                Map<String, Object> pod = podSpec(deployment);
                assertThat(map(pod.get("nodeSelector"))).isNotEmpty();
                assertThat(maps(pod.get("tolerations"))).anySatisfy(t -> assertThat(t).containsEntry("key", "nvidia.com/gpu"));
                assertThat(stringAt(env(container, deviceVariable), "value")).isEqualTo("gpu");
            } else {
                assertThat(gpuLimit).as(name).isNull();
                assertThat(podSpec(deployment).get("nodeSelector")).as(name).isNull();
            }
        }
    }

    @Test
    void theBrokerFilesHaveOneCopyWhichComposeAndKubernetesShare() throws IOException {
        Path component = DeployFiles.REPO.resolve("deploy/k8s/components/rabbitmq-definitions");
        for (String file : List.of("definitions.json", "render-definitions.sh")) {
            Path link = DeployFiles.REPO.resolve("deploy/rabbitmq/" + file);
            assertThat(Files.isSymbolicLink(link)).as("deploy/rabbitmq/%s must link to the component's file", file).isTrue();
            assertThat(link.toRealPath()).isEqualTo(component.resolve(file).toRealPath());
            assertThat(Files.isSymbolicLink(component.resolve(file))).as("kustomize reads no link out of its folder").isFalse();
        }
    }
}
