package dev.mediaflow.deploy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose's variable substitution, for reading docker-compose.yml without docker-compose: {@code ${VAR}},
 * {@code ${VAR:-default}} / {@code ${VAR-default}}, {@code ${VAR:?message}} / {@code ${VAR?message}} (an
 * error when unset) and {@code $$} for a literal dollar. The values come from an env file such as .env.example.
 */
final class ComposeInterpolation {

    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private ComposeInterpolation() {
    }

    /** KEY=VALUE lines; blank lines and # comments skipped, surrounding quotes removed. */
    static Map<String, String> envFile(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            int eq = trimmed.indexOf('=');
            if (trimmed.isEmpty() || trimmed.startsWith("#") || eq < 1) {
                continue;
            }
            String value = trimmed.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(trimmed.substring(0, eq).strip(), value);
        }
        return values;
    }

    static String apply(String text, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(replacement(m, values)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String replacement(Matcher m, Map<String, String> values) {
        if (m.group().equals("$$")) {
            return "$";
        }
        String name = m.group(1) != null ? m.group(1) : m.group(4);
        String value = values.get(name);
        String operator = m.group(2);
        if (operator == null) {
            return value == null ? "" : value;
        }
        boolean missing = operator.startsWith(":") ? value == null || value.isEmpty() : value == null;
        if (!missing) {
            return value;
        }
        if (operator.endsWith("?")) {
            throw new IllegalArgumentException("required variable " + name + " is not set: " + m.group(3));
        }
        return m.group(3);
    }
}
