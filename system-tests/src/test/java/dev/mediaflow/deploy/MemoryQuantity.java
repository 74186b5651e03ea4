package dev.mediaflow.deploy;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A memory size as compose and Kubernetes write it, in bytes. Compose (Docker) units are binary and one
 * letter ({@code 768m}, {@code 2G}); Kubernetes has binary {@code Ki Mi Gi} and decimal {@code k M G}.
 */
final class MemoryQuantity {

    private static final Pattern QUANTITY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)");
    static final long MIB = 1024L * 1024;
    static final long GIB = 1024 * MIB;

    private MemoryQuantity() {
    }

    static long compose(Object value) {
        Matcher m = matcher(value);
        double number = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "k", "kb" -> 1024;
            case "m", "mb" -> MIB;
            case "g", "gb" -> GIB;
            default -> throw new IllegalArgumentException("not a compose memory size: " + value);
        };
        return (long) (number * unit);
    }

    static long kubernetes(Object value) {
        Matcher m = matcher(value);
        double number = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2)) {
            case "" -> 1;
            case "Ki" -> 1024;
            case "Mi" -> MIB;
            case "Gi" -> GIB;
            case "Ti" -> 1024 * GIB;
            case "k" -> 1000;
            case "M" -> 1000_000;
            case "G" -> 1000_000_000;
            default -> throw new IllegalArgumentException("not a Kubernetes memory quantity: " + value);
        };
        return (long) (number * unit);
    }

    private static Matcher matcher(Object value) {
        Matcher m = QUANTITY.matcher(String.valueOf(value).trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a memory size: " + value);
        }
        return m;
    }
}
