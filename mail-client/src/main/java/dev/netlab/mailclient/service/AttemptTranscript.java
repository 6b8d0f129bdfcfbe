package dev.netlab.mailclient.service;

import dev.netlab.mailclient.smtp.Reply;
import dev.netlab.mailclient.smtp.SmtpCommand;
import dev.netlab.mailclient.smtp.SmtpObserver;
import dev.netlab.mailclient.smtp.TranscriptLine;
import java.util.ArrayList;
import java.util.List;

/**
 * Records the dialogue of the current delivery attempt the way {@code send} prints it ({@code ->}, {@code <-},
 * {@code ~>}, {@code <~}, {@code ===}), split per message of a pipelined batch: a worker starts a fresh one per batch.
 * Lines before the first transaction (connecting, EHLO) belong to the batch's first message; a transaction's lines
 * begin at its RSET or MAIL, the commands it sent and the replies it read counted apart because a pipelined batch
 * writes the next message's commands before reading the previous message's last reply. Secrets arrive redacted; the
 * message data shows as a summary. Bounded per message, so a chatty server cannot fill the outbox.
 */
final class AttemptTranscript implements SmtpObserver {

    private static final int MAX_LINES = 200;

    private final List<List<String>> transactions = new ArrayList<>();
    private final List<String> setup = new ArrayList<>();
    private final List<String> unreadReply = new ArrayList<>();
    private int sending = -1;
    private int reading = -1;
    private boolean sendingReset;
    private boolean readingReset;

    /** Starts the next batch's transcript. */
    void restart() {
        transactions.clear();
        setup.clear();
        unreadReply.clear();
        sending = -1;
        reading = -1;
        sendingReset = false;
        readingReset = false;
    }

    /**
     * The lines of the {@code n}th transaction that went on the wire in this batch (counting from 0), the setup
     * lines first for the first one; only the setup lines when the batch ended before it.
     */
    List<String> lines(int n) {
        List<String> lines = new ArrayList<>(n == 0 || n >= transactions.size() ? setup : List.of());
        if (n < transactions.size()) {
            lines.addAll(transactions.get(n));
        }
        return bounded(lines);
    }

    /** Every line so far (for the attempt that failed before its first transaction). */
    List<String> lines() {
        return lines(0);
    }

    private static List<String> bounded(List<String> lines) {
        if (lines.size() <= MAX_LINES) {
            return List.copyOf(lines);
        }
        List<String> cut = new ArrayList<>(lines.subList(0, MAX_LINES));
        cut.add("=== (transcript cut at " + MAX_LINES + " lines)");
        return List.copyOf(cut);
    }

    private List<String> segment(int index) {
        if (index < 0) {
            return setup;
        }
        while (transactions.size() <= index) {
            transactions.add(new ArrayList<>());
        }
        return transactions.get(index);
    }

    private void add(List<String> segment, String line) {
        if (segment.size() <= MAX_LINES) {
            segment.add(line);
        }
    }

    @Override
    public void sent(String line, boolean tls) {
        boolean reset = line.equals("RSET");
        boolean mail = line.regionMatches(true, 0, "MAIL FROM:", 0, 10);
        if (reset || (mail && !sendingReset)) {
            sending++;
        }
        sendingReset = reset;
        add(segment(sending), TranscriptLine.sent(line, tls));
    }

    @Override
    public void received(String line, boolean tls) {
        unreadReply.add(TranscriptLine.received(line, tls));
    }

    @Override
    public void reply(SmtpCommand command, Reply reply) {
        boolean reset = command == SmtpCommand.RSET;
        if (reset || (command == SmtpCommand.MAIL && !readingReset)) {
            reading++;
        }
        readingReset = reset;
        List<String> segment = segment(reading);
        unreadReply.forEach(line -> add(segment, line));
        unreadReply.clear();
    }

    @Override
    public void note(String text) {
        add(segment(Math.max(sending, reading)), TranscriptLine.note(text));
    }

    @Override
    public void warning(String text) {
        add(segment(Math.max(sending, reading)), "*** WARNING: " + text);
    }

    @Override
    public void messageData(byte[] encoded, int lines, boolean tls) {
        String summary = "<" + lines + " lines, " + encoded.length + " octets of message data>";
        add(segment(sending), TranscriptLine.sent(summary, tls));
    }
}
