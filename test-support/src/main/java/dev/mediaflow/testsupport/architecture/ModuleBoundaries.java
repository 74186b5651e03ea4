package dev.mediaflow.testsupport.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The boundary rules every module keeps, as tests: a module's {@code ArchitectureTest} extends this with its root
 * package and whether it is a service, and adds the rules of its own. One instance for all of a class's tests, so
 * that the module's classes are imported once, not once per test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ModuleBoundaries {

    private final String root;
    private final boolean service;
    private final JavaClasses classes = ArchitectureRules.moduleClasses();

    /**
     * @param root    the module's root package
     * @param service whether the module is a service (then it may use its own root), or shared by several
     */
    protected ModuleBoundaries(String root, boolean service) {
        this.root = root;
        this.service = service;
    }

    /** This module's own compiled classes. */
    protected JavaClasses classes() {
        return classes;
    }

    @Test
    void featurePackagesHaveNoCycles() {
        ArchitectureRules.featuresFreeOfCycles(root).check(classes);
    }

    @Test
    void noOtherServiceIsImported() {
        ArchitectureRules.noOtherService(service ? root : null).check(classes);
    }
}
