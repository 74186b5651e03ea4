package dev.mediaflow.gateway.security;

import dev.mediaflow.gateway.dashboard.DashboardContentSecurityPolicy;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16: the dashboard's page and its static assets answer without a key, and nothing else does: the API
 * still needs one, and so does every other path, whether something is there or not.
 */
class DashboardAccessTest extends SecuredGatewayTest {

    private static final Path STATIC = Path.of("src/main/resources/static");

    @Test
    void thePageIsServedAtTheRootWithoutAKeyUnderAStrictContentSecurityPolicy() {
        client.get().uri("/").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().value("Content-Security-Policy", csp -> assertThat(csp)
                        .contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'")
                        .doesNotContain("unsafe-inline", "unsafe-eval"))
                .expectBody(String.class).value(html -> assertThat(html)
                        .contains("<script type=\"module\" src=\"assets/js/main.js\"></script>"));
    }

    @Test
    void everyStaticAssetIsServedWithoutAKeyUnderThePolicy() throws IOException {
        List<String> assets = assets();
        assertThat(assets).contains("/assets/dashboard.css", "/assets/js/main.js");
        for (String asset : assets) {
            client.get().uri(asset).exchange().expectStatus().isOk()
                    .expectHeader().valueEquals("Content-Security-Policy", DashboardContentSecurityPolicy.POLICY);
        }
    }

    @Test
    void theApiStillNeedsAKey() {
        for (String path : List.of("/api/queue/stats", "/api/queue/items", "/api/ai/health")) {
            client.get().uri(path).exchange().expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.error").isEqualTo("unauthorized");
            client.get().uri(path).header("X-API-Key", ALICE).exchange()
                    .expectStatus().value(status -> assertThat(status).as(path).isNotIn(401, 403));
        }
    }

    @Test
    void nothingElseAnswersWithoutAKey() {
        for (String path : List.of("/application.yml", "/static/index.html", "/index.htm", "/console", "/env", "/api", "/META-INF/spring.factories")) {
            client.get().uri(path).exchange().expectStatus().value(status -> assertThat(status).as(path).isEqualTo(401));
        }
        // a way out of the public tree is refused before anything looks at it (Spring Security's firewall)
        client.get().uri("/assets/../application.yml").exchange().expectStatus().isBadRequest();
        // inside the public tree, a file that is not there is simply not found
        client.get().uri("/assets/no-such-file.js").exchange().expectStatus().isNotFound();
        client.post().uri("/").exchange().expectStatus().isUnauthorized();
        client.delete().uri("/assets/js/main.js").exchange().expectStatus().isUnauthorized();
    }

    /** Each module the page imports is one of the assets, so no script of the page is missing. */
    @Test
    void everyImportOfThePageIsAnAsset() throws IOException {
        List<String> assets = assets();
        Pattern importLine = Pattern.compile("from '\\./([a-z-]+\\.js)'");
        for (String asset : assets.stream().filter(a -> a.endsWith(".js")).toList()) {
            Matcher imports = importLine.matcher(Files.readString(STATIC.resolve(asset.substring(1))));
            while (imports.find()) {
                assertThat(assets).as("imported by " + asset).contains("/assets/js/" + imports.group(1));
            }
        }
    }

    private static List<String> assets() throws IOException {
        try (Stream<Path> files = Files.walk(STATIC.resolve("assets"))) {
            return files.filter(Files::isRegularFile)
                    .map(file -> "/" + STATIC.relativize(file).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }
}
