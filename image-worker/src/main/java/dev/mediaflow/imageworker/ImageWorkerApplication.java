package dev.mediaflow.imageworker;

import dev.mediaflow.worker.media.NativeCache;
import dev.mediaflow.http.server.InternalTrustFilterConfiguration;
import dev.mediaflow.worker.WorkerConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

import java.nio.file.Path;

@SpringBootApplication
@Import({WorkerConfiguration.class, InternalTrustFilterConfiguration.class})
public class ImageWorkerApplication {

    public static void main(String[] args) {
        String cache = System.getenv().getOrDefault("JAVACPP_CACHE", "data/cache/javacpp");
        NativeCache.configure(Path.of(cache));
        SpringApplication.run(ImageWorkerApplication.class, args);
    }
}
