package dev.netlab.mailclient.smtp;

import java.util.Arrays;
import java.util.Objects;

/**
 * A user name and its secret (password, app password or OAuth2 access token). The secret never shows in
 * {@code toString}, transcripts or exceptions.
 */
public final class Credentials {

    private final String user;
    private final char[] secret;

    private Credentials(String user, char[] secret) {
        this.user = user;
        this.secret = secret;
    }

    public static Credentials of(String user, char[] secret) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(secret, "secret");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("user name is empty");
        }
        return new Credentials(user, secret.clone());
    }

    public String user() {
        return user;
    }

    /** The secret; callers encode it straight onto the wire and keep no copy. */
    char[] secret() {
        return secret.clone();
    }

    /** Overwrites the secret in memory once the session is done with it. */
    public void wipe() {
        Arrays.fill(secret, '\0');
    }

    @Override
    public String toString() {
        return "Credentials[user=" + user + ", secret=<redacted>]";
    }
}
