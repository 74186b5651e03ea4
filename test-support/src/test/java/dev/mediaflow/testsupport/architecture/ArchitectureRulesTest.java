package dev.mediaflow.testsupport.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules find what they are for, on small fixtures that break them and one that keeps them. */
class ArchitectureRulesTest {

    private static final String FIXTURE = "dev.mediaflow.testsupport.architecture.fixture";

    private static JavaClasses fixture(String name) {
        return new ClassFileImporter().importPackages(FIXTURE + "." + name);
    }

    @Test
    void aCycleBetweenTwoFeaturesIsFound() {
        EvaluationResult result = ArchitectureRules.featuresFreeOfCycles(FIXTURE + ".cycle").evaluate(fixture("cycle"));

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("Slice a", "Slice b");
    }

    @Test
    void aCycleThroughTheRootPackageIsFound() {
        String root = FIXTURE + ".rootcycle";
        EvaluationResult result = ArchitectureRules.featuresFreeOfCycles(root).evaluate(fixture("rootcycle"));

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("Slice x", "Slice " + root);
    }

    @Test
    void featuresThatDependOneWayPass() {
        EvaluationResult result = ArchitectureRules.featuresFreeOfCycles(FIXTURE + ".oneway").evaluate(fixture("oneway"));

        assertThat(result.hasViolation()).isFalse();
    }

    @Test
    void aDependencyOnAForbiddenRootIsFound() {
        JavaClasses classes = new ClassFileImporter().importPackages(FIXTURE + ".shared", FIXTURE + ".service");

        EvaluationResult imported = ArchitectureRules.noDependencyOn(List.of(FIXTURE + ".service"), "fixture")
                .evaluate(classes);
        EvaluationResult elsewhere = ArchitectureRules.noDependencyOn(List.of(FIXTURE + ".cycle"), "fixture")
                .evaluate(classes);

        assertThat(imported.hasViolation()).isTrue();
        assertThat(imported.getFailureReport().toString()).contains("Shared", "Service");
        assertThat(elsewhere.hasViolation()).isFalse();
    }

    @Test
    void aServiceMayUseItsOwnRootButNoOther() {
        assertThat(ArchitectureRules.noOtherService("dev.mediaflow.gateway").getDescription())
                .contains("dev.mediaflow.queue..", "dev.mediaflow.imageworker..", "dev.mediaflow.visionworker..")
                .doesNotContain("dev.mediaflow.gateway..");
        assertThat(ArchitectureRules.noOtherService(null).getDescription())
                .contains("dev.mediaflow.gateway..", "dev.mediaflow.queue..");
    }
}
