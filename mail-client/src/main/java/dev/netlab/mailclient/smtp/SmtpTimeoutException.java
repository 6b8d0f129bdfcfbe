package dev.netlab.mailclient.smtp;

import java.time.Duration;

/** A stage did not finish within its timeout (RFC 5321 section 4.5.3.2). */
public final class SmtpTimeoutException extends SmtpException {

    public SmtpTimeoutException(String what, Duration timeout) {
        super(what + " timed out after " + HumanDuration.of(timeout));
    }
}
