package dev.netlab.kit.config;

/**
 * A configuration value that cannot be used. The message names the key, the value and what is allowed, and is
 * printed as the one line a service writes to standard error before it exits with code 2.
 */
public final class InvalidConfigException extends RuntimeException {

    private InvalidConfigException(String message) {
        super(message, null, false, false);
    }

    /** A value that is present but not allowed. */
    public static InvalidConfigException invalid(String key, String value, String allowed) {
        return new InvalidConfigException("invalid configuration: " + key + " = '" + value + "': " + allowed);
    }

    /** A key that must be set and is not. */
    public static InvalidConfigException missing(String key, String allowed) {
        return new InvalidConfigException("invalid configuration: " + key + " is not set: " + allowed);
    }

    /** A whole source (a file) that cannot be read or parsed. */
    public static InvalidConfigException unreadable(String source, String reason) {
        return new InvalidConfigException("invalid configuration: " + source + ": " + reason);
    }
}
