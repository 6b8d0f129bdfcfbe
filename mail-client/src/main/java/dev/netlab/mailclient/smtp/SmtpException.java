package dev.netlab.mailclient.smtp;

import java.io.IOException;

/** A failure talking SMTP: the peer broke the protocol, a stage timed out, or the connection went away. */
public class SmtpException extends IOException {

    public SmtpException(String message) {
        super(message);
    }

    public SmtpException(String message, Throwable cause) {
        super(message, cause);
    }
}
