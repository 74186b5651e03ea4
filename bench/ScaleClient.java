import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of bench/scale.sh (issue 14, section 4). No JSON library: the few fields read are found with patterns.
 *
 * <ul>
 * <li>{@code latency BASE KEY CONNECTIONS REQUESTS PATH...}: per path, 20 unmeasured requests, then REQUESTS GETs
 *   from CONNECTIONS threads (but no longer than BENCH_SECONDS per path once 20 are measured); one line per path: {@code path=... n=... p50_ms=... p99_ms=... max_ms=...}. Anything
 *   but 200 stops the run.</li>
 * <li>{@code backlog BASE KEY CONNECTIONS COUNT SIDE PROJECT [DISTINCT]}: COUNT queued jobs of operation thumbnail:
 *   DISTINCT media items (default 20) of SIDE x SIDE px uploaded, each with bytes of its own, then enqueued again
 *   until there are COUNT jobs; prints {@code jobs=... distinct=... seconds=...}.</li>
 * <li>{@code probe BASE KEY SIDE PROJECT}: uploads one photo of SIDE x SIDE px and waits until it started; prints
 *   {@code to_start_ms} (from just before the upload was sent to its {@code started_at}), {@code priority}.</li>
 * <li>{@code throughput BASE KEY CONNECTIONS COUNT SIDE}: the same COUNT photos (fixed seeds) uploaded with
 *   {@code force=true} under a fresh project, until all are final; prints {@code photos_per_s} (COUNT over the time
 *   from the first upload to the latest {@code completed_at}).</li>
 * </ul>
 */
public class ScaleClient {

