package dev.mediaflow.gateway.auth;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import java.util.List;

/** Before authentication it holds the presented key; after, the {@link Caller} it belongs to. */
public final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final String key;
    private final Caller caller;

    private ApiKeyAuthentication(String key, Caller caller) {
        super(caller == null ? List.of() : List.of(new SimpleGrantedAuthority(caller.authority())));
        this.key = key;
        this.caller = caller;
        setAuthenticated(caller != null);
    }

    public static ApiKeyAuthentication presented(String key) {
        return new ApiKeyAuthentication(key, null);
    }

    public static ApiKeyAuthentication of(Caller caller) {
        return new ApiKeyAuthentication(null, caller);
    }

    public String key() {
        return key;
    }

    @Override
    public Object getCredentials() {
        return key;
    }

    @Override
    public Object getPrincipal() {
        return caller;
    }

    @Override
    public String getName() {
        return caller == null ? "" : caller.owner();
    }
}
