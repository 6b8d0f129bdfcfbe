package dev.netlab.mailclient.smtp;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How long each stage of a session may take. The defaults are RFC 5321 section 4.5.3.2's: 5 minutes for the
 * greeting, MAIL and RCPT, 2 for the DATA command, 3 for each block of data, 10 after the final dot. The RFC names
 * no value for connecting, TLS and the other commands: 1 minute to connect or finish a TLS handshake, 5 minutes for
 * EHLO, STARTTLS, AUTH, RSET and QUIT.
 */
public record Timeouts(Map<Stage, Duration> values) {

    /** The timed stages, in the order a session meets them. */
    public enum Stage {
        CONNECT("connect", Duration.ofMinutes(1)),
        GREETING("greeting", Duration.ofMinutes(5)),
        COMMAND("command", Duration.ofMinutes(5)),
        TLS("tls", Duration.ofMinutes(1)),
        MAIL("mail", Duration.ofMinutes(5)),
        RCPT("rcpt", Duration.ofMinutes(5)),
        DATA_INIT("data-init", Duration.ofMinutes(2)),
        DATA_BLOCK("data-block", Duration.ofMinutes(3)),
        DATA_END("data-end", Duration.ofMinutes(10));

        private final String spelling;
        private final Duration rfcDefault;

        Stage(String spelling, Duration rfcDefault) {
            this.spelling = spelling;
            this.rfcDefault = rfcDefault;
        }

        /** The name used on the command line and in configuration: {@code data-end}. */
        public String spelling() {
            return spelling;
        }

        public Duration rfcDefault() {
            return rfcDefault;
        }

        /** The stage named {@code name} ({@code data-end}), or an exception listing the names. */
        public static Stage named(String name) {
            for (Stage stage : values()) {
                if (stage.spelling.equals(name)) {
                    return stage;
                }
            }
            throw new IllegalArgumentException("unknown timeout stage '" + name + "' (one of connect, greeting,"
                    + " command, tls, mail, rcpt, data-init, data-block, data-end)");
        }
    }

    public Timeouts {
        EnumMap<Stage, Duration> copy = new EnumMap<>(Stage.class);
        for (Stage stage : Stage.values()) {
            Duration value = Objects.requireNonNull(values.get(stage), () -> "no timeout for " + stage);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("timeout for " + stage.spelling() + " must be positive: " + value);
            }
            copy.put(stage, value);
        }
        values = Map.copyOf(copy);
    }

    public static Timeouts rfcDefaults() {
        EnumMap<Stage, Duration> values = new EnumMap<>(Stage.class);
        for (Stage stage : Stage.values()) {
            values.put(stage, stage.rfcDefault());
        }
        return new Timeouts(values);
    }

    /** Every stage with the same timeout. */
    public static Timeouts all(Duration timeout) {
        EnumMap<Stage, Duration> values = new EnumMap<>(Stage.class);
        for (Stage stage : Stage.values()) {
            values.put(stage, timeout);
        }
        return new Timeouts(values);
    }

    public Timeouts with(Stage stage, Duration timeout) {
        EnumMap<Stage, Duration> copy = new EnumMap<>(values);
        copy.put(stage, timeout);
        return new Timeouts(copy);
    }

    public Duration of(Stage stage) {
        return values.get(stage);
    }
}
