package dev.netlab.webserver.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.InvalidConfigException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** webserver.access-log.*: off by default, and a bad value is exit 2 naming its key. */
class AccessLogSettingsTest {

    @TempDir
    Path directory;

    private static AccessLogSettings load(Map<String, String> overrides) {
        return AccessLogSettings.from(ConfigLoader.load(Optional.empty(), Map.of(), overrides));
    }

    @Test
    void offByDefaultCombinedToStandardOutput() {
        assertThat(load(Map.of())).isEqualTo(new AccessLogSettings(false, AccessLogFormat.COMBINED, Optional.empty(),
                8192));
    }

    @Test
    void aFileTargetIsAbsolute() {
        AccessLogSettings settings = load(Map.of("webserver.access-log.enabled", "true",
                "webserver.access-log.format", "json", "webserver.access-log.target",
                directory.resolve("a.log").toString()));
        assertThat(settings.format()).isEqualTo(AccessLogFormat.JSON);
        assertThat(settings.file()).contains(directory.resolve("a.log").toAbsolutePath());
    }

    @Test
    void aFileInAMissingDirectoryOrADirectoryIsRefused() {
        for (Path target : new Path[] {directory.resolve("no/such/a.log"), directory}) {
            assertThatThrownBy(() -> load(Map.of("webserver.access-log.enabled", "true",
                    "webserver.access-log.target", target.toString())))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("webserver.access-log.target");
        }
    }

    @Test
    void anUnknownFormatOrAnEmptyQueueIsRefused() {
        assertThatThrownBy(() -> load(Map.of("webserver.access-log.format", "common")))
                .hasMessageContaining("webserver.access-log.format");
        assertThatThrownBy(() -> load(Map.of("webserver.access-log.queue", "0")))
                .hasMessageContaining("webserver.access-log.queue");
    }
}
