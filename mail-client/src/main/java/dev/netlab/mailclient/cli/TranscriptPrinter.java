package dev.netlab.mailclient.cli;

import dev.netlab.kit.text.TerminalText;
import dev.netlab.mailclient.smtp.SmtpObserver;
import dev.netlab.mailclient.smtp.TranscriptLine;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Prints a session the way swaks does: {@code -> } what we send, {@code <- } what the server says, {@code ~> } and
 * {@code <~ } once TLS is active, {@code === } notes on standard output; {@code *** } errors and warnings on standard
 * error. The message data is summarised unless asked for; secrets arrive already redacted. Every line is escaped
 * ({@link TerminalText}): replies, notes and errors carry the server's text.
 */
final class TranscriptPrinter implements SmtpObserver {

    private final PrintStream out;
    private final PrintStream err;
    private final boolean quiet;
    private final boolean showBody;

    TranscriptPrinter(PrintStream out, PrintStream err, boolean quiet, boolean showBody) {
        this.out = out;
        this.err = err;
        this.quiet = quiet;
        this.showBody = showBody;
    }

    @Override
    public void sent(String line, boolean tls) {
        print(TranscriptLine.sent(line, tls));
    }

    @Override
    public void received(String line, boolean tls) {
        print(TranscriptLine.received(line, tls));
    }

    @Override
    public void note(String text) {
        print(TranscriptLine.note(text));
    }

    @Override
    public void warning(String text) {
        // Warnings go to standard error so that they show with -q and do not mix with --dry-run's message.
        error("WARNING: " + text);
    }

    /** An error: on standard error, printed even with -q. */
    void error(String text) {
        out.flush();
        err.println("*** " + TerminalText.escape(text));
        err.flush();
    }

    @Override
    public void messageData(byte[] encoded, int lines, boolean tls) {
        if (!showBody) {
            print(TranscriptLine.sent("<" + lines + " lines, " + (encoded.length - 3) + " octets of message data;"
                    + " --show-body prints them>", tls));
            print(TranscriptLine.sent(".", tls));
            return;
        }
        // The data ends with CRLF, so the last element of the split is empty.
        String[] split = new String(encoded, StandardCharsets.UTF_8).split("\r\n", -1);
        for (int i = 0; i < split.length - 1; i++) {
            print(TranscriptLine.sent(split[i], tls));
        }
    }

    private void print(String line) {
        if (!quiet) {
            out.println(TerminalText.escape(line));
            out.flush();
        }
    }
}
