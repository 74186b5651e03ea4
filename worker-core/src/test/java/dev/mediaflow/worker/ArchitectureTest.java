package dev.mediaflow.worker;

import dev.mediaflow.testsupport.architecture.ModuleBoundaries;

/** What the workers share depends one way, and on no service. */
class ArchitectureTest extends ModuleBoundaries {

    ArchitectureTest() {
        super("dev.mediaflow.worker", false);
    }
}
