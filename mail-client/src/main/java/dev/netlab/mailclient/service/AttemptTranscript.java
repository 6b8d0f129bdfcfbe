package dev.netlab.mailclient.service;

import dev.netlab.mailclient.smtp.SmtpObserver;
import dev.netlab.mailclient.smtp.TranscriptLine;
import java.util.ArrayList;
import java.util.List;

/**
 * Records the dialogue of the current delivery attempt the way {@code send} prints it ({@code ->}, {@code <-},
 * {@code ~>}, {@code <~}, {@code ===}); a worker starts a fresh one per message. Secrets arrive redacted; the
 * message data shows as a summary. Bounded, so a chatty server cannot fill the outbox.
 */
final class AttemptTranscript implements SmtpObserver {

    private static final int MAX_LINES = 200;

    private List<String> lines = new ArrayList<>();

    /** Starts the next attempt's transcript. */
    void restart() {
        lines = new ArrayList<>();
    }

    /** The lines so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    private void add(String line) {
        if (lines.size() < MAX_LINES) {
            lines.add(line);
        } else if (lines.size() == MAX_LINES) {
            lines.add("=== (transcript cut at " + MAX_LINES + " lines)");
        }
    }

    @Override
    public void sent(String line, boolean tls) {
        add(TranscriptLine.sent(line, tls));
    }

    @Override
    public void received(String line, boolean tls) {
        add(TranscriptLine.received(line, tls));
    }

    @Override
    public void note(String text) {
        add(TranscriptLine.note(text));
    }

    @Override
    public void warning(String text) {
        add("*** WARNING: " + text);
    }

    @Override
    public void messageData(byte[] encoded, int lines, boolean tls) {
        add(TranscriptLine.sent("<" + lines + " lines, " + encoded.length + " octets of message data>", tls));
    }
}
