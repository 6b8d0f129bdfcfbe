package dev.netlab.webserver.accesslog;

import java.io.IOException;

/** Where formatted lines go: standard output or a file. Called from the access log's writer thread only. */
public interface AccessLogSink extends AutoCloseable {

    /** Writes a batch of whole lines; may block (a slow disk blocks only the writer thread). */
    void write(byte[] lines, int length) throws IOException;

    /** Pushes what was written to the operating system. */
    void flush() throws IOException;

    @Override
    void close() throws IOException;
}
