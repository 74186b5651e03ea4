package dev.mediaflow.gateway.support;

import dev.mediaflow.http.ApiRoute;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's own route table, read from the running application: its annotated handlers (springdoc's and
 * Spring Boot's are left out) and its router functions, a predicate without a method being {@code ANY}. Tests
 * that must cover every route read it here, so a route added tomorrow is covered without anyone remembering.
 */
public final class GatewayRoutes {

    private GatewayRoutes() {
    }

    public static Set<ApiRoute> table(ApplicationContext context) {
        Set<ApiRoute> table = new LinkedHashSet<>();
        RequestMappingHandlerMapping annotated = context.getBean("requestMappingHandlerMapping",
                RequestMappingHandlerMapping.class);
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : annotated.getHandlerMethods().entrySet()) {
            if (!entry.getValue().getBeanType().getPackageName().startsWith("dev.mediaflow.")) {
                continue;
            }
            Set<RequestMethod> methods = entry.getKey().getMethodsCondition().getMethods();
            for (PathPattern pattern : entry.getKey().getPatternsCondition().getPatterns()) {
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    table.add(new ApiRoute(method.name(), pattern.getPatternString()));
                }
            }
        }
        for (RouterFunction<?> router : context.getBeanProvider(RouterFunction.class)) {
            router.accept(new PredicateCollector(table));
        }
        return table;
    }

    /** Collects the path patterns and methods of a router function's predicates. */
    private static final class PredicateCollector implements RouterFunctions.Visitor {

        private static final Pattern PATH = Pattern.compile("(/[^\\s()&|!]*)");
        private static final Pattern METHOD = Pattern.compile("\\b(GET|POST|PUT|PATCH|DELETE)\\b");
        private final Set<ApiRoute> table;

        PredicateCollector(Set<ApiRoute> table) {
            this.table = table;
        }

        @Override
        public void startNested(RequestPredicate predicate) {
        }

        @Override
        public void endNested(RequestPredicate predicate) {
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
            String text = predicate.toString();
            List<String> methods = new ArrayList<>();
            Matcher m = METHOD.matcher(text);
            while (m.find()) {
                methods.add(m.group(1));
            }
            Matcher p = PATH.matcher(text);
            while (p.find()) {
                for (String method : methods.isEmpty() ? List.of("ANY") : methods) {
                    table.add(new ApiRoute(method, p.group(1)));
                }
            }
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
            throw new AssertionError("a router function this table cannot read: " + routerFunction);
        }
    }
}
