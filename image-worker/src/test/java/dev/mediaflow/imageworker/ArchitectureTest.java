package dev.mediaflow.imageworker;

import dev.mediaflow.testsupport.architecture.ModuleBoundaries;

/** The image worker's packages depend one way, and it imports no other service. */
class ArchitectureTest extends ModuleBoundaries {

    ArchitectureTest() {
        super("dev.mediaflow.imageworker", true);
    }
}
