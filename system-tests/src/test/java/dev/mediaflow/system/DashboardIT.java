package dev.mediaflow.system;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard (gateway, {@code /}) in a real headless Chromium against the real services: what a person does
 * with it, and the bad cases. Screenshots of the queue and of a job land in {@code target/dashboard/}
 * (the README's are copies of them).
 */
@ExtendWith(StackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

    static final Path SCREENSHOTS = Path.of("target", "dashboard");
    static final String ALICE = "dev-alice-key";
    static final String ADMIN = "dev-admin-key";

    @TempDir
    Path tmp;

    private Browser browser;

    private Browser browser(Stack stack) throws Exception {
        browser = new Browser(stack.gateway.url(), Files.createDirectories(tmp.resolve("profile")));
        return browser;
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /** Last, so that the screenshot of the queue shows the other tests' jobs too (a failed one among them). */
    @Test
    @Order(Integer.MAX_VALUE)
    void aJpegUploadedInTheBrowserGoesFromQueuedToCompletedWithoutAReloadAndShowsItsVariants(Stack stack)
            throws Exception {
        ApiClient admin = stack.client(ADMIN);
        Browser page = browser(stack);
        page.signIn(ALICE);
        page.waitFor(() -> page.visible("#drop-zone"));
        // the page is never reloaded: a reload would lose this
        page.script("window.sameDocument = true");

        Path photo = Media.jpeg(tmp.resolve("harbour.jpg"), 1600, 1200);
        Path second = Media.png(tmp.resolve("garden.png"), 900, 1200);
        Path third = Media.jpeg(tmp.resolve("street.jpg"), 2400, 1000);
        String queueId;
        // paused, the job stays queued until the page has shown it so
        assertThat(admin.post("/api/queue/worker/stop").status()).isEqualTo(200);
        try {
            page.waitFor(() -> admin.get("/api/queue/worker/status").json().get("workers").valueStream()
                    .allMatch(w -> w.get("state").asString().equals("paused")));
            page.find("#file-input").sendKeys(photo + "\n" + second + "\n" + third);
            WebElement row = page.waitFor(() -> rowOf(page, "harbour.jpg"));
            queueId = row.getAttribute("data-queue-id");
            page.waitFor(() -> "queued".equals(rowOf(page, "harbour.jpg").getAttribute("data-status")));
            assertThat(page.find("#stat-queued").getText()).isNotEqualTo("0");
        } finally {
            assertThat(admin.post("/api/queue/worker/start").status()).isEqualTo(200);
        }
        page.waitFor(() -> "completed".equals(rowOf(page, "harbour.jpg").getAttribute("data-status")));
        assertThat(page.script("return window.sameDocument === true")).isEqualTo(true);
        assertThat(PipelineIT.awaitStatus(stack.client(ALICE), queueId, "completed").get("status").asString())
                .isEqualTo("completed");
        page.waitFor(() -> "completed".equals(rowOf(page, "garden.png").getAttribute("data-status"))
                && "completed".equals(rowOf(page, "street.jpg").getAttribute("data-status")));
        page.waitFor(() -> page.findAll("#items img.thumbnail").size() >= 3
                && page.findAll("#items img.thumbnail").stream().allMatch(img -> page.naturalWidth(img) > 0));
        page.resize(1280, 1400);
        page.screenshot(SCREENSHOTS.resolve("dashboard-queue.png"));
        page.resize(390, 844);
        page.screenshot(SCREENSHOTS.resolve("phone-queue.png"));
        page.resize(1280, 1000);

        page.waitFor(() -> {
            rowOf(page, "harbour.jpg").findElement(By.cssSelector("td.file a")).click();
            return true;
        });
        WebElement thumbnail = page.waitFor(() -> page.visible("img.variant-thumbnail"));
        page.waitFor(() -> page.naturalWidth(thumbnail) > 0);
        assertThat(page.naturalWidth(thumbnail)).isEqualTo(320);
        WebElement depth = page.waitFor(() -> page.visible("img.depth-map"));
        page.waitFor(() -> page.naturalWidth(depth) > 0);
        assertThat(page.find("#item-title").getText()).isEqualTo("harbour.jpg");
        assertThat(page.findAll(".attempts-log tbody tr")).hasSizeGreaterThanOrEqualTo(2);
        page.resize(1280, 1600);
        page.screenshot(SCREENSHOTS.resolve("dashboard-item.png"));

        // the toggle shows the photo in place of the depth map
        page.click(".depth .toggles button:nth-child(2)");
        WebElement photoImage = page.waitFor(() -> page.visible("img.depth-photo"));
        page.waitFor(() -> page.naturalWidth(photoImage) > 0);
        assertThat(depth.isDisplayed()).isFalse();
        page.resize(390, 844);
        page.screenshot(SCREENSHOTS.resolve("phone-item.png"));
        page.resize(1280, 1000);

        page.find("#nav a[data-view=metrics]").click();
        page.waitFor(() -> page.findAll("#metrics-chart svg rect.completed").size() > 0);
        page.screenshot(SCREENSHOTS.resolve("metrics.png"));
        assertThat(page.script("return window.sameDocument === true")).isEqualTo(true);
    }

    @Test
    void aFailedJobIsRetriedFromItsPage(Stack stack) throws Exception {
        Browser page = browser(stack);
        page.signIn(ALICE);
        page.waitFor(() -> page.visible("#drop-zone"));
        page.find("input[name=operation][value=depth]").click();
        page.find("#file-input").sendKeys(Media.corruptJpeg(tmp.resolve("broken.jpg")).toString());
        page.waitFor(() -> page.visible("#upload-list a")).click();

        page.waitFor(() -> "failed".equals(page.find("#item-body .item-head .badge").getAttribute("data-status")));
        assertThat(page.find("#item-body .facts").getText()).contains("Last error");
        assertThat(page.findAll(".attempts-log td pre.error-text")).isNotEmpty();
        page.click("#retry-item");
        page.waitFor(() -> page.visible("#item-message").getText().contains("Sent back to the queue"));
        // the second run's attempts appear, and it fails again the same way
        page.waitFor(() -> page.findAll(".attempts-log tbody tr").stream()
                .anyMatch(row -> row.findElements(By.cssSelector("td")).get(1).getText().equals("2")));
        page.waitFor(() -> "failed".equals(page.find("#item-body .item-head .badge").getAttribute("data-status")));

        // redo and delete (CONTRACT.md): done, or refused with a sentence while this server does not offer them
        page.click("#redo-item");
        WebElement redone = page.waitFor(() -> page.visible("#item-message"));
        assertThat(redone.getText()).containsAnyOf("Redo queued as a new job",
                "Not found: this job is gone, or this server cannot redo operations yet.");
        page.click("#delete-item");
        assertThat(page.find("#delete-item").getText()).isEqualTo("Really delete? Click again");
        page.click("#delete-item");
        page.waitFor(() -> page.visible("#item-message").getText().matches(
                "Deleted: .*|Not found: it is already gone, or this server cannot delete media yet\\..*"));
    }

    @Test
    void anAdminPausesAndResumesTheWorkers(Stack stack) throws Exception {
        ApiClient admin = stack.client(ADMIN);
        Browser page = browser(stack);
        try {
            page.signIn(ADMIN);
            page.waitFor(() -> page.visible("#nav-admin")).click();
            page.waitFor(() -> page.findAll("#workers tbody tr[data-state=running]").size() >= 2);

            page.click("#pause-workers");
            page.waitFor(() -> page.visible("#workers-message").getText().contains("Every worker is paused"));
            assertThat(page.findAll("#workers tbody tr")).allMatch(row -> "paused".equals(row.getAttribute("data-state")));
            JsonNode workers = admin.get("/api/queue/worker/status").json().get("workers");
            assertThat(workers.valueStream().map(w -> w.get("state").asString())).containsOnly("paused");

            page.click("#resume-workers");
            page.waitFor(() -> page.visible("#workers-message").getText().contains("Every worker is running"));
            workers = admin.get("/api/queue/worker/status").json().get("workers");
            assertThat(workers.valueStream().map(w -> w.get("state").asString())).containsOnly("running");
            assertThat(page.visible("#ai-health").getText()).contains("loaded");
            page.screenshot(SCREENSHOTS.resolve("admin.png"));
        } finally {
            assertThat(admin.post("/api/queue/worker/start").status()).isEqualTo(200);
        }
    }

    @Test
    void aWrongKeyIsToldClearlyAndNothingOpens(Stack stack) throws Exception {
        Browser page = browser(stack);
        page.signIn("not-a-key-of-this-gateway");
        WebElement error = page.waitFor(() -> page.visible("#login-error"));
        assertThat(error.getText()).contains("This API key was not accepted");
        assertThat(page.visible("#view-queue")).isNull();
        assertThat(page.script("return sessionStorage.getItem('mediaflow.apiKey')")).isNull();
    }

    @Test
    void aFileOverTheLimitShowsTheContractsMessage(Stack stack) throws Exception {
        Path big = Media.jpeg(tmp.resolve("huge.jpg"), 640, 480);
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(Stack.MAX_UPLOAD_BYTES + 1);
        }
        Browser page = browser(stack);
        page.signIn(ALICE);
        page.waitFor(() -> page.visible("#drop-zone"));
        page.find("#file-input").sendKeys(big.toString());
        WebElement failed = page.waitFor(() -> page.visible(".upload-entry[data-state=failed] .upload-status"));
        assertThat(failed.getText()).contains("The file is too large.")
                .contains("The file is larger than the limit of " + Stack.MAX_UPLOAD_BYTES + " bytes")
                .contains("413 payload_too_large");
    }

    @Test
    void oneUsersPageNeverShowsAnotherUsersItems(Stack stack) throws Exception {
        ApiClient bob = stack.client("dev-bob-key");
        ApiClient.Response upload = bob.upload("bobs-private-photo.png", Media.png(tmp.resolve("b.png"), 200, 150),
                Map.of("operations", "thumbnail"));
        assertThat(upload.status()).isEqualTo(202);
        String bobsJob = upload.json().get("queueId").asString();
        PipelineIT.awaitStatus(bob, bobsJob, "completed");
        ApiClient.Response alices = stack.client(ALICE).upload("alices-photo.png",
                Media.png(tmp.resolve("a.png"), 200, 150), Map.of("operations", "thumbnail"));
        assertThat(alices.status()).isEqualTo(202);

        Browser page = browser(stack);
        page.signIn(ALICE);
        page.waitFor(() -> rowOf(page, "alices-photo.png"));
        for (String status : List.of("", "completed")) {
            page.script("const s = document.querySelector('#filters select[name=status]');"
                    + "s.value = arguments[0]; s.dispatchEvent(new Event('change', {bubbles: true}))", status);
            page.waitFor(() -> page.findAll("#items tbody tr").size() > 0
                    && !page.find("#page-info").getText().isEmpty());
            assertThat(page.pageSource()).doesNotContain("bobs-private-photo").doesNotContain(bobsJob);
        }
        page.open("/#/item/" + bobsJob);
        WebElement message = page.waitFor(() -> page.visible("#item-message"));
        assertThat(message.getText()).contains("There is no job " + bobsJob + " for this key");
        assertThat(page.pageSource()).doesNotContain("bobs-private-photo");
    }

    /**
     * A gateway of its own whose queue-service, vision worker and broker are not there: the page says which
     * service is down instead of showing an empty table, and, once that gateway is gone too, that the gateway
     * cannot be reached.
     */
    @Test
    void aServiceThatIsDownAndAGatewayThatIsGoneAreToldClearly() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("MEDIAFLOW_QUEUE_SERVICE_URL", "http://127.0.0.1:" + ServiceProcess.freePort());
        env.put("MEDIAFLOW_VISION_WORKER_URL", "http://127.0.0.1:" + ServiceProcess.freePort());
        env.put("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:" + ServiceProcess.freePort());
        env.put("MEDIAFLOW_STORAGE_ROOT", Files.createDirectories(tmp.resolve("lone-storage")).toString());
        env.put("MEDIAFLOW_INTERNAL_TOKEN", UUID.randomUUID() + "-" + UUID.randomUUID());
        env.put("MEDIAFLOW_LOG_FORMAT", "json");
        ServiceProcess lone = ServiceProcess.start("gateway-service", List.of("-Xmx128m", "-XX:+UseSerialGC"), env,
                tmp.resolve("lone-logs"));
        try {
            lone.awaitHealthy(java.time.Duration.ofMinutes(3));
            browser = new Browser(lone.url(), Files.createDirectories(tmp.resolve("profile")));
            browser.signIn(ALICE);
            WebElement banner = browser.waitFor(() -> {
                WebElement shown = browser.visible("#banner");
                return shown != null && shown.getText().contains("Down now:") ? shown : null;
            });
            assertThat(banner.getText()).contains("A service behind the gateway").contains("queue_service_unavailable");
            assertThat(browser.visible("#view-queue")).as("the key itself was accepted").isNotNull();
        } finally {
            lone.close();
        }
        browser.click("#refresh");
        WebElement gone = browser.waitFor(() -> browser.visible("#items-message"));
        assertThat(gone.getText()).contains("The gateway cannot be reached");
        assertThat(browser.visible("#banner").getText()).contains("The gateway cannot be reached");
    }

    /** The jobs table's row for a file, or null while there is none. */
    private static WebElement rowOf(Browser page, String filename) {
        for (WebElement row : page.findAll("#items tbody tr")) {
            if (row.findElement(By.cssSelector("td.file")).getText().equals(filename)) {
                return row;
            }
        }
        return null;
    }
}
