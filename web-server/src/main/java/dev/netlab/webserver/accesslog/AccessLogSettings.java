package dev.netlab.webserver.accesslog;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code webserver.access-log.*} settings.
 *
 * @param enabled whether requests are logged at all
 * @param format  combined or json
 * @param file    the file appended to, or empty for standard output
 * @param queue   entries waiting for the writer beyond which new ones are dropped (and counted)
 */
public record AccessLogSettings(boolean enabled, AccessLogFormat format, Optional<Path> file, int queue) {

    private static final String STDOUT = "stdout";

    /** Reads {@code webserver.access-log}; a file target's directory must exist. */
    public static AccessLogSettings from(Settings settings) {
        Settings log = settings.child("webserver").child("access-log");
        boolean enabled = log.bool("enabled");
        AccessLogFormat format = log.choice("format", AccessLogFormat.class);
        String target = log.string("target");
        int queue = log.integer("queue", 1, 10_000_000);
        if (target.equals(STDOUT)) {
            return new AccessLogSettings(enabled, format, Optional.empty(), queue);
        }
        try {
            Path file = Path.of(target).toAbsolutePath().normalize();
            if (!enabled || (file.getParent() != null && Files.isDirectory(file.getParent())
                    && !Files.isDirectory(file))) {
                return new AccessLogSettings(enabled, format, Optional.of(file), queue);
            }
        } catch (InvalidPathException e) {
            // reported below
        }
        throw InvalidConfigException.invalid(log.fullKey("target"), target,
                "stdout, or a file path whose directory exists");
    }
}
