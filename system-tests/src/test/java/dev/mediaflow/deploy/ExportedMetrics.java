package dev.mediaflow.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The series names the services and RabbitMQ really export, read from scrapes of the running programs kept
 * in {@code src/test/resources/scrapes/*.prom} (the Prometheus text format), so that a dashboard or an alert
 * that names a metric nobody exports fails the build instead of showing "No data" in production.
 *
 * <p>An application (the {@code application} label every service carries) that has no scrape there yet is
 * taken from {@code metric-names-from-brief.txt}, the names agreed for issue 13; {@link #fromBrief()} says
 * which, and the tests print it. A real scrape always wins over the brief.
 */
final class ExportedMetrics {

    private static final Pattern APPLICATION = Pattern.compile("[{,]\\s*application=\"([^\"]+)\"");

    private final Set<String> names;
    private final Set<String> scrapedApplications;
    private final Set<String> fromBrief;
    private final Set<String> scrapeFiles;

    private ExportedMetrics(Set<String> names, Set<String> scrapedApplications, Set<String> fromBrief,
                            Set<String> scrapeFiles) {
        this.names = names;
        this.scrapedApplications = scrapedApplications;
        this.fromBrief = fromBrief;
        this.scrapeFiles = scrapeFiles;
    }

    static ExportedMetrics load(Path resources) {
        Set<String> names = new TreeSet<>();
        Set<String> applications = new TreeSet<>();
        Set<String> files = new TreeSet<>();
        try (Stream<Path> scrapes = Files.list(resources.resolve("scrapes"))) {
            for (Path scrape : scrapes.filter(p -> p.toString().endsWith(".prom")).sorted().toList()) {
                files.add(scrape.getFileName().toString());
                for (String line : Files.readAllLines(scrape)) {
                    String sample = line.strip();
                    if (sample.isEmpty() || sample.startsWith("#")) {
                        continue;
                    }
                    names.add(seriesName(sample));
                    Matcher application = APPLICATION.matcher(sample);
                    if (application.find()) {
                        applications.add(application.group(1));
                    }
                }
            }
            var brief = new TreeMap<String, Set<String>>();
            for (String line : Files.readAllLines(resources.resolve("metric-names-from-brief.txt"))) {
                String entry = line.strip();
                if (entry.isEmpty() || entry.startsWith("#")) {
                    continue;
                }
                String[] parts = entry.split("\\s+");
                brief.computeIfAbsent(parts[0], a -> new TreeSet<>()).add(parts[1]);
            }
            Set<String> fromBrief = new TreeSet<>();
            brief.forEach((application, briefNames) -> {
                if (!applications.contains(application)) {
                    fromBrief.add(application);
                    names.addAll(briefNames);
                }
            });
            return new ExportedMetrics(names, applications, fromBrief, files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String seriesName(String sample) {
        int end = 0;
        while (end < sample.length() && sample.charAt(end) != '{' && !Character.isWhitespace(sample.charAt(end))) {
            end++;
        }
        return sample.substring(0, end);
    }

    boolean exports(String seriesName) {
        return names.contains(seriesName);
    }

    /** Applications whose names come from the brief because scrapes/ has no real scrape of them yet. */
    Set<String> fromBrief() {
        return fromBrief;
    }

    String describe() {
        return "scrapes " + scrapeFiles + " (applications " + scrapedApplications + ")"
                + (fromBrief.isEmpty() ? "" : "; from metric-names-from-brief.txt, not yet scraped: " + fromBrief);
    }
}
