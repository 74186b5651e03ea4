import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The top frames of a JDK Flight Recorder file, as Markdown tables: where the samples are (self: the frame on
 * top of the stack) and which methods they are under (total: any frame of the stack). Java samples
 * ({@code jdk.ExecutionSample}) and samples of threads in native code ({@code jdk.NativeMethodSample}: OpenCV,
 * libwebp, libjpeg, fsync are native, so they show as the JNI method that called them) are counted together.
 * Threads that only wait (idle pool threads parked in epoll or on a queue) are left out: a native sample whose
 * top frame is a wait says nothing about cost.
 *
 * <p>Usage: {@code java bench/JfrTop.java FILE.jfr [ROWS]}.
 */
public class JfrTop {

    private static final List<String> WAITS = List.of("epollWait", "EPoll.wait", "Unsafe.park", "Object.wait",
            "Thread.sleep", "socketAccept", "SocketDispatcher.read", "Net.poll", "Net.accept", "FileDispatcherImpl.read0",
            "KQueue", "ServerSocket", "NioSocketImpl.timedRead", "NioSocketImpl.park", "SocketInputStream.socketRead");

    public static void main(String[] args) throws Exception {
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        int samples = 0;
        int javaSamples = 0;
        int nativeSamples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = event.getEventType().getName();
            boolean java = type.equals("jdk.ExecutionSample");
            if (!java && !type.equals("jdk.NativeMethodSample")) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            String top = name(stack.getFrames().get(0));
            if (!java && WAITS.stream().anyMatch(top::contains)) {
                continue;
            }
            samples++;
            if (java) {
                javaSamples++;
            } else {
                nativeSamples++;
            }
            self.merge(top + (java ? "" : " (native)"), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : stack.getFrames()) {
                String n = name(frame);
                if (telling(frame) && seen.add(n)) {
                    total.merge(n, 1, Integer::sum);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d busy samples (%d in Java, %d in native code)%n%n", samples, javaSamples,
                nativeSamples);
        print("self (top of stack)", self, samples, rows);
        System.out.println();
        print("total (anywhere on the stack; application, codec, I/O and client frames only)", total, samples, rows);
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int rows) {
        System.out.println("| " + title + " | samples | % |");
        System.out.println("| --- | ---: | ---: |");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(rows)
                .forEach(e -> System.out.printf(Locale.ROOT, "| `%s` | %d | %.1f |%n", e.getKey(), e.getValue(),
                        100.0 * e.getValue() / Math.max(1, samples)));
    }

    /** Packages whose frames say what the work is (not the event loops, executors and operators around it). */
    private static final List<String> TELLING = List.of("dev.mediaflow.", "java.security.", "sun.security.",
            "org.springframework.http.codec.multipart.", "org.springframework.core.io.buffer.", "sun.nio.ch.FileChannel",
            "sun.nio.fs.", "com.rabbitmq.", "io.r2dbc.", "org.postgresql.", "io.lettuce.core.", "org.flywaydb.",
            "org.apache.tika.", "com.drew.", "org.bytedeco.", "tools.jackson.", "com.fasterxml.jackson.",
            "ch.qos.logback.", "io.micrometer.", "org.springframework.amqp.", "org.springframework.r2dbc.",
            "org.springframework.data.redis.", "org.springframework.security.", "io.netty.handler.codec.http.");

    private static boolean telling(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return TELLING.stream().anyMatch(type::startsWith);
    }

    private static String name(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }
}
