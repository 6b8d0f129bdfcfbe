package dev.netlab.mailclient.smtp;

/**
 * The prefixes of a transcript line, as swaks writes them: {@code -> } sent, {@code <- } received, {@code ~> } and
 * {@code <~ } once TLS is active, {@code === } a note. One home, so {@code send} and the service's stored
 * transcripts read alike.
 */
public final class TranscriptLine {

    private TranscriptLine() {
    }

    /** A line we sent. */
    public static String sent(String line, boolean tls) {
        return (tls ? " ~> " : " -> ") + line;
    }

    /** A line the server sent. */
    public static String received(String line, boolean tls) {
        return (tls ? "<~  " : "<-  ") + line;
    }

    /** A note of ours. */
    public static String note(String text) {
        return "=== " + text;
    }
}
