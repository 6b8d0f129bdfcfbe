package dev.netlab.kit.config;

/**
 * A configuration value that cannot be used. The message names the key, the value and what is allowed, and is
 * printed as the one line a service writes to standard error before it exits with code 2.
 */
public final class InvalidConfigException extends RuntimeException {

    private static final String PREFIX = "invalid configuration: ";

    private final String subject;
    private final String reason;
    private final String key;

    private InvalidConfigException(String subject, String origin, String reason, String key) {
        super(PREFIX + subject + (origin.isEmpty() ? "" : " (" + origin + ")") + ": " + reason, null, false, false);
        this.subject = subject;
        this.reason = reason;
        this.key = key;
    }

    /** A value that is present but not allowed. */
    public static InvalidConfigException invalid(String key, String value, String allowed) {
        return new InvalidConfigException(key + " = '" + value + "'", "", allowed, key);
    }

    /** A value, shown as {@code shown} (a quoted text, a map or a list), that came from {@code origin}. */
    static InvalidConfigException invalidFrom(String key, String shown, String origin, String allowed) {
        return new InvalidConfigException(key + " = " + shown, origin, allowed, "");
    }

    /** A key that no service setting has: {@code closest} is the known key it most resembles. */
    static InvalidConfigException unknownKey(String key, String origin, String closest) {
        return new InvalidConfigException("unknown key " + key, origin, "did you mean " + closest + "?", "");
    }

    /** A key that must be set and is not. */
    public static InvalidConfigException missing(String key, String allowed) {
        return new InvalidConfigException(key + " is not set", "", allowed, "");
    }

    /** A whole source (a file) that cannot be read or parsed. */
    public static InvalidConfigException unreadable(String source, String reason) {
        return new InvalidConfigException(source, "", reason, "");
    }

    /** The key whose value was refused, or empty when the message is about something else. */
    String key() {
        return key;
    }

    /** The same error, saying where its value came from ({@code from environment variable ADMIN_PORT}). */
    InvalidConfigException from(String origin) {
        return new InvalidConfigException(subject, origin, reason, key);
    }
}
