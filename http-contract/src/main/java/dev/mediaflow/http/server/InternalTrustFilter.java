package dev.mediaflow.http.server;

import dev.mediaflow.http.ErrorBody;
import dev.mediaflow.http.InternalIdentity;
import dev.mediaflow.http.InternalSignature;
import dev.mediaflow.http.MediaflowHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/api.md, "The basics": a request that reaches an internal service without the gateway's credential is
 * refused with 401, whatever identity headers it carries. Runs before every other filter. Open without a
 * credential: {@code /actuator/**} and {@code /health*}. A verified caller is left in the request attribute
 * {@link InternalIdentity#ATTRIBUTE}.
 *
 * <p>Why actuator is open: its callers are not the gateway. Process supervisors and Kubernetes probes read
 * {@code /actuator/health} (without details), and Prometheus scrapes {@code /actuator/prometheus} (only health,
 * info and prometheus are exposed). Neither can sign a request the way the gateway does, and the signature
 * guards callers' identities and data, which neither endpoint carries: a scrape holds counts, durations and
 * states, tagged with bounded labels (outcome, status, kind, media type), never a job id, an owner or a path.
 * And the internal services listen on loopback by default ({@code MEDIAFLOW_BIND_ADDRESS}), or on a cluster or
 * compose network that only the gateway and the monitoring system are meant to reach.
 */
public class InternalTrustFilter implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(InternalTrustFilter.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final InternalSignature signature;

    public InternalTrustFilter(InternalSignature signature) {
        this.signature = signature;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        if (isOpen(path)) {
            return chain.filter(exchange);
        }
        HttpHeaders headers = request.getHeaders();
        InternalSignature.Verdict verdict = signature.verify(request.getMethod().name(), InternalSignature.pathAndQuery(request.getURI()),
                headers.getFirst(MediaflowHeaders.OWNER), headers.getFirst(MediaflowHeaders.ROLE),
                headers.getFirst(MediaflowHeaders.TIMESTAMP), headers.getFirst(MediaflowHeaders.SIGNATURE));
        if (!verdict.accepted()) {
            log.warn("refused {} {} from {}: {}", request.getMethod(), path, request.getRemoteAddress(),
                    verdict.refusal().message());
            return refuse(exchange.getResponse(), verdict.refusal().message());
        }
        exchange.getAttributes().put(InternalIdentity.ATTRIBUTE, verdict.identity());
        return chain.filter(exchange);
    }

    static boolean isOpen(String path) {
        return path.equals("/actuator") || path.startsWith("/actuator/")
                || path.equals("/health") || path.startsWith("/health/");
    }

    private static Mono<Void> refuse(ServerHttpResponse response, String message) {
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] body = JSON.writeValueAsBytes(new ErrorBody("unauthorized",
                message + "; internal services answer only the gateway"));
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
