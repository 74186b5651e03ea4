package dev.mediaflow.observability;

import dev.mediaflow.testsupport.architecture.ModuleBoundaries;

/** The shared observability setup depends on no service. */
class ArchitectureTest extends ModuleBoundaries {

    ArchitectureTest() {
        super("dev.mediaflow.observability", false);
    }
}
