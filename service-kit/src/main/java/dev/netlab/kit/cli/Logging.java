package dev.netlab.kit.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/**
 * One-line log records on standard error, and Helidon's start-up chatter kept to warnings, so that standard output
 * carries only the start line. {@code -Djava.util.logging.config.file=...} replaces this.
 */
final class Logging {

    private static final String DEFAULTS = """
            handlers=java.util.logging.ConsoleHandler
            .level=INFO
            java.util.logging.ConsoleHandler.level=ALL
            java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter
            java.util.logging.SimpleFormatter.format=%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n
            io.helidon.level=WARNING
            """;

    private Logging() {
    }

    static void configure() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        try {
            LogManager.getLogManager().readConfiguration(
                    new ByteArrayInputStream(DEFAULTS.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot configure logging", e);
        }
    }
}
