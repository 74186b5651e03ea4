import java.io.ByteArrayOutputStream;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * The client of bench/queue.sh: {@code N} no-op jobs ({@code operations=noop}, which the gateway accepts only with
 * {@code MEDIAFLOW_BENCH_NOOP=true}), each a small PNG of its own (8x8, its pixels from the job's number, so no
 * upload repeats another) sent with {@code force=true}, over {@code CONCURRENCY} parallel connections; then waits
 * until the run's {@code stats?projectId=} says every job is final.
 *
 * <p>Usage: {@code java bench/QueueClient.java BASE_URL API_KEY N CONCURRENCY}. Prints one line of
 * {@code key=value}: jobs, failed, seconds (first upload sent to the poll that saw the last job final: a poll every
 * 100 ms, so up to 0.1 s late), per_s, upload_s, polls (stats calls made, each a few reads in PostgreSQL).
 */
public class QueueClient {

    private static final Pattern QUEUE_ID = Pattern.compile("\"queueId\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String key = args[1];
        int n = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        String project = "queue-" + UUID.randomUUID().toString().substring(0, 8);
        int seed = (int) (System.nanoTime() & 0xffffff);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<Object>> running = new java.util.ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            running.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    String body = upload(http, base, key, png(seed, i), project);
                    if (!QUEUE_ID.matcher(body).find()) {
                        throw new IllegalStateException("no queueId in " + body);
                    }
                }
                return null;
            }));
        }
        for (Future<Object> f : running) {
            f.get();
        }
        pool.shutdown();
        long uploaded = System.nanoTime();
        int polls = 0;
        long done;
        long failed;
        long deadline = System.nanoTime() + 10 * 60_000_000_000L;
        while (true) {
            String stats = get(http, base + "/api/queue/stats?projectId=" + project, key);
            polls++;
            failed = number(stats, "failed") + number(stats, "cancelled");
            if (number(stats, "completed") + failed >= n) {
                done = System.nanoTime();
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not final after 10 minutes: " + stats);
            }
            Thread.sleep(100);
        }
        double seconds = (done - start) / 1e9;
        System.out.printf(Locale.ROOT, "jobs=%d failed=%d seconds=%.2f per_s=%.1f upload_s=%.2f polls=%d%n", n, failed,
                seconds, (n - failed) / seconds, (uploaded - start) / 1e9, polls);
    }

    /** An 8x8 PNG whose pixels spell the run's seed and the job's number: every upload is a file of its own. */
    private static byte[] png(int seed, int i) throws java.io.IOException {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        java.util.Random pixels = new java.util.Random(seed * 1_000_003L + i);
        for (int p = 0; p < 64; p++) {
            image.setRGB(p % 8, p / 8, pixels.nextInt(0x1000000));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static String upload(HttpClient http, String base, String key, byte[] file, String project)
            throws Exception {
        String boundary = "----bench" + UUID.randomUUID();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\nnoop\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"force\"\r\n\r\ntrue\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"projectId\"\r\n\r\n" + project + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"n.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/media/upload"))
                .header("X-API-Key", key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head.getBytes(StandardCharsets.UTF_8), file,
                        tail.getBytes(StandardCharsets.UTF_8))))
                .build();
        for (int tries = 0; ; tries++) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202) {
                return response.body();
            }
            if (response.statusCode() != 429 || tries > 50) {
                throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
            }
            Thread.sleep(100);
        }
    }

    private static String get(HttpClient http, String url, String key) throws Exception {
        for (int tries = 0; ; tries++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", key)
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return response.body();
            }
            if (response.statusCode() != 429 || tries > 50) {
                throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
            }
            Thread.sleep(100);
        }
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