    private static final Pattern QUEUE_ID = Pattern.compile("\"queueId\"\\s*:\\s*\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "latency" -> latency(args);
            case "backlog" -> backlog(args);
            case "probe" -> probe(args);
            case "throughput" -> throughput(args);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0); // the pools' threads would keep the JVM alive
    }

    private static void latency(String[] args) throws Exception {
        String base = args[1];
        String key = args[2];
        int connections = Integer.parseInt(args[3]);
        int requests = Integer.parseInt(args[4]);
        long seconds = Long.parseLong(System.getenv().getOrDefault("BENCH_SECONDS", "3600"));
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        for (int p = 5; p < args.length; p++) {
            String url = base + args[p];
            for (int i = 0; i < 20; i++) {
                try {
                    get(url, key);
                } catch (IllegalStateException e) {
                    break; // a route that fails is measured (its failures counted) below all the same
                }
            }
            List<Long> micros = Collections.synchronizedList(new ArrayList<>());
            List<String> errors = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger left = new AtomicInteger(requests);
            long stopAt = System.nanoTime() + seconds * 1_000_000_000L;
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                running.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0 && (micros.size() + errors.size() < 20
                            || System.nanoTime() < stopAt)) {
                        long t = System.nanoTime();
                        try {
                            get(url, key);
                            micros.add((System.nanoTime() - t) / 1000);
                        } catch (IllegalStateException e) {
                            // the gateway's answer when queue-service did not answer in time: counted, not timed
                            errors.add(e.getMessage().replaceAll(".* answered (\\d+).*", "$1"));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            List<Long> sorted = new ArrayList<>(micros);
            Collections.sort(sorted);
            if (!errors.isEmpty()) {
                System.out.printf(Locale.ROOT, "path=%s n=%d p50_ms=%s p99_ms=%d_of_%d_failed_(HTTP_%s)%n", args[p],
                        sorted.size(), sorted.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", pct(sorted, 50) / 1000.0),
                        errors.size(), errors.size() + sorted.size(), errors.get(0));
                continue;
            }
            System.out.printf(Locale.ROOT, "path=%s n=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n", args[p], sorted.size(),
                    pct(sorted, 50) / 1000.0, pct(sorted, 99) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
        }
        pool.shutdown();
    }

    /**
     * The backlog: DISTINCT media items, each a photo uploaded once, then enqueued again as new jobs (POST
     * /api/queue/enqueue), round robin, until COUNT jobs wait. With DISTINCT = COUNT every job is a photo of its own, as
     * in an imported library: 20 pictures of SIDE px, each upload one of them with 16 bytes of its own after the
     * JPEG's end (another SHA-256, so content dedup never takes it; decoders stop at the end marker). A small DISTINCT
     * gives many jobs per media item, which costs queue-service more per job (docs/performance.md, section 4).
     */
    private static void backlog(String[] args) throws Exception {
        String base = args[1];
        String key = args[2];
        int connections = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        int side = Integer.parseInt(args[5]);
        String project = args[6];
        int distinct = Math.max(1, Math.min(count, args.length > 7 ? Integer.parseInt(args[7]) : 20));
        long start = System.currentTimeMillis();
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 0; i < Math.min(distinct, 20); i++) {
            pictures.add(photo(side, 1_000_000L + i));
        }
        int run = (int) System.nanoTime();
        AtomicReferenceArray<String> media = new AtomicReferenceArray<>(distinct);
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        AtomicInteger nextUpload = new AtomicInteger();
        List<Future<?>> uploading = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            uploading.add(pool.submit(() -> {
                int i;
                while ((i = nextUpload.getAndIncrement()) < distinct) {
                    byte[] picture = pictures.get(i % pictures.size());
                    byte[] own = Arrays.copyOf(picture, picture.length + 16);
                    byte[] trailer = String.format(Locale.ROOT, "%08x%08x", run, i).getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(trailer, 0, own, picture.length, trailer.length);
                    media.set(i, text(upload(base, key, own, "thumbnail", project, false), "mediaItemId"));
                }
                return null;
            }));
        }
        for (Future<?> f : uploading) {
            f.get();
        }
        AtomicInteger next = new AtomicInteger(distinct);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            running.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    enqueue(base, key, media.get(i % distinct));
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        System.out.printf(Locale.ROOT, "jobs=%d distinct=%d seconds=%.1f%n", count, distinct,
                (System.currentTimeMillis() - start) / 1000.0);
    }

    /**
     * One more job of the media item. An upload's 202 comes before queue-service has recorded its item (the
     * gateway's job.submitted event is applied a moment later), so a 404 right after it is waited out, 30 s at most.
     */
    private static void enqueue(String base, String key, String mediaItemId) throws Exception {
        long giveUp = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                post(base + "/api/queue/enqueue/" + mediaItemId, key, "{\"operations\":[\"thumbnail\"]}");
                return;
            } catch (IllegalStateException e) {
                if (!e.getMessage().contains("answered 404") || System.nanoTime() > giveUp) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void post(String url, String key, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static void probe(String[] args) throws Exception {
        String base = args[1];
        String key = args[2];
        int side = Integer.parseInt(args[3]);
        String project = args[4];
        byte[] photo = photo(side, System.nanoTime());
        long before = System.currentTimeMillis();
        String id = id(upload(base, key, photo, "thumbnail", project, false));
        long deadline = before + 60 * 60_000L;
        String item;
        while (true) {
            item = get(base + "/api/queue/items/" + id, key);
            if (text(item, "started_at") != null || System.currentTimeMillis() > deadline) {
                break;
            }
            Thread.sleep(100);
        }
        String started = text(item, "started_at");
        System.out.printf(Locale.ROOT, "bytes=%d priority=%s to_start_ms=%d%n", photo.length, number(item, "priority"),
                started == null ? -1 : Instant.parse(started).toEpochMilli() - before);
    }

    private static void throughput(String[] args) throws Exception {
        String base = args[1];
        String key = args[2];
        int connections = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        int side = Integer.parseInt(args[5]);
        List<byte[]> photos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            photos.add(photo(side, i));
        }
        String project = "scale-" + UUID.randomUUID().toString().substring(0, 8);
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        AtomicInteger next = new AtomicInteger();
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        long start = System.currentTimeMillis();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            running.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    ids.add(id(upload(base, key, photos.get(i), "thumbnail,blur,low-quality", project, true)));
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        long deadline = System.currentTimeMillis() + 30 * 60_000L;
        while (true) {
            String stats = get(base + "/api/queue/stats?projectId=" + project, key);
            long done = number(stats, "completed") + number(stats, "failed") + number(stats, "cancelled");
            if (done >= count) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("not final after 30 minutes: " + stats);
            }
            Thread.sleep(200);
        }
        long last = 0;
        int failed = 0;
        for (String id : ids) {
            String item = get(base + "/api/queue/items/" + id, key);
            if (!item.contains("\"status\":\"completed\"")) {
                failed++;
                continue;
            }
            last = Math.max(last, Instant.parse(text(item, "completed_at")).toEpochMilli());
        }
        double seconds = (last - start) / 1000.0;
        System.out.printf(Locale.ROOT, "photos=%d failed=%d seconds=%.2f photos_per_s=%.2f%n", count, failed, seconds,
                (count - failed) / seconds);
    }

    /** A JPEG of side x side px: a gradient, a few shapes and noise, all from the seed. */
    private static byte[] photo(int side, long seed) throws IOException {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int y = 0; y < side; y++) {
            g.setColor(new Color(y * 255 / side, 80 + random.nextInt(40), 255 - y * 255 / side));
            g.drawLine(0, y, side, y);
        }
        for (int s = 0; s < 6; s++) {
            g.setColor(new Color(random.nextInt(0xffffff)));
            g.fillOval(random.nextInt(side), random.nextInt(side), side / 4, side / 5);
        }
        g.dispose();
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int rgb = image.getRGB(x, y);
                int n = random.nextInt(13) - 6;
                int r = clamp(((rgb >> 16) & 255) + n), gr = clamp(((rgb >> 8) & 255) + n), b = clamp((rgb & 255) + n);
                image.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static String upload(String base, String key, byte[] photo, String ops, String project, boolean force)
            throws IOException, InterruptedException {
        String boundary = "----scale" + UUID.randomUUID();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n" + ops + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"projectId\"\r\n\r\n" + project + "\r\n"
                + (force ? "--" + boundary + "\r\nContent-Disposition: form-data; name=\"force\"\r\n\r\ntrue\r\n" : "")
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"photo.jpg\""
                + "\r\nContent-Type: image/jpeg\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/media/upload"))
                .header("X-API-Key", key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head.getBytes(StandardCharsets.UTF_8), photo,
                        tail.getBytes(StandardCharsets.UTF_8))))
                .build();
        for (int tries = 0; ; tries++) {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202) {
                return response.body();
            }
            if (response.statusCode() != 429 || tries > 50) {
                throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
            }
            Thread.sleep(200);
        }
    }

    private static String get(String url, String key) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", key)
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String id(String uploadBody) {
        Matcher m = QUEUE_ID.matcher(uploadBody);
        if (!m.find()) {
            throw new IllegalStateException("no queueId in " + uploadBody);
        }
        return m.group(1);
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String text(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
