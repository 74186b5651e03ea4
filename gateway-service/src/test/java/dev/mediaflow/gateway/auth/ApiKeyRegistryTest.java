package dev.mediaflow.gateway.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyRegistryTest {

    @Test
    void theDevelopmentKeysMapToTheirOwnersAndRoles() {
        ApiKeyRegistry registry = ApiKeyRegistry.parse(ApiKeyRegistry.DEVELOPMENT_KEYS);

        assertThat(registry.lookup("dev-alice-key")).contains(new Caller("alice", Role.USER));
        assertThat(registry.lookup("dev-bob-key")).contains(new Caller("bob", Role.USER));
        assertThat(registry.lookup("dev-admin-key")).contains(new Caller("admin", Role.ADMIN));
        assertThat(registry.lookup("dev-alice-ke")).isEmpty();
        assertThat(registry.lookup("")).isEmpty();
        assertThat(registry.lookup(null)).isEmpty();
    }

    @Test
    void spacesAroundEntriesAreTolerated() {
        ApiKeyRegistry registry = ApiKeyRegistry.parse(" carol : admin : s3cret-key-1 , dave:user:s3cret-key-2");
        assertThat(registry.lookup("s3cret-key-1")).contains(new Caller("carol", Role.ADMIN));
        assertThat(registry.size()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "alice:user",
            "alice:user:key-one-long:extra",
            "alice:root:key-one-long",
            "alice:user:short",
            "../etc:user:key-one-long",
            "alice:user:key-one-long,",
            "alice:user:key-one-long,bob:user:key-one-long"})
    void aMalformedSpecificationIsRefusedWithAClearMessage(String spec) {
        assertThatThrownBy(() -> ApiKeyRegistry.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("MEDIAFLOW_API_KEYS is malformed")
                .hasMessageContaining("owner:role:key");
    }
}
