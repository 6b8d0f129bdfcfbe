package dev.netlab.mailclient.smtp;

import java.util.List;
import java.util.Objects;

/**
 * A message ready for SMTP: the envelope and the RFC 5322 content (line ends are normalised when sent).
 *
 * @param sender     the envelope sender, MAIL FROM (may be empty for a bounce: {@code <>})
 * @param recipients envelope recipients, RCPT TO (To, Cc and Bcc alike)
 * @param content    the message, headers and body
 */
public record OutgoingMessage(String sender, List<String> recipients, byte[] content) {

    public OutgoingMessage {
        Objects.requireNonNull(sender, "sender");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one recipient");
        }
        for (String address : recipients) {
            checkEnvelopeAddress(address);
        }
        checkEnvelopeAddress(sender);
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** Whether an envelope address is not ASCII, so the transaction needs SMTPUTF8 (RFC 6531). */
    public boolean needsSmtpUtf8() {
        if (!isAscii(sender)) {
            return true;
        }
        for (String recipient : recipients) {
            if (!isAscii(recipient)) {
                return true;
            }
        }
        return false;
    }

    /** The content's length in bytes, without a copy. */
    public int contentLength() {
        return content.length;
    }

    /** The content without a copy, for the engine, which only reads it. */
    byte[] contentForSending() {
        return content;
    }

    /** Whether the content has octets over 127, so it needs 8BITMIME (RFC 6152). */
    public boolean needsEightBit() {
        for (byte b : content) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** CR, LF, NUL or angle brackets in an address would let it smuggle a command onto the wire. */
    private static void checkEnvelopeAddress(String address) {
        for (int i = 0; i < address.length(); i++) {
            char ch = address.charAt(i);
            if (ch == '\r' || ch == '\n' || ch == 0 || ch == '<' || ch == '>' || (ch < 0x20 && ch != '\t')) {
                throw new IllegalArgumentException("envelope address contains a forbidden character: "
                        + ReplyReader.printable(address));
            }
        }
        if (address.indexOf(' ') >= 0 || address.indexOf('\t') >= 0) {
            throw new IllegalArgumentException("envelope address contains a space: " + ReplyReader.printable(address));
        }
    }
}
