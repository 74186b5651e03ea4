package dev.mediaflow.queue;

import dev.mediaflow.testsupport.architecture.ModuleBoundaries;

/** queue-service's feature packages depend one way, and it imports no other service. */
class ArchitectureTest extends ModuleBoundaries {

    ArchitectureTest() {
        super("dev.mediaflow.queue", true);
    }
}
