import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of bench/run's end-to-end benchmark: uploads files through the gateway with a few parallel
 * connections, waits until every job of the run is final, and prints one line of {@code key=value} pairs.
 *
 * <p>Usage: {@code java bench/Client.java BASE_URL API_KEY OPERATIONS CONCURRENCY FILE...}. The run is tagged with
 * a fresh {@code projectId}, so its progress is one {@code stats?projectId=} call (the rate limit is 50 requests/s
 * per key); the end time is the latest {@code completed_at} the API reports, the start the moment before the first
 * upload was sent. No JSON library: the few fields read are found with patterns.
 */
public class Client {

    /** Parallel uploads of the fairness run, so the photos arrive faster than the workers take them. */
    private static final int UPLOADERS = 4;

    private static final Pattern QUEUE_ID = Pattern.compile("\"queueId\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        if (args[0].equals("fairness")) {
            fairness(args);
            return;
        }
        String base = args[0];
        String key = args[1];
        String ops = args[2];
        int concurrency = Integer.parseInt(args[3]);
        List<Path> files = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            files.add(Path.of(args[i]));
        }
        String project = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ConcurrentLinkedQueue<Path> todo = new ConcurrentLinkedQueue<>(files);
        List<Long> uploadMs = Collections.synchronizedList(new ArrayList<>());
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        List<Long> sentAt = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.currentTimeMillis();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            running.add(pool.submit(() -> {
                Path file;
                while ((file = todo.poll()) != null) {
                    long before = System.currentTimeMillis();
                    String body = upload(http, base, key, file, ops, project);
                    uploadMs.add(System.currentTimeMillis() - before);
                    Matcher m = QUEUE_ID.matcher(body);
                    if (!m.find()) {
                        throw new IllegalStateException("no queueId in " + body);
                    }
                    synchronized (ids) {
                        ids.add(m.group(1));
                        sentAt.add(before);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        long uploaded = System.currentTimeMillis();
        int n = files.size();
        long deadline = System.currentTimeMillis() + 30 * 60_000L;
        while (true) {
            String stats = get(http, base + "/api/queue/stats?projectId=" + project, key);
            long done = number(stats, "completed") + number(stats, "failed") + number(stats, "cancelled");
            if (done >= n) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("not final after 30 minutes: " + stats);
            }
            Thread.sleep(200);
        }
        long last = 0;
        List<Long> doneMs = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < ids.size(); i++) {
            String item = get(http, base + "/api/queue/items/" + ids.get(i), key);
            if (!item.contains("\"status\":\"completed\"")) {
                failed++;
                System.err.println("not completed: " + item);
                continue;
            }
            long completed = Instant.parse(text(item, "completed_at")).toEpochMilli();
            last = Math.max(last, completed);
            doneMs.add(completed - sentAt.get(i));
            if (i % 40 == 39) {
                Thread.sleep(1000); // under the rate limit
            }
        }
        double seconds = (last - start) / 1000.0;
        System.out.printf(Locale.ROOT, "files=%d failed=%d seconds=%.2f per_s=%.2f upload_s=%.2f upload_p50_ms=%d "
                        + "upload_p99_ms=%d done_p50_ms=%d done_p99_ms=%d%n", n, failed, seconds, (n - failed) / seconds,
                (uploaded - start) / 1000.0, pct(uploadMs, 50), pct(uploadMs, 99), pct(doneMs, 50), pct(doneMs, 99));
    }

    /**
     * {@code fairness BASE KEY SECONDS BACKLOG VIDEO PHOTO...}: keeps {@code BACKLOG} photos queued (a new upload
     * whenever fewer wait, cycling through the photos, from 4 connections) for {@code SECONDS}, uploads the video
     * 10 s in, then stops
     * and waits for every job. Prints one line per media type: count, and the wait from queued to started (p50,
     * max), read from the API's {@code queued_at} and {@code started_at}.
     */
    private static void fairness(String[] args) throws Exception {
        String base = args[1];
        String key = args[2];
        long seconds = Long.parseLong(args[3]);
        int backlog = Integer.parseInt(args[4]);
        Path video = Path.of(args[5]);
        List<Path> photos = new ArrayList<>();
        for (int i = 6; i < args.length; i++) {
            photos.add(Path.of(args[i]));
        }
        String ops = "thumbnail,blur,low-quality";
        String project = "fair-" + UUID.randomUUID().toString().substring(0, 8);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        long start = System.currentTimeMillis();
        java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(UPLOADERS + 1);
        // one poller for the whole run (the API key's rate limit is 50 requests/s), UPLOADERS uploaders
        Future<?> poller = pool.submit(() -> {
            while (System.currentTimeMillis() - start < seconds * 1000) {
                String stats = get(http, base + "/api/queue/stats?projectId=" + project, key);
                queued.set(number(stats, "queued") + number(stats, "pending"));
                Thread.sleep(200);
            }
            return null;
        });
        List<Future<?>> uploaders = new ArrayList<>();
        for (int u = 0; u < UPLOADERS; u++) {
            uploaders.add(pool.submit(() -> {
                while (System.currentTimeMillis() - start < seconds * 1000) {
                    if (queued.get() < backlog) {
                        queued.incrementAndGet();
                        ids.add(id(upload(http, base, key, photos.get(next.getAndIncrement() % photos.size()), ops,
                                project)));
                    } else {
                        Thread.sleep(50);
                    }
                }
                return null;
            }));
        }
        Thread.sleep(10_000);
        String videoId = id(upload(http, base, key, video, ops, project));
        ids.add(videoId);
        poller.get();
        for (Future<?> f : uploaders) {
            f.get();
        }
        pool.shutdown();
        long stopped = System.currentTimeMillis();
        while (true) {
            String stats = get(http, base + "/api/queue/stats?projectId=" + project, key);
            if (number(stats, "completed") + number(stats, "failed") + number(stats, "cancelled") >= ids.size()) {
                break;
            }
            Thread.sleep(500);
        }
        List<Long> photoWaits = new ArrayList<>();
        long videoWait = -1;
        long videoQueuedAfterStart = -1;
        for (int i = 0; i < ids.size(); i++) {
            String item = get(http, base + "/api/queue/items/" + ids.get(i), key);
            long queuedAt = Instant.parse(text(item, "queued_at")).toEpochMilli();
            long started = Instant.parse(text(item, "started_at")).toEpochMilli();
            if (ids.get(i).equals(videoId)) {
                videoWait = started - queuedAt;
                videoQueuedAfterStart = queuedAt - start;
            } else {
                photoWaits.add(started - queuedAt);
            }
            if (i % 40 == 39) {
                Thread.sleep(1000);
            }
        }
        System.out.printf(Locale.ROOT, "photos=%d photo_wait_p50_ms=%d photo_wait_max_ms=%d video_wait_ms=%d "
                        + "video_queued_at_s=%.1f stream_s=%.1f%n", photoWaits.size(), pct(photoWaits, 50),
                pct(photoWaits, 100), videoWait, videoQueuedAfterStart / 1000.0, (stopped - start) / 1000.0);
    }

    private static String id(String uploadBody) {
        Matcher m = QUEUE_ID.matcher(uploadBody);
        if (!m.find()) {
            throw new IllegalStateException("no queueId in " + uploadBody);
        }
        return m.group(1);
    }

    private static String upload(HttpClient http, String base, String key, Path file, String ops, String project)
            throws IOException, InterruptedException {
        String boundary = "----bench" + UUID.randomUUID();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n" + ops + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"projectId\"\r\n\r\n" + project + "\r\n"
                // every upload is processed: without force, a file the owner uploaded before (the warm-up's, an
                // earlier round's, the fairness run's repeated photos) is a duplicate, completed at once with the
                // earlier results and never reaching a worker
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"force\"\r\n\r\ntrue\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"" + file.getFileName()
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/media/upload"))
                .header("X-API-Key", key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head.getBytes(StandardCharsets.UTF_8),
                        Files.readAllBytes(file), tail.getBytes(StandardCharsets.UTF_8))))
                .build();
        for (int tries = 0; ; tries++) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202 && response.body().contains("\"duplicateOf\"")) {
                throw new IllegalStateException("upload of " + file + " was taken as a duplicate, so nothing would"
                        + " process it: " + response.body());
            }
            if (response.statusCode() == 202) {
                return response.body();
            }
            if (response.statusCode() != 429 || tries > 20) {
                throw new IllegalStateException("upload of " + file + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            Thread.sleep(200);
        }
    }

    private static String get(HttpClient http, String url, String key) throws IOException, InterruptedException {
        for (int tries = 0; ; tries++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", key)
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return response.body();
            }
            if (response.statusCode() != 429 || tries > 50) {
                throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
            }
            Thread.sleep(250);
        }
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String text(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + json);
        }
        return m.group(1);
    }

    private static long pct(List<Long> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
