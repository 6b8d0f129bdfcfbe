package dev.netlab.mailclient.smtp;

import java.util.List;

/**
 * Sees a session as it happens: the transcript printer, metrics. Lines that carry secrets arrive already redacted.
 * Every method has a no-op default, so an observer implements only what it needs.
 */
public interface SmtpObserver {

    /** A line we sent (without CRLF); {@code tls} when it went through TLS. */
    default void sent(String line, boolean tls) {
    }

    /** A reply line the server sent (without CRLF). */
    default void received(String line, boolean tls) {
    }

    /** A complete reply to {@code command}. */
    default void reply(SmtpCommand command, Reply reply) {
    }

    /** Something worth knowing: connected, TLS established, peer verified. */
    default void note(String text) {
    }

    /** Something the user must see even in quiet mode: verification turned off. */
    default void warning(String text) {
    }

    /** The message data went out: {@code encoded} as sent (dot-stuffed, CRLF, final dot), {@code lines} lines. */
    default void messageData(byte[] encoded, int lines, boolean tls) {
    }

    static SmtpObserver none() {
        return new SmtpObserver() {
        };
    }

    /** Tells every observer in order. */
    static SmtpObserver all(List<SmtpObserver> observers) {
        List<SmtpObserver> copy = List.copyOf(observers);
        return new SmtpObserver() {
            @Override
            public void sent(String line, boolean tls) {
                copy.forEach(o -> o.sent(line, tls));
            }

            @Override
            public void received(String line, boolean tls) {
                copy.forEach(o -> o.received(line, tls));
            }

            @Override
            public void reply(SmtpCommand command, Reply reply) {
                copy.forEach(o -> o.reply(command, reply));
            }

            @Override
            public void note(String text) {
                copy.forEach(o -> o.note(text));
            }

            @Override
            public void warning(String text) {
                copy.forEach(o -> o.warning(text));
            }

            @Override
            public void messageData(byte[] encoded, int lines, boolean tls) {
                copy.forEach(o -> o.messageData(encoded, lines, tls));
            }
        };
    }
}
