package dev.mediaflow.http;

import dev.mediaflow.testsupport.architecture.ModuleBoundaries;

/** The HTTP contract the services share depends one way, and on no service. */
class ArchitectureTest extends ModuleBoundaries {

    ArchitectureTest() {
        super("dev.mediaflow.http", false);
    }
}
