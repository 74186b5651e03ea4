package dev.mediaflow.visionworker;

import dev.mediaflow.worker.torch.DjlRuntime;
import dev.mediaflow.http.server.InternalTrustFilterConfiguration;
import dev.mediaflow.worker.WorkerConfiguration;
import dev.mediaflow.worker.media.NativeCache;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

import java.nio.file.Path;

@SpringBootApplication
@ConfigurationPropertiesScan
@Import({WorkerConfiguration.class, InternalTrustFilterConfiguration.class})
public class VisionWorkerApplication {

    public static void main(String[] args) {
        NativeCache.configure(Path.of(System.getenv().getOrDefault("JAVACPP_CACHE", "data/cache/javacpp")));
        DjlRuntime.configureOffline();
        SpringApplication.run(VisionWorkerApplication.class, args);
    }
}
