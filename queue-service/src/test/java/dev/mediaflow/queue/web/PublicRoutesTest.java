package dev.mediaflow.queue.web;

import dev.mediaflow.http.ApiRoute;
import dev.mediaflow.http.QueueServiceRoutes;
import dev.mediaflow.queue.support.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * queue-service's handlers are exactly {@link QueueServiceRoutes#SERVED}, the list the gateway's OpenAPI document
 * and docs/api.md are held to: a route added, renamed or removed here without the list fails this test.
 */
class PublicRoutesTest extends ApiTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping handlers;

    @Test
    void theApiRoutesAreExactlyTheListedOnes() {
        Set<String> served = new TreeSet<>();
        for (RequestMappingInfo info : handlers.getHandlerMethods().keySet()) {
            for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
                if (!pattern.getPatternString().startsWith("/api/")) {
                    continue;
                }
                for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                    served.add(new ApiRoute(method.name(), pattern.getPatternString()).shape());
                }
            }
        }
        assertThat(served).isNotEmpty();
        assertThat(served).containsExactlyInAnyOrderElementsOf(
                QueueServiceRoutes.SERVED.stream().map(ApiRoute::shape).toList());
        List<String> announced = QueueServiceRoutes.ANNOUNCED.stream().map(ApiRoute::shape).toList();
        assertThat(served).as("an announced route that is served belongs in SERVED").noneMatch(announced::contains);
    }
}
