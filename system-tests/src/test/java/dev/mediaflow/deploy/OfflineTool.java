package dev.mediaflow.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A command-line tool that checks deploy files offline (docker-compose, kubectl's kustomize): found on the
 * PATH, run with a time limit, its output and error kept apart (the output is YAML to parse, the error has
 * warnings). A test that needs a missing tool skips and says how to install it.
 */
final class OfflineTool {

    record Result(int exitCode, String output, String error) {
        String both() {
            return output + error;
        }
    }

    private final String name;

    private OfflineTool(String name) {
        this.name = name;
    }

    static OfflineTool named(String name) {
        return new OfflineTool(name);
    }

    Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    void assumeInstalled(String howToInstall) {
        assumeTrue(onPath().isPresent(), name + " is not on the PATH: " + howToInstall);
    }

    /**
     * Runs the tool in {@code directory}. {@code environment} null: this process's environment; otherwise
     * exactly these variables (so that nothing of the caller's, e.g. a MEDIAFLOW_* secret, leaks in).
     */
    Result run(Path directory, Map<String, String> environment, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(onPath().orElseThrow(() -> new IllegalStateException(name + " is not on the PATH")).toString());
        command.addAll(arguments);
        try {
            // files, not pipes: a tool that hangs is then ended by the timeout instead of blocking on a full pipe
            Path output = Files.createTempFile(name, ".out");
            Path error = Files.createTempFile(name, ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                        .redirectOutput(output.toFile()).redirectError(error.toFile());
                if (environment != null) {
                    builder.environment().clear();
                    builder.environment().putAll(environment);
                }
                Process process = builder.start();
                process.getOutputStream().close();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(name + " " + arguments + " did not end within 120 s");
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8),
                        Files.readString(error, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
                Files.deleteIfExists(error);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
