package dev.mediaflow.deploy;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's deploy files as the tests read them: paths from the repository root (the tests run in
 * {@code system-tests}), YAML as plain maps and lists, and small typed lookups into those trees.
 */
final class DeployFiles {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private DeployFiles() {
    }

    static String read(String relativePath) {
        try {
            return Files.readString(REPO.resolve(relativePath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> yaml(String text) {
        return map(new Yaml(new LoaderOptions()).load(text));
    }

    /** Every document of a multi-document stream, the empty ones left out. */
    static List<Map<String, Object>> yamlDocuments(String text) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new LoaderOptions()).loadAll(text)) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        return documents;
    }

    /** The project version in the root pom.xml: the tag of the images built from this repository. */
    static String projectVersion() {
        Matcher m = Pattern.compile("<artifactId>mediaflow</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(read("pom.xml"));
        if (!m.find()) {
            throw new IllegalStateException("no project version in pom.xml");
        }
        return m.group(1);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }

    static List<Map<String, Object>> maps(Object value) {
        return list(value).stream().map(DeployFiles::map).toList();
    }

    /** The value at a dotted path ({@code spec.template.spec}), or null when any step is missing. */
    static Object at(Map<String, Object> tree, String path) {
        Object current = tree;
        for (String step : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(step);
        }
        return current;
    }

    static Map<String, Object> mapAt(Map<String, Object> tree, String path) {
        return map(at(tree, path));
    }

    static String stringAt(Map<String, Object> tree, String path) {
        Object value = at(tree, path);
        return value == null ? null : String.valueOf(value);
    }
}
