package dev.mediaflow.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * promtool, from Debian's prometheus package ({@code scripts/infra.sh}'s ensure_test_tools installs it, and
 * {@code .ci/run} calls that): the real checker for Prometheus configuration, rules and PromQL, run offline.
 * A test that needs it skips with the reason when it is not on the PATH.
 */
final class Promtool {

    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static void assumeInstalled() {
        assumeTrue(onPath().isPresent(),
                "promtool is not on the PATH: install Debian's prometheus package (scripts/infra.sh ensure_test_tools)");
    }

    /** Runs promtool with these arguments in {@code directory}; its output and error in one text. */
    static Result run(Path directory, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(onPath().orElseThrow().toString());
        command.addAll(arguments);
        try {
            // to a file, not a pipe: a promtool that hangs is then ended by the timeout, not waited on forever
            Path output = Files.createTempFile("promtool", ".out");
            try {
                Process process = new ProcessBuilder(command).directory(directory.toFile())
                        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
                process.getOutputStream().close();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("promtool " + arguments + " did not end within 120 s");
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
