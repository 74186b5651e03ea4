package dev.mediaflow.gateway.support;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A stand-in for an Immich server on a loopback port (okhttp's MockWebServer), answering the three calls the
 * import makes as Immich does: {@code GET /api/assets/{id}/original} with an asset's bytes,
 * {@code GET /api/albums/{id}} with the album's JSON and {@code POST /api/search/metadata} with a page of
 * assets. Anything without the right {@code x-api-key} gets Immich's 401 body; an unknown id its 404 body. A
 * test can make one asset fail the ways a real server fails: stall before answering, cut its body short, 500.
 */
public final class StandInImmich implements AutoCloseable {

    public static final String API_KEY = "immich-stand-in-key";

    private final MockWebServer server = new MockWebServer();
    private final Map<UUID, Supplier<MockResponse>> originals = new ConcurrentHashMap<>();
    private final Map<UUID, List<UUID>> albums = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private volatile String acceptedKey = API_KEY;
    private volatile MockResponse searchAnswer;

    private StandInImmich() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.add(request);
                return answer(request);
            }
        });
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static StandInImmich start() {
        return new StandInImmich();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** An asset whose original is these bytes, sent with a Content-Length and Immich's Content-Disposition. */
    public UUID asset(String filename, byte[] bytes) {
        UUID id = UUID.randomUUID();
        originals.put(id, () -> ok(bytes).setHeader("Content-Disposition", "attachment; filename=\"" + filename + "\"")
                .build());
        return id;
    }

    /** An asset sent in chunks, without a Content-Length. */
    public UUID chunkedAsset(byte[] bytes) {
        UUID id = UUID.randomUUID();
        originals.put(id, () -> new MockResponse.Builder().setHeader("Content-Type", "application/octet-stream")
                .chunkedBody(new Buffer().write(bytes), 8192).build());
        return id;
    }

    /** An asset whose answer never comes: the headers stall until the client hangs up. */
    public UUID stallingAsset() {
        UUID id = UUID.randomUUID();
        originals.put(id, () -> ok(new byte[1024]).onResponseStart(SocketEffect.Stall.INSTANCE).build());
        return id;
    }

    /** An asset whose body stalls halfway, after its headers and some of its bytes. */
    public UUID stallingBodyAsset(byte[] bytes) {
        UUID id = UUID.randomUUID();
        originals.put(id, () -> ok(bytes).onResponseBody(SocketEffect.Stall.INSTANCE).build());
        return id;
    }

    /** An asset whose connection closes halfway through its body, short of its Content-Length. */
    public UUID truncatedAsset(byte[] bytes) {
        UUID id = UUID.randomUUID();
        originals.put(id, () -> ok(bytes).onResponseBody(new SocketEffect.CloseSocket(true, true, true)).build());
        return id;
    }

    /** An asset this key may not read: Immich answers such ids with 400, as it does ids it does not have. */
    public UUID noAccessAsset() {
        UUID id = UUID.randomUUID();
        originals.put(id, () -> json(400, "{\"message\":\"Not found or no asset.download access\","
                + "\"error\":\"Bad Request\",\"statusCode\":400}"));
        return id;
    }

    /** An asset Immich fails on with a 500. */
    public UUID failingAsset() {
        UUID id = UUID.randomUUID();
        originals.put(id, () -> json(500, "{\"message\":\"Internal server error\",\"error\":\"Internal Server Error\","
                + "\"statusCode\":500}"));
        return id;
    }

    public UUID album(List<UUID> assetIds) {
        UUID id = UUID.randomUUID();
        albums.put(id, List.copyOf(assetIds));
        return id;
    }

    /** What {@code POST /api/search/metadata} answers from now on. */
    public void searchAnswers(int status, String json) {
        searchAnswer = json(status, json);
    }

    /** From now on only this key is accepted (Immich answers others 401). */
    public void acceptKey(String key) {
        acceptedKey = key;
    }

    /** Every request received so far, the oldest first. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.close();
    }

    private MockResponse answer(RecordedRequest request) {
        if (!acceptedKey.equals(request.getHeaders().get("x-api-key"))) {
            return json(401, "{\"message\":\"Invalid API key\",\"error\":\"Unauthorized\",\"statusCode\":401}");
        }
        String path = request.getUrl().encodedPath();
        String[] segments = path.split("/");
        if ("GET".equals(request.getMethod()) && segments.length == 5 && path.startsWith("/api/assets/")
                && segments[4].equals("original")) {
            Supplier<MockResponse> original = originals.get(uuid(segments[3]));
            return original != null ? original.get() : notFound();
        }
        if ("GET".equals(request.getMethod()) && segments.length == 4 && path.startsWith("/api/albums/")) {
            UUID albumId = uuid(segments[3]);
            List<UUID> assets = albums.get(albumId);
            if (assets == null) {
                return notFound();
            }
            String listed = assets.stream().map(id -> "{\"id\":\"" + id + "\",\"type\":\"IMAGE\",\"isTrashed\":false}")
                    .collect(Collectors.joining(","));
            return json(200, "{\"id\":\"" + albumId + "\",\"albumName\":\"Holiday\",\"assetCount\":" + assets.size()
                    + ",\"assets\":[" + listed + "]}");
        }
        if ("POST".equals(request.getMethod()) && path.equals("/api/search/metadata") && searchAnswer != null) {
            return searchAnswer;
        }
        return notFound();
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return new UUID(0, 0);
        }
    }

    private static MockResponse.Builder ok(byte[] bytes) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/octet-stream")
                .body(new Buffer().write(bytes));
    }

    private static MockResponse notFound() {
        return json(404, "{\"message\":\"Not found\",\"error\":\"Not Found\",\"statusCode\":404}");
    }

    private static MockResponse json(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body).build();
    }
}
