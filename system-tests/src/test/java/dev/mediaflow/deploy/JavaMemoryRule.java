package dev.mediaflow.deploy;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java service's memory limit must match its heap share ({@code -XX:MaxRAMPercentage} in JAVA_TOOL_OPTIONS):
 * the heap must be big enough to be useful and what the heap leaves must hold the native memory the service
 * needs, or the kernel kills the container although the JVM never saw a full heap. The workers decode pictures
 * into native memory (OpenCV, FFmpeg; up to MEDIAFLOW_DECODE_MAX_BYTES, 768 MB) and the vision worker holds
 * libtorch and the model there too, so they need a gigabyte beside the heap; the others a quarter of one
 * (metaspace, threads, Netty's direct buffers).
 */
final class JavaMemoryRule {

    static final long MIN_HEAP = 256 * MemoryQuantity.MIB;
    static final long WORKER_NATIVE = MemoryQuantity.GIB;
    static final long SERVICE_NATIVE = 256 * MemoryQuantity.MIB;

    private static final Pattern PERCENTAGE = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)");

    private JavaMemoryRule() {
    }

    /** What is wrong with this service's limit and options, or empty when they match. */
    static Optional<String> check(String service, long limitBytes, String javaToolOptions) {
        Matcher m = PERCENTAGE.matcher(javaToolOptions == null ? "" : javaToolOptions);
        if (!m.find()) {
            return Optional.of(service + ": JAVA_TOOL_OPTIONS has no -XX:MaxRAMPercentage (" + javaToolOptions + ")");
        }
        double percentage = Double.parseDouble(m.group(1));
        long heap = (long) (limitBytes * percentage / 100);
        long nativeRoom = limitBytes - heap;
        long neededNative = service.endsWith("worker") ? WORKER_NATIVE : SERVICE_NATIVE;
        if (heap < MIN_HEAP) {
            return Optional.of(service + ": heap " + mib(heap) + " (" + percentage + " % of " + mib(limitBytes)
                    + ") is under " + mib(MIN_HEAP));
        }
        if (nativeRoom < neededNative) {
            return Optional.of(service + ": " + percentage + " % of " + mib(limitBytes) + " leaves " + mib(nativeRoom)
                    + " beside the heap, under the " + mib(neededNative) + " it needs");
        }
        return Optional.empty();
    }

    private static String mib(long bytes) {
        return bytes / MemoryQuantity.MIB + " MiB";
    }
}
