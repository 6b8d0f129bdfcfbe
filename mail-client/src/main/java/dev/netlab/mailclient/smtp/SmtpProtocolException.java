package dev.netlab.mailclient.smtp;

/** The server sent something that is not SMTP: a malformed or over-long reply line, mixed codes, an early close. */
public final class SmtpProtocolException extends SmtpException {

    public SmtpProtocolException(String message) {
        super(message);
    }
}
