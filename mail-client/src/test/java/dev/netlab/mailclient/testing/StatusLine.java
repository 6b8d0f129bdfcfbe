package dev.netlab.mailclient.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The first line of an HTTP answer read byte by byte from a raw socket, for tests that write requests by hand. */
public final class StatusLine {

    private StatusLine() {
    }

    /** The line up to the next LF (without it or a CR before it); what came before the end when the peer closes. */
    public static String read(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).strip();
    }
}
