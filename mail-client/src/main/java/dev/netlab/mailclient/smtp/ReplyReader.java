package dev.netlab.mailclient.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Reads SMTP replies from a byte stream (RFC 5321 sections 4.2 and 4.5.3.1.5): one or more lines
 * {@code code-text} ending with {@code code text} or a bare {@code code}. A line is at most 512 octets with its
 * CRLF; a whole reply must arrive before its stage's deadline, so a server that keeps sending continuation lines
 * cannot hold the client forever.
 */
public final class ReplyReader {

    /** RFC 5321 section 4.5.3.1.5: the maximum total length of a reply line including the reply code and CRLF. */
    public static final int MAX_LINE_OCTETS = 512;
    /** Bounds memory for a server that streams continuation lines faster than its deadline. */
    public static final int MAX_LINES = 1000;

    /**
     * Bounds each blocking read: armed with the time left for the reply just before the read, disarmed right after
     * it; when the time runs out it ends the read (by closing the connection) and then says so. The connection's
     * guard is a watchdog, not the socket's read timeout: a virtual thread blocked in a read with a timeout parks
     * with a timer, one timer task scheduled and cancelled per reply, which woke the pool's timer thread about
     * twice per message delivered (bench/RESULTS.md).
     */
    public interface ReadGuard {
        void arm(long nanos) throws IOException;

        void disarm();

        /** Whether the guard ended the latest read because its time ran out. */
        boolean expired();

        /** No bound at all (a stream that never blocks, in tests). */
        ReadGuard NONE = new ReadGuard() {
            @Override
            public void arm(long nanos) {
            }

            @Override
            public void disarm() {
            }

            @Override
            public boolean expired() {
                return false;
            }
        };
    }

    private final InputStream in;
    private final ReadGuard guard;
    private final LongSupplier nanoTime;
    private final byte[] buffer = new byte[4096];
    private final byte[] line = new byte[MAX_LINE_OCTETS];
    private int position;
    private int limit;
    /** When the reply being read must be complete by, once a read from the socket has started its clock. */
    private long deadline;
    private boolean deadlineSet;

    public ReplyReader(InputStream in, ReadGuard guard, LongSupplier nanoTime) {
        this.in = in;
        this.guard = guard;
        this.nanoTime = nanoTime;
    }

    /** Whether the server sent bytes that no reply has consumed yet (after STARTTLS that is an injection attempt). */
    public boolean hasBufferedBytes() {
        return position < limit;
    }

    /**
     * Reads one complete reply.
     *
     * @param timeout  how long the whole reply may take
     * @param enhanced whether to parse enhanced status codes (the server advertised ENHANCEDSTATUSCODES)
     * @throws SmtpTimeoutException  when the reply is not complete in time
     * @throws SmtpProtocolException when a line is malformed or too long, codes differ, or the server closes
     */
    public Reply read(Duration timeout, boolean enhanced) throws SmtpException {
        // The clock starts at the first read from the socket: a reply already buffered (the usual case in a
        // pipelined group) costs no clock reading, and nothing blocks before that read.
        deadlineSet = false;
        String text = null;
        List<String> texts = null;
        int code = -1;
        while (true) {
            String line = readLine(timeout);
            int lineCode = parseCode(line);
            if (code >= 0 && lineCode != code) {
                throw new SmtpProtocolException("reply lines with different codes: " + code + " and " + lineCode);
            }
            code = lineCode;
            boolean last = line.length() == 3 || line.charAt(3) == ' ';
            String lineText = line.length() <= 4 ? "" : line.substring(4);
            // Most replies are one line: no list until a second line arrives.
            if (text == null) {
                text = lineText;
            } else {
                if (texts == null) {
                    texts = new ArrayList<>();
                    texts.add(text);
                }
                texts.add(lineText);
            }
            if (last) {
                break;
            }
            if (texts != null && texts.size() >= MAX_LINES) {
                throw new SmtpProtocolException("reply longer than " + MAX_LINES + " lines");
            }
        }
        return new Reply(code, enhanced ? enhancedCode(code, text) : Optional.empty(),
                texts == null ? List.of(text) : texts);
    }

