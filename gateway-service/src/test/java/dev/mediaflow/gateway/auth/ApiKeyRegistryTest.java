package dev.mediaflow.gateway.auth;

import dev.mediaflow.http.CallerRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyRegistryTest {

    @Test
    void theDevelopmentKeysMapToTheirOwnersAndRoles() {
        ApiKeyRegistry registry = ApiKeyRegistry.parse(ApiKeyRegistry.DEVELOPMENT_KEYS);

        assertThat(registry.lookup("dev-alice-key")).contains(new Caller("alice", CallerRole.USER));
        assertThat(registry.lookup("dev-bob-key")).contains(new Caller("bob", CallerRole.USER));
        assertThat(registry.lookup("dev-admin-key")).contains(new Caller("admin", CallerRole.ADMIN));
        assertThat(registry.lookup("dev-alice-ke")).isEmpty();
        assertThat(registry.lookup("")).isEmpty();
        assertThat(registry.lookup(null)).isEmpty();
    }

    @Test
    void spacesAroundEntriesAreTolerated() {
        ApiKeyRegistry registry = ApiKeyRegistry.parse(" carol : admin : s3cret-key-1 , dave:user:s3cret-key-2");
        assertThat(registry.lookup("s3cret-key-1")).contains(new Caller("carol", CallerRole.ADMIN));
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

    @Test
    void aKeysFileHoldsOnlyDigestsAndTheirKeysWork() {
        String file = """
                # owner:role:sha256-hex of the key
                carol:admin:%s

                dave:user:%s
                """.formatted(ApiKeyRegistry.sha256Hex("carols-long-key"),
                ApiKeyRegistry.sha256Hex("daves-long-key").toUpperCase());
        ApiKeyRegistry registry = ApiKeyRegistry.parseHashed(file);
        assertThat(registry.size()).isEqualTo(2);
        assertThat(registry.lookup("carols-long-key")).contains(new Caller("carol", CallerRole.ADMIN));
        assertThat(registry.lookup("daves-long-key")).contains(new Caller("dave", CallerRole.USER));
        assertThat(registry.lookup(ApiKeyRegistry.sha256Hex("carols-long-key"))).as("the digest is no key").isEmpty();
        assertThat(registry.toString()).doesNotContain(ApiKeyRegistry.sha256Hex("carols-long-key"));
    }

    @Test
    void sha256HexIsWhatSha256sumPrints() {
        // echo -n secret | sha256sum
        assertThat(ApiKeyRegistry.sha256Hex("secret"))
                .isEqualTo("2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "# only a comment",
            "alice:user:my-plain-key-in-the-file",
            "alice:user:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25",
            "alice:root:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b",
            "alice:user:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b\n"
                    + "bob:user:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"})
    void aMalformedKeysFileIsRefusedWithTheLineButNeverTheKey(String content) {
        assertThatThrownBy(() -> ApiKeyRegistry.parseHashed(content))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("MEDIAFLOW_API_KEYS_FILE is malformed")
                .message().doesNotContain("my-plain-key-in-the-file");
    }

    @Test
    void malformedPlainKeysAreReportedWithoutTheKey() {
        assertThatThrownBy(() -> ApiKeyRegistry.parse("alice:user:first-secret-key,bob:user:first-secret-key"))
                .message().contains("entry 2").doesNotContain("first-secret-key");
        assertThatThrownBy(() -> ApiKeyRegistry.parse("alice:root:second-secret-key"))
                .message().doesNotContain("second-secret-key");
    }
}
