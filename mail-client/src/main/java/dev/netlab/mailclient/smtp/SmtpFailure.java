package dev.netlab.mailclient.smtp;

import java.util.Optional;

/**
 * A session could not be set up: no connection, greeting or EHLO/HELO refused, no TLS, no authentication. Its
 * message names the stage and, when the server replied, the reply; it never holds a secret.
 */
public final class SmtpFailure extends Exception {

    private final Stage stage;
    private final transient Optional<Reply> reply;
    private final boolean isTransient;

    public SmtpFailure(Stage stage, String message, Optional<Reply> reply, boolean isTransient, Throwable cause) {
        super(message, cause);
        this.stage = stage;
        this.reply = reply;
        this.isTransient = isTransient;
    }

    static SmtpFailure refused(Stage stage, String what, Reply reply) {
        return new SmtpFailure(stage, what + ": " + reply, Optional.of(reply), reply.isTransient(), null);
    }

    public Stage stage() {
        return stage;
    }

    public Optional<Reply> reply() {
        return reply;
    }

    /** Whether trying again later may succeed. */
    public boolean isTransient() {
        return isTransient;
    }
}
