package dev.mediaflow.testsupport.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The house's boundary rules, in one place for every module (ArchUnit, as ddd-by-examples/library checks its own):
 * feature packages without cycles, no service importing another, and shared code free of Spring web. Each
 * module's {@code ArchitectureTest} applies them to the classes it compiled ({@link ModuleBoundaries}).
 */
public final class ArchitectureRules {

    /** The root package of each service; no other module may import one. */
    public static final List<String> SERVICE_ROOTS = List.of("dev.mediaflow.gateway", "dev.mediaflow.queue",
            "dev.mediaflow.imageworker", "dev.mediaflow.visionworker");

    /**
     * Spring's web stack, servlet or reactive, and the HTTP server under it: what common-messages, the contract a
     * worker shares with the services, must never need.
     */
    public static final List<String> SPRING_WEB = List.of("org.springframework.web..", "org.springframework.http..",
            "org.springframework.boot.web..", "org.springframework.boot.webflux..",
            "org.springframework.boot.webmvc..", "org.springframework.boot.http..", "jakarta.servlet..",
            "reactor.netty.http..");

    private ArchitectureRules() {
    }

    /**
     * The production classes of the module whose tests run now: what Maven compiled into {@code target/classes}
     * (Surefire runs in the module's directory), without its tests and without the classes of its dependencies,
     * which their own modules check.
     */
    public static JavaClasses moduleClasses() {
        Path classes = Path.of("target", "classes").toAbsolutePath();
        if (!Files.isDirectory(classes)) {
            throw new IllegalStateException("no compiled classes at " + classes + ": run the module's tests with Maven");
        }
        return new ClassFileImporter().importPath(classes);
    }

    /**
     * No cycle between the packages directly under {@code root} (each with its subpackages), nor between them and
     * {@code root} itself: a feature may use another, never both ways round.
     */
    public static ArchRule featuresFreeOfCycles(String root) {
        return slices().assignedFrom(featureOf(root)).should().beFreeOfCycles()
                .because("features depend one way (docs/architecture.md); a cycle makes two features one");
    }

    /** No class depends on a class under any of {@code roots}. */
    public static ArchRule noDependencyOn(Collection<String> roots, String reason) {
        return noClasses().should().dependOnClassesThat()
                .resideInAnyPackage(roots.stream().map(root -> root + "..").toArray(String[]::new))
                .because(reason);
    }

    /** No service's classes but those under {@code ownRoot} (none, for a shared module: {@code null}). */
    public static ArchRule noOtherService(String ownRoot) {
        return noDependencyOn(SERVICE_ROOTS.stream().filter(root -> !root.equals(ownRoot)).toList(),
                "no service imports another: they meet only over HTTP, RabbitMQ, Redis and files (CONTRACT.md)");
    }

    /** Nothing of Spring's web stack ({@link #SPRING_WEB}). */
    public static ArchRule noSpringWeb() {
        return noClasses().should().dependOnClassesThat().resideInAnyPackage(SPRING_WEB.toArray(String[]::new))
                .because("common-messages is shared with the workers, which serve no web API of their own");
    }

    /** A class's feature: the first package segment under {@code root}, or the root itself. */
    static SliceAssignment featureOf(String root) {
        String prefix = root + ".";
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String pkg = javaClass.getPackageName();
                if (pkg.equals(root)) {
                    return SliceIdentifier.of(root);
                }
                if (!pkg.startsWith(prefix)) {
                    return SliceIdentifier.ignore();
                }
                int end = pkg.indexOf('.', prefix.length());
                return SliceIdentifier.of(pkg.substring(prefix.length(), end < 0 ? pkg.length() : end));
            }

            @Override
            public String getDescription() {
                return "the feature packages under " + root;
            }
        };
    }
}
