package dev.mediaflow.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One service's executable jar, run as a real process with its own environment and log file. */
final class ServiceProcess implements AutoCloseable {

    final String name;
    final int port;
    private final Path log;
    private final Process process;
    private final List<String> jvmOptions;
    private final Map<String, String> env;

    private ServiceProcess(String name, int port, Path log, Process process, List<String> jvmOptions,
                           Map<String, String> env) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
        this.jvmOptions = jvmOptions;
        this.env = env;
    }

    static ServiceProcess start(String module, List<String> jvmOptions, Map<String, String> env, Path logDir)
            throws IOException {
        int port = freePort();
        Path jar = jarOf(module);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xshare:auto");
        command.add("-jar");
        command.add(jar.toString());
        Files.createDirectories(logDir);
        Path log = logDir.resolve(module + "-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        return new ServiceProcess(module, port, log, builder.start(), jvmOptions, env);
    }

    /** kill -9, then the same service again with the same settings (and a log of its own). */
    ServiceProcess killAndRestart() throws IOException, InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        return start(name, jvmOptions, env, log.getParent());
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    void awaitHealthy(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log:\n" + tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/actuator/health"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(name + " not healthy after " + timeout + "; log:\n" + tail());
    }

    /** Every line the service has written so far (stdout and stderr together). */
    List<String> logLines() throws IOException {
        return Files.readAllLines(log);
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static Path jarOf(String module) {
        Path repo = Path.of(System.getProperty("mediaflow.repo", ".."));
        String version = System.getProperty("mediaflow.version", "0.1.0-SNAPSHOT");
        Path jar = repo.resolve(module).resolve("target").resolve(module + "-" + version + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("missing " + jar + ": run ./mvnw -B verify from the repository root");
        }
        return jar;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
