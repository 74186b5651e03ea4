package dev.mediaflow.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl kustomize <dir>}: renders a kustomization offline. This is the only way the tests run kubectl,
 * and only with the {@code kustomize} subcommand: any other subcommand would talk to a cluster, and without a
 * kubeconfig kubectl tries localhost:8080, which on a developer's machine is the gateway.
 */
final class Kustomize {

    private static final OfflineTool KUBECTL = OfflineTool.named("kubectl");

    private Kustomize() {
    }

    static void assumeInstalled() {
        KUBECTL.assumeInstalled("install kubectl (its `kustomize` subcommand renders the overlays offline)");
    }

    /** The rendered objects of the kustomization in {@code directory} (relative to the repository root). */
    static List<Map<String, Object>> render(String directory) {
        OfflineTool.Result result = KUBECTL.run(DeployFiles.REPO, null, List.of("kustomize", directory));
        assertThat(result.exitCode()).as("kubectl kustomize %s failed:%n%s", directory, result.error()).isZero();
        return DeployFiles.yamlDocuments(result.output());
    }

    static Path path(String directory) {
        return DeployFiles.REPO.resolve(directory);
    }
}
