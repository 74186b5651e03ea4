package dev.mediaflow.deploy;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every PromQL query of the Grafana dashboards in {@code deploy/grafana/dashboards}: each panel's targets
 * (panels inside rows too) and each query variable, with where it comes from for the failure message.
 * A variable's {@code label_values(<selector>, <label>)} is Grafana's, not PromQL: its selector is the query.
 */
final class DashboardQueries {

    /** One query: {@code panel} is the panel's title, or "variable <name>"; {@code datasourceUid} may be null. */
    record Query(String dashboard, String panel, String expr, String datasourceUid) {
        @Override
        public String toString() {
            return dashboard + " / " + panel + ": " + expr;
        }
    }

    /** One panel that is not a row, with its queries. */
    record Panel(String dashboard, String title, String type, String datasourceUid, List<Query> queries) {
    }

    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$",
            Pattern.DOTALL);
    private static final Pattern QUERY_RESULT = Pattern.compile("^\\s*query_result\\((.*)\\)\\s*$", Pattern.DOTALL);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private DashboardQueries() {
    }

    static List<Path> dashboards(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path dashboard) {
        try {
            return JSON.readTree(Files.readString(dashboard));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Panel> panels(Path dashboard) {
        String name = dashboard.getFileName().toString();
        List<Panel> panels = new ArrayList<>();
        collect(name, read(dashboard).path("panels"), panels);
        return panels;
    }

    private static void collect(String dashboard, JsonNode list, List<Panel> into) {
        for (JsonNode panel : list) {
            if ("row".equals(text(panel.path("type")))) {
                collect(dashboard, panel.path("panels"), into);  // a collapsed row keeps its panels inside
                continue;
            }
            String title = text(panel.path("title"));
            List<Query> queries = new ArrayList<>();
            for (JsonNode target : panel.path("targets")) {
                String expr = text(target.path("expr"));
                queries.add(new Query(dashboard, title, expr, text(target.path("datasource").path("uid"))));
            }
            into.add(new Panel(dashboard, title, text(panel.path("type")),
                    text(panel.path("datasource").path("uid")), queries));
        }
    }

    /** The query variables' PromQL. */
    static List<Query> variables(Path dashboard) {
        String name = dashboard.getFileName().toString();
        List<Query> queries = new ArrayList<>();
        for (JsonNode variable : read(dashboard).path("templating").path("list")) {
            if (!"query".equals(text(variable.path("type")))) {
                continue;
            }
            JsonNode query = variable.path("query");
            String text = query.isObject() ? text(query.path("query")) : text(query);
            queries.add(new Query(name, "variable " + text(variable.path("name")), promqlOf(text),
                    text(variable.path("datasource").path("uid"))));
        }
        return queries;
    }

    static String promqlOf(String variableQuery) {
        if (variableQuery == null) {
            return null;
        }
        Matcher labelValues = LABEL_VALUES.matcher(variableQuery);
        if (labelValues.matches()) {
            return labelValues.group(1);
        }
        Matcher queryResult = QUERY_RESULT.matcher(variableQuery);
        return queryResult.matches() ? queryResult.group(1) : variableQuery;
    }

    static String text(JsonNode node) {
        return node.isString() ? node.stringValue() : null;
    }
}
