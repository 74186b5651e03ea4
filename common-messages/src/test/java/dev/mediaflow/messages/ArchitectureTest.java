package dev.mediaflow.messages;

import dev.mediaflow.testsupport.architecture.ArchitectureRules;
import dev.mediaflow.testsupport.architecture.ModuleBoundaries;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * common-messages is what the workers share with the services: its packages depend one way, on no service, and
 * never on Spring web, neither in its classes nor on its class path (where a dependency would bring it in).
 */
class ArchitectureTest extends ModuleBoundaries {

    ArchitectureTest() {
        super("dev.mediaflow", false);
    }

    @Test
    void springWebIsNeverImported() {
        ArchitectureRules.noSpringWeb().check(classes());
    }

    @Test
    void springWebIsNotOnTheClassPath() {
        for (String type : new String[] {"org.springframework.web.bind.annotation.RestController",
                "org.springframework.web.reactive.DispatcherHandler", "org.springframework.http.HttpStatus"}) {
            assertThatThrownBy(() -> Class.forName(type)).as(type).isInstanceOf(ClassNotFoundException.class);
        }
    }
}
