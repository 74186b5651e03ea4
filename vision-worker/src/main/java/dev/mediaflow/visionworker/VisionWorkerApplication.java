package dev.mediaflow.visionworker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class VisionWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(VisionWorkerApplication.class, args);
    }
}
