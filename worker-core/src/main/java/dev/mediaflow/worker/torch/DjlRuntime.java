package dev.mediaflow.worker.torch;

import ai.djl.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place the DJL PyTorch engine starts. Without offline mode and the tracking opt-out DJL's engine start
 * contacts an outside telemetry address, so both are forced before the engine first loads, and an environment
 * that says otherwise (DJL lets environment variables win over system properties) is refused.
 */
public final class DjlRuntime {

    public static final String ENGINE = "PyTorch";
    public static final String OFFLINE = "ai.djl.offline";
    public static final String OPT_OUT_TRACKING = "OPT_OUT_TRACKING";
    public static final String ENGINE_CACHE_DIR = "ENGINE_CACHE_DIR";
    static final String DEFAULT_CACHE = "data/cache/djl";

    private static final Logger log = LoggerFactory.getLogger(DjlRuntime.class);
    private static Engine engine;

    private DjlRuntime() {
    }

    /** Sets the DJL system properties; call before anything touches DJL. Idempotent. */
    public static synchronized void configureOffline() {
        refuseEnv("DJL_OFFLINE");
        refuseEnv(OPT_OUT_TRACKING);
        System.setProperty(OFFLINE, "true");
        System.setProperty(OPT_OUT_TRACKING, "true");
        String cache = firstSet(System.getenv(ENGINE_CACHE_DIR), System.getProperty(ENGINE_CACHE_DIR), DEFAULT_CACHE);
        Path dir = Path.of(cache).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the DJL engine cache " + dir + " (ENGINE_CACHE_DIR)", e);
        }
        System.setProperty(ENGINE_CACHE_DIR, dir.toString());
        String pinned = firstSet(System.getenv("PYTORCH_VERSION"), System.getProperty("PYTORCH_VERSION"), "");
        if (!pinned.isEmpty()) {
            log.warn("PYTORCH_VERSION={} is set: DJL will look for that libtorch instead of the bundled one and,"
                    + " offline, fail if it is not in {}", pinned, dir);
        }
    }

    /** The PyTorch engine, started offline (0.8 s with the libtorch cache, ~3 s the first time). */
    public static synchronized Engine start() {
        if (engine != null) {
            return engine;
        }
        configureOffline();
        long started = System.nanoTime();
        engine = Engine.getEngine(ENGINE);
        log.info("DJL {} engine {} ready in {} ms (offline, cache {})", engine.getEngineName(), engine.getVersion(),
                (System.nanoTime() - started) / 1_000_000, System.getProperty(ENGINE_CACHE_DIR));
        return engine;
    }

    private static void refuseEnv(String name) {
        String value = System.getenv(name);
        if (value != null && !Boolean.parseBoolean(value)) {
            throw new IllegalStateException(name + "=" + value + " in the environment would let DJL contact its"
                    + " telemetry address: unset it or set it to true");
        }
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }
}
