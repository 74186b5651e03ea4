package dev.mediaflow.imageworker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ImageWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(ImageWorkerApplication.class, args);
    }
}