    private static int parseCode(String line) throws SmtpProtocolException {
        if (line.length() < 3 || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
            throw new SmtpProtocolException("malformed reply line: " + printable(line));
        }
        char a = line.charAt(0);
        char b = line.charAt(1);
        char c = line.charAt(2);
        if (a < '2' || a > '5' || b < '0' || b > '5' || c < '0' || c > '9') {
            throw new SmtpProtocolException("malformed reply code: " + printable(line));
        }
        return (a - '0') * 100 + (b - '0') * 10 + (c - '0');
    }

    /**
     * The enhanced status code (RFC 3463) at the start of {@code text}: class.subject.detail, the class 2, 4 or 5
     * agreeing with the reply code (RFC 3463 section 2), each number of one to three digits, then a space or the
     * end; otherwise it is just text.
     */
    static Optional<String> enhancedCode(int code, String text) {
        int kind = code / 100;
        if (kind == 3 || text.length() < 5 || text.charAt(0) - '0' != kind || text.charAt(1) != '.') {
            return Optional.empty();
        }
        int subjectEnd = digits(text, 2);
        if (subjectEnd < 0 || subjectEnd >= text.length() || text.charAt(subjectEnd) != '.') {
            return Optional.empty();
        }
        int detailEnd = digits(text, subjectEnd + 1);
        if (detailEnd < 0 || (detailEnd < text.length() && text.charAt(detailEnd) != ' ')) {
            return Optional.empty();
        }
        return Optional.of(text.substring(0, detailEnd));
    }

    /** The index after one to three ASCII digits starting at {@code from}, or -1 when there are none or more. */
    private static int digits(String text, int from) {
        int i = from;
        while (i < text.length() && i - from < 4 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        int count = i - from;
        return count >= 1 && count <= 3 ? i : -1;
    }

    private String readLine(Duration timeout) throws SmtpException {
        int length = 0;
        while (true) {
            if (position == limit) {
                fill(timeout);
            }
            byte b = buffer[position++];
            if (b == '\n') {
                int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                // Servers may send UTF-8 text (RFC 6531); anything else is shown, not trusted.
                return new String(line, 0, end, StandardCharsets.UTF_8);
            }
            // The limit counts CRLF: 510 octets of content at most (and a CR that ends it).
            if (length == MAX_LINE_OCTETS - 1) {
                throw new SmtpProtocolException("reply line longer than " + MAX_LINE_OCTETS + " octets");
            }
            line[length++] = b;
        }
    }

    private void fill(Duration timeout) throws SmtpException {
        long now = nanoTime.getAsLong();
        if (!deadlineSet) {
            deadline = now + timeout.toNanos();
            deadlineSet = true;
        }
        long remaining = deadline - now;
        if (remaining <= 0) {
            throw new SmtpTimeoutException("waiting for a complete reply", timeout);
        }
        if (Thread.currentThread().isVirtual()) {
            // The reply to what was just written is rarely there yet: letting the carrier's other virtual threads
            // run first usually gives it time to arrive, so the read finds it instead of parking on the poller
            // (a read that finds nothing, a poller registration, a wake-up). A few delivery workers yield once per
            // reply, so the carrier's queue still empties (unlike a yield on every connection of a server).
            Thread.yield();
        }
        int n;
        try {
            guard.arm(remaining);
            try {
                n = in.read(buffer, 0, buffer.length);
            } finally {
                guard.disarm();
            }
        } catch (SocketTimeoutException e) {
            throw new SmtpTimeoutException("waiting for a complete reply", timeout);
        } catch (IOException e) {
            if (guard.expired()) {
                throw new SmtpTimeoutException("waiting for a complete reply", timeout);
            }
            throw new SmtpException("connection lost: " + e.getMessage(), e);
        }
        if (n < 0) {
            if (guard.expired()) {
                throw new SmtpTimeoutException("waiting for a complete reply", timeout);
            }
            throw new SmtpProtocolException("connection closed by the server");
        }
        position = 0;
        limit = n;
    }

    /** A reply line as safe to show: control characters escaped, bounded length. */
    static String printable(String line) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < line.length() && out.length() < 80; i++) {
            char ch = line.charAt(i);
            out.append(ch < 0x20 || ch == 0x7f ? String.format("\\x%02x", (int) ch) : String.valueOf(ch));
        }
        return out.toString();
    }
}
