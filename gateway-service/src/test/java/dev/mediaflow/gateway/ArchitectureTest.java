package dev.mediaflow.gateway;

import dev.mediaflow.testsupport.architecture.ModuleBoundaries;

/** The gateway's feature packages depend one way, and it imports no other service. */
class ArchitectureTest extends ModuleBoundaries {

    ArchitectureTest() {
        super("dev.mediaflow.gateway", true);
    }
}
