package dev.mediaflow.gateway.auth;

import dev.mediaflow.gateway.config.GatewayProperties;
import dev.mediaflow.http.CallerRole;
import dev.mediaflow.http.ErrorBody;
import dev.mediaflow.http.MediaflowHeaders;
import dev.mediaflow.gateway.web.JsonErrorWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import reactor.core.publisher.Mono;

/**
 * {@code X-API-Key} on every {@code /api/**} call; stateless (no session, no CSRF: clients are scripts
 * and services, and the dashboard sends the key as a header from script, never a cookie or a form).
 * Only {@link #PUBLIC_PATHS} answer without a key; every other path, whether a route exists or not, is 401.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityConfig {

    /** docs/api.md: only admin pauses/resumes workers, runs cleanup and sees/replays the parking lot. */
    public static final String[] ADMIN_POST_ROUTES = {"/api/queue/worker/stop", "/api/queue/worker/start",
            "/api/v1/vision/files/cleanup", "/api/queue/dead/replay"};
    public static final String[] ADMIN_GET_ROUTES = {"/api/queue/dead"};

    /**
     * What answers without a key: health and actuator, the API description and Swagger UI (docs/api.md),
     * and the dashboard's page and static assets, which hold no data (every datum comes from
     * {@code /api/**} with the key the user types in).
     */
    public static final String[] PUBLIC_PATHS = {"/health", "/health/**", "/actuator/**",
            "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**",
            "/", "/index.html", "/assets/**"};

    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

    @Bean
    public ApiKeyRegistry apiKeyRegistry(GatewayProperties properties) {
        String spec = properties.apiKeys();
        boolean plain = spec != null && !spec.isBlank();
        ApiKeyRegistry.Builder keys = new ApiKeyRegistry.Builder();
        if (properties.apiKeysFile() != null) {
            keys.addHashed(ApiKeysFile.read(properties.apiKeysFile()));
        } else if (!plain) {
            log.warn("MEDIAFLOW_API_KEYS is not set: using the DEVELOPMENT keys (alice, bob, admin). "
                    + "Set MEDIAFLOW_API_KEYS or MEDIAFLOW_API_KEYS_FILE before exposing this gateway.");
            spec = ApiKeyRegistry.DEVELOPMENT_KEYS;
            plain = true;
        } else if (spec.trim().equals(ApiKeyRegistry.DEVELOPMENT_KEYS)) {
            log.warn("MEDIAFLOW_API_KEYS holds the well-known development keys; do not expose this gateway.");
        }
        if (plain) {
            keys.addPlain(spec);
        }
        ApiKeyRegistry registry = keys.build();
        log.info("{} API keys configured{}", registry.size(),
                properties.apiKeysFile() != null ? " (hashed, from " + properties.apiKeysFile() + ")" : "");
        return registry;
    }

    @Bean
    public SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ApiKeyRegistry keys) {
        ServerAuthenticationEntryPoint unauthorized = (exchange, e) -> JsonErrorWriter.write(exchange.getResponse(),
                HttpStatus.UNAUTHORIZED, new ErrorBody("unauthorized",
                        "a valid " + MediaflowHeaders.API_KEY + " header is required"));
        ServerAccessDeniedHandler forbidden = (exchange, e) -> JsonErrorWriter.write(exchange.getResponse(),
                HttpStatus.FORBIDDEN, new ErrorBody("forbidden", "this action needs the admin role"));

        ReactiveAuthenticationManager byKey = authentication -> Mono.justOrEmpty(
                        keys.lookup(((ApiKeyAuthentication) authentication).key()))
                .<org.springframework.security.core.Authentication>map(ApiKeyAuthentication::of)
                .switchIfEmpty(Mono.error(() -> new BadCredentialsException("unknown API key")));

        AuthenticationWebFilter apiKeyFilter = new AuthenticationWebFilter(byKey);
        apiKeyFilter.setServerAuthenticationConverter(exchange -> Mono
                .justOrEmpty(exchange.getRequest().getHeaders().getFirst(MediaflowHeaders.API_KEY))
                .map(ApiKeyAuthentication::presented));
        apiKeyFilter.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(unauthorized));
        apiKeyFilter.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        apiKeyFilter.setRequiresAuthenticationMatcher(ServerWebExchangeMatchers.pathMatchers("/api/**"));

        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .addFilterAt(apiKeyFilter, SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(auth -> auth
                        .pathMatchers(HttpMethod.GET, PUBLIC_PATHS).permitAll()
                        .pathMatchers(HttpMethod.HEAD, PUBLIC_PATHS).permitAll()
                        .pathMatchers(HttpMethod.POST, ADMIN_POST_ROUTES).hasRole(CallerRole.ADMIN.name())
                        .pathMatchers(HttpMethod.GET, ADMIN_GET_ROUTES).hasRole(CallerRole.ADMIN.name())
                        // the parking lot shows every owner's jobs, whatever the method
                        .pathMatchers("/api/queue/dead", "/api/queue/dead/**").hasRole(CallerRole.ADMIN.name())
                        .pathMatchers("/api/**").authenticated()
                        .anyExchange().authenticated())
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(forbidden))
                .build();
    }
}
