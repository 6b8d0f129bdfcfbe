package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.webserver.files.ServingPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cache-Control per URL path from configuration: the first matching rule, else the default; 200, 206 and 304. */
class CacheControlTest {

    private static final String RULES = """
            webserver:
              cache-control:
                default: no-cache
                rules:
                  - pattern: /assets/**.{js,css}
                    value: max-age=31536000, immutable
                  - pattern: /docs/
                    value: max-age=60
                  - pattern: /**.js
                    value: no-store
            """;

    @TempDir
    Path root;
    @TempDir
    Path configDirectory;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        Files.createDirectories(root.resolve("assets/v2"));
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("assets/v2/app.js"), "app();");
        Files.writeString(root.resolve("app.js"), "app();");
        Files.writeString(root.resolve("index.html"), "<p>home</p>");
        server = TestServer.start(root, Optional.of(config(RULES)), Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path config(String yaml) throws IOException {
        Path file = configDirectory.resolve("config.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private RawHttp.Reply get(String path, String... headers) throws IOException {
        return RawHttp.request(server.port(), "GET", path, headers);
    }

    @Test
    void theFirstMatchingRuleWins() throws Exception {
        assertThat(get("/assets/v2/app.js").header("Cache-Control")).isEqualTo("max-age=31536000, immutable");
        assertThat(get("/app.js").header("Cache-Control")).isEqualTo("no-store");
        // Matched on the decoded, normalised path.
        assertThat(get("/assets/v2/../v2/%61pp.js").header("Cache-Control")).isEqualTo("max-age=31536000, immutable");
    }

    @Test
    void aPathNoRuleMatchesGetsTheDefault() throws Exception {
        assertThat(get("/index.html").header("Cache-Control")).isEqualTo("no-cache");
        // "/" is the directory path, served by its index.html.
        assertThat(get("/").header("Cache-Control")).isEqualTo("no-cache");
    }

    @Test
    void aDirectoryListingIsMatchedByItsPathWithASlash() throws Exception {
        RawHttp.Reply listing = get("/docs/");
        assertThat(listing.status()).isEqualTo(200);
        assertThat(listing.header("Cache-Control")).isEqualTo("max-age=60");
        // Its 304 (to If-None-Match: *, the one condition a listing without validators can fail) carries it too.
        RawHttp.Reply notModified = get("/docs/", "If-None-Match: *");
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.header("Cache-Control")).isEqualTo("max-age=60");
    }

    @Test
    void itRidesOn304And206ButNotOnErrors() throws Exception {
        String etag = get("/app.js").header("ETag");
        RawHttp.Reply notModified = get("/app.js", "If-None-Match: " + etag);
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.header("Cache-Control")).isEqualTo("no-store");
        RawHttp.Reply partial = get("/app.js", "Range: bytes=0-2");
        assertThat(partial.status()).isEqualTo(206);
        assertThat(partial.header("Cache-Control")).isEqualTo("no-store");
        assertThat(get("/missing.js").header("Cache-Control")).isNull();
        assertThat(get("/app.js", "Range: bytes=100-").header("Cache-Control")).isNull();
    }

    @Test
    void withoutRulesOrDefaultNothingIsSent() throws Exception {
        server.close();
        server = TestServer.start(root, Map.of());
        assertThat(get("/app.js").header("Cache-Control")).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "webserver.cache-control.rules.0.pattern|'assets/*.js'|max-age=60",
        "webserver.cache-control.rules.0.pattern|'/{a,{b}}'|max-age=60",
        "webserver.cache-control.rules.0.value|'/a'|'max-age 60'",
        "webserver.cache-control.rules.0.value|'/a'|'max-age=60, '",
        "webserver.cache-control.rules.0.value|'/a'|\"max-age=60\\r\\nSet-Cookie: a=b\"",
    })
    void aBadRuleNamesItsKey(String key, String pattern, String value) throws Exception {
        Path file = config("webserver:\n  cache-control:\n    rules:\n      - pattern: " + pattern + "\n        value: "
                + value + "\n");
        assertThatThrownBy(() -> FileServingConfig.from(ConfigLoader.load(Optional.of(file), Map.of(), Map.of())))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining(key);
    }

    @Test
    void aBadDefaultNamesItsKey() {
        assertThatThrownBy(() -> FileServingConfig.from(ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("webserver.cache-control.default", "max-age=1;"))))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("webserver.cache-control.default");
    }

    @Test
    void theDefaultsServeSiblingsAndSendNoCacheControl() {
        ServingPolicy policy = FileServingConfig.from(ConfigLoader.load(Optional.empty(), Map.of(), Map.of()));
        assertThat(policy.precompressed()).isTrue();
        assertThat(policy.listing()).isTrue();
        assertThat(policy.cacheControl().rules()).isEmpty();
        assertThat(policy.cacheControl().valueFor("/")).isNull();
        assertThat(policy.fileCheckInterval()).isEqualTo(java.time.Duration.ofMillis(100));
    }

    @Test
    void aFileCheckIntervalOverAMinuteNamesItsKey() {
        assertThatThrownBy(() -> FileServingConfig.from(ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("webserver.file-check-interval", "2m"))))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("webserver.file-check-interval");
    }
}
