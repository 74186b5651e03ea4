package dev.mediaflow.gateway.apidocs;

import io.swagger.v3.core.util.Yaml31;
import io.swagger.v3.oas.models.OpenAPI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI document springdoc serves at {@code /v3/api-docs} (and Swagger UI renders at
 * {@code /swagger-ui.html}): {@value #DOCUMENT}, written by hand, because most routes are proxied to
 * queue-service or rewritten by the seed aliases and so have no handler to generate them from, and one
 * readable file is easier to review and merge than annotations spread over the handlers. springdoc scans
 * only this package (no handlers), so nothing generated mixes in. {@code ApiDescriptionTest} holds the
 * document's routes to the ones the gateway serves.
 */
@Configuration(proxyBeanMethods = false)
public class ApiDescription {

    static final String DOCUMENT = "openapi/mediaflow-api.yaml";

    @Bean
    public OpenAPI mediaflowApi() {
        try (InputStream yaml = new ClassPathResource(DOCUMENT).getInputStream()) {
            return Yaml31.mapper().readValue(yaml, OpenAPI.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API description " + DOCUMENT, e);
        }
    }
}
