package dev.mediaflow.system;

import dev.mediaflow.messages.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/api.md's examples work as written: every {@code ```bash} block of it, in order, runs as one script
 * against the four real services, with the gateway's address put in for {@code http://127.0.0.1:8080} and
 * every curl made to fail on an HTTP error. What the examples download is checked to be what they say.
 */
@ExtendWith(StackExtension.class)
class DocsExamplesIT {

    static final String LOCAL_GATEWAY = "http://127.0.0.1:8080";
    /** Every curl fails on a 4xx or 5xx (and says why); none may hang the run. */
    static final String PRELUDE = """
            set -eu
            curl() { command curl --fail-with-body --max-time 120 "$@"; }
            """;

    @Test
    void everyBashExampleInTheApiReferenceWorksAgainstTheRealServices(Stack stack) throws Exception {
        Path repo = Path.of(System.getProperty("mediaflow.repo", "..")).toAbsolutePath().normalize();
        List<String> blocks = bashBlocks(Files.readString(repo.resolve("docs/api.md")));
        assertThat(blocks).hasSizeGreaterThan(10);
        assertThat(String.join("\n", blocks)).contains(LOCAL_GATEWAY);
        String script = PRELUDE + String.join("\n", blocks).replace(LOCAL_GATEWAY, stack.gateway.url());
        Path work = Files.createTempDirectory("mediaflow-docs-examples");
        try {
            Process bash = new ProcessBuilder("bash", "-c", script).directory(work.toFile())
                    .redirectErrorStream(true).redirectOutput(work.resolve("output.txt").toFile()).start();
            boolean ended = bash.waitFor(8, TimeUnit.MINUTES);
            if (!ended) {
                bash.destroyForcibly().waitFor();
            }
            String output = Files.readString(work.resolve("output.txt"));
            assertThat(ended).as("the examples ended; output:\n" + output).isTrue();
            assertThat(bash.exitValue()).as("the examples' exit status; output:\n" + output).isZero();

            assertThat(Files.readAllBytes(work.resolve("thumbnail.webp"))).startsWith("RIFF".getBytes(StandardCharsets.US_ASCII));
            assertThat(Files.readAllBytes(work.resolve("depth.png"))).startsWith(new byte[]{(byte) 0x89, 'P', 'N', 'G'});
            assertThat(Files.readAllBytes(work.resolve("original.png"))).isEqualTo(Files.readAllBytes(work.resolve("photo.png")));
            assertThat(Json.MAPPER.readTree(work.resolve("openapi.json").toFile()).path("paths").has("/api/media/upload"))
                    .isTrue();
            assertThat(output).contains("\"status\":\"completed\"").contains("\"replayedCount\"")
                    .contains("\"canceledCount\"").contains("\"model_status\"")
                    // the repeated upload, the 002 job status and the batch enqueue (issue 15)
                    .contains("\"duplicateOf\"").contains("\"type\":\"process_media\"").contains("\"jobIds\"");
        } finally {
            // the examples pause the workers on the way; whatever happened, the other tests get them running
            stack.client("dev-admin-key").post("/api/queue/worker/start");
            deleteRecursively(work);
        }
    }

    /** The bodies of the ```bash fences, in order; ```console and other blocks are only shown, not run. */
    static List<String> bashBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : markdown.split("\n", -1)) {
            String fence = line.strip();
            if (current == null && fence.equals("```bash")) {
                current = new StringBuilder();
            } else if (current != null && fence.equals("```")) {
                blocks.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return blocks;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
