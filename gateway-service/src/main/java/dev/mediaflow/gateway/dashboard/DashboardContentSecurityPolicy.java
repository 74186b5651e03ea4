package dev.mediaflow.gateway.dashboard;

import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * The dashboard (static resources at {@code /}) shows filenames and error messages that users and servers
 * wrote. Its page and assets go out with a Content-Security-Policy that lets it load scripts, styles and
 * connections from this origin only, and images it fetched itself with the key ({@code blob:}): nothing inline
 * runs, so a filename that slipped into the page as markup could do nothing. Only the dashboard's paths get
 * it; Swagger UI, a third party's page, keeps its own ways.
 */
@Component
public class DashboardContentSecurityPolicy implements WebFilter {

    public static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private static final List<PathPattern> DASHBOARD = List.of("/", "/index.html", "/assets/**").stream()
            .map(PathPatternParser.defaultInstance::parse).toList();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        if (DASHBOARD.stream().anyMatch(pattern -> pattern.matches(path))) {
            exchange.getResponse().getHeaders().set("Content-Security-Policy", POLICY);
        }
        return chain.filter(exchange);
    }
}
