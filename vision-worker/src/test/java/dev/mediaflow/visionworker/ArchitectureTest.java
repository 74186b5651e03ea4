package dev.mediaflow.visionworker;

import dev.mediaflow.testsupport.architecture.ModuleBoundaries;

/** The vision worker's packages depend one way, and it imports no other service. */
class ArchitectureTest extends ModuleBoundaries {

    ArchitectureTest() {
        super("dev.mediaflow.visionworker", true);
    }
}
