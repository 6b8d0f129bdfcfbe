package dev.netlab.mailclient.message;

import jakarta.mail.internet.InternetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The commonest message, written directly: one 7bit {@code text/plain} part, bare ASCII addresses and an ASCII
 * subject that all fit on their header lines, no extra headers. The bytes are the ones Jakarta Mail writes for the
 * same message (its header order and layout; {@code MessageBuilderTest} compares the two over random messages), without
 * its per-message work: a header table, a data handler and its content-handler lookup, a stream provider found by
 * reflection per part. Anything else (folding, encoded words, several parts) is left to Jakarta Mail.
 */
final class PlainTextMessage {

    // Jakarta Mail folds a header line longer than this; a message that needs folding is not written here.
    private static final int LINE = 76;

    private PlainTextMessage() {
    }

    /** Whether this message is one {@link #write} writes exactly as Jakarta Mail would. */
    static boolean fits(MessageSpec spec, InternetAddress from, List<InternetAddress> to, List<InternetAddress> cc) {
        return spec.html().isEmpty() && spec.attachments().isEmpty() && spec.inline().isEmpty()
                && spec.headers().isEmpty() && MessageBuilder.isSevenBit(spec.text())
                && fitsLine("Subject", spec.subject()) && subjectKeptAsIs(spec.subject())
                && addressLineFits("From", List.of(from)) && addressLineFits("To", to) && addressLineFits("Cc", cc);
    }

    /** The message's bytes: headers in Jakarta Mail's order, CRLF after each, a blank line, the text as it is. */
    static byte[] write(String date, InternetAddress from, List<InternetAddress> to, List<InternetAddress> cc,
                        String messageId, String subject, String text) {
        StringBuilder head = new StringBuilder(256 + 32 * (to.size() + cc.size()));
        head.append("Date: ").append(date).append("\r\n");
        head.append("From: ").append(from.getAddress()).append("\r\n");
        addressLine(head, "To", to);
        addressLine(head, "Cc", cc);
        head.append("Message-ID: ").append(messageId).append("\r\n");
        head.append("Subject: ").append(subject).append("\r\n");
        head.append("MIME-Version: 1.0\r\n");
        head.append("Content-Type: text/plain; charset=UTF-8\r\n");
        head.append("Content-Transfer-Encoding: 7bit\r\n\r\n");
        head.append(text);
        return head.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void addressLine(StringBuilder head, String name, List<InternetAddress> addresses) {
        if (addresses.isEmpty()) {
            return;
        }
        head.append(name).append(": ");
        for (int i = 0; i < addresses.size(); i++) {
            if (i > 0) {
                head.append(", ");
            }
            head.append(addresses.get(i).getAddress());
        }
        head.append("\r\n");
    }

    private static boolean addressLineFits(String name, List<InternetAddress> addresses) {
        int length = name.length() + 2;
        for (int i = 0; i < addresses.size(); i++) {
            InternetAddress address = addresses.get(i);
            if (address.getPersonal() != null || !isBare(address.getAddress())) {
                return false;
            }
            length += (i > 0 ? 2 : 0) + address.getAddress().length();
        }
        return length <= LINE;
    }

    // Letters, digits and . _ + - around one @: Jakarta Mail writes such an address as it is, never quoted.
    private static boolean isBare(String address) {
        int at = address.indexOf('@');
        if (at <= 0 || at != address.lastIndexOf('@') || at == address.length() - 1) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            char ch = address.charAt(i);
            boolean plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || ch == '.' || ch == '-' || (i < at && (ch == '_' || ch == '+'));
            if (!plain && i != at) {
                return false;
            }
        }
        return true;
    }

    private static boolean fitsLine(String name, String value) {
        return name.length() + 2 + value.length() <= LINE;
    }

    // Printable ASCII that Jakarta Mail neither encodes nor trims: no control character, no trailing blank.
    private static boolean subjectKeptAsIs(String subject) {
        for (int i = 0; i < subject.length(); i++) {
            char ch = subject.charAt(i);
            if (ch < 0x20 || ch > 0x7e) {
                return false;
            }
        }
        return subject.isEmpty() || subject.charAt(subject.length() - 1) != ' ';
    }
}
