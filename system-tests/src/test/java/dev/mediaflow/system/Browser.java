package dev.mediaflow.system;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import static org.awaitility.Awaitility.await;

/**
 * Debian's headless Chromium driven by Debian's chromedriver, with a fresh profile. Both paths are given, so
 * Selenium Manager (which would look for, and download, a browser and a driver) never runs: Selenium skips it
 * when the driver's path is set, and the build points {@code SE_MANAGER_PATH} at {@code /bin/false}, so a run
 * of it would fail the test instead of going unnoticed. The flags keep Chromium from calling anything but the
 * page's own server.
 */
final class Browser implements AutoCloseable {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--no-first-run");
    /** How long the page may take to show what a test waits for (a job's whole run included). */
    static final Duration PATIENCE = Duration.ofSeconds(120);

    private final ChromeDriver driver;
    private final String base;

    Browser(String base, Path profile) {
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM);
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        this.driver.manage().window().setSize(new Dimension(1280, 1000));
        this.base = base;
    }

    void open(String path) {
        driver.get(base + path);
    }

    /** Opens the page and signs in with the key. */
    void signIn(String key) {
        open("/");
        WebElement input = waitFor(() -> visible(By.id("api-key")));
        input.sendKeys(key);
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The element when it is on the page and shown, else null. */
    WebElement visible(By by) {
        return driver.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
    }

    WebElement visible(String css) {
        return visible(By.cssSelector(css));
    }

    /** Waits until the supplier gives something other than null or false, and returns it. */
    <T> T waitFor(Callable<T> condition) {
        Object[] result = new Object[1];
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            T value = condition.call();
            result[0] = value;
            return value != null && !Boolean.FALSE.equals(value);
        });
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    /** Clicks the element, found again if the page redrew it meanwhile (a live update). */
    void click(String css) {
        waitFor(() -> {
            driver.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** The image's natural width: above 0 once it loaded and decoded. */
    long naturalWidth(WebElement image) {
        return ((Number) script("return arguments[0].complete ? arguments[0].naturalWidth : 0", image)).longValue();
    }

    String pageSource() {
        return driver.getPageSource();
    }

    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
