package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.webserver.files.DotfilePolicy;
import dev.netlab.webserver.files.SymlinkPolicy;
import dev.netlab.webserver.http.HttpLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebServerConfigTest {

    private static WebServerConfig load(Map<String, String> environment, Map<String, String> overrides) {
        return WebServerConfig.from(ConfigLoader.load(Optional.empty(), environment, overrides));
    }

    @Test
    void theBundledDefaultsAreTheIssuesDefaults() {
        WebServerConfig config = load(Map.of(), Map.of());
        assertThat(config.root()).isEqualTo(Path.of("").toAbsolutePath());
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.bindAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(config.limits()).isEqualTo(HttpLimits.DEFAULTS);
        assertThat(config.headTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.sendTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.lingerTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxConnections()).isEqualTo(10_000);
        assertThat(config.keepAliveRequests()).isEqualTo(1000);
        assertThat(config.directoryListing()).isTrue();
        assertThat(config.dotfiles()).isEqualTo(DotfilePolicy.REFUSE);
        assertThat(config.symlinks()).isEqualTo(SymlinkPolicy.INSIDE_ROOT);
    }

    @Test
    void theEnvironmentSetsNestedAndDashedKeys() {
        WebServerConfig config = load(Map.of("WEBSERVER_TIMEOUTS_HEAD", "250ms",
                "WEBSERVER_MAX_dash_CONNECTIONS", "7", "WEBSERVER_SYMLINKS", "refuse"), Map.of());
        assertThat(config.headTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.maxConnections()).isEqualTo(7);
        assertThat(config.symlinks()).isEqualTo(SymlinkPolicy.REFUSE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "webserver.root|/no/such/directory",
        "webserver.port|65536",
        "webserver.bind-address|not an address",
        "webserver.limits.request-line|8",
        "webserver.limits.header-section|lots",
        "webserver.limits.header-fields|0",
        "webserver.limits.keepalive-requests|0",
        "webserver.timeouts.head|0s",
        "webserver.timeouts.idle|forever",
        "webserver.max-connections|-1",
        "webserver.directory-listing|yes",
        "webserver.dotfiles|hide",
        "webserver.symlinks|sometimes",
    })
    void aBadValueNamesItsKeyAndValue(String key, String value) {
        assertThatThrownBy(() -> load(Map.of(), Map.of(key, value)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(value);
    }
}
