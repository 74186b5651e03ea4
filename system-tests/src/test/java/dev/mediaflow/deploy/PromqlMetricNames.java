package dev.mediaflow.deploy;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects, so that a dashboard panel or an alert rule can be checked
 * against what the services really export. A name is the selector's name as written: a query on
 * {@code mediaflow_job_wait_seconds_bucket} must find that very series in a scrape, which a histogram has
 * and a plain summary has not; nothing is stripped or added.
 *
 * <p>Not a parser, a tokenizer that removes what holds no metric name: string literals (label values,
 * {@code label_replace} arguments, Grafana variables in matchers), label matchers in braces, ranges and
 * subqueries in brackets, the label lists of {@code by}, {@code without}, {@code on}, {@code ignoring},
 * {@code group_left} and {@code group_right}, and numbers and durations. Of the identifiers left, one
 * followed by "(" is a function or an aggregation and a keyword is an operator; the rest are metric names.
 * Whether the expression is valid PromQL is promtool's business (GrafanaDashboardsTest).
 */
final class PromqlMetricNames {

    private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
    private static final Pattern COMMENT = Pattern.compile("#[^\\n]*");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern TOKEN = Pattern.compile(
            "(?<number>0[xX][0-9a-fA-F]+|(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?[a-zA-Z0-9_]*)"
                    + "|(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "atan2", "bool", "offset", "by",
            "without", "on", "ignoring", "group_left", "group_right", "inf", "nan");

    private PromqlMetricNames() {
    }

    static Set<String> in(String expression) {
        String rest = COMMENT.matcher(STRING.matcher(expression).replaceAll("\"\"")).replaceAll(" ");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = LABEL_LIST.matcher(rest).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher token = TOKEN.matcher(rest);
        while (token.find()) {
            String name = token.group("name");
            if (name == null || KEYWORDS.contains(name.toLowerCase(Locale.ROOT)) || callFollows(rest, token.end())) {
                continue;
            }
            names.add(name);
        }
        return names;
    }

    private static boolean callFollows(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i < text.length() && text.charAt(i) == '(';
    }
}
