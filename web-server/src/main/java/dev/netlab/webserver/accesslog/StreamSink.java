package dev.netlab.webserver.accesslog;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Lines written to an output stream: standard output (left open) or a file opened for appending. */
final class StreamSink implements AccessLogSink {

    private final OutputStream out;
    private final boolean closes;

    private StreamSink(OutputStream out, boolean closes) {
        this.out = out;
        this.closes = closes;
    }

    /** Standard output, past System.out's lock and buffer (each batch of lines is one write). */
    static StreamSink standardOutput() {
        return new StreamSink(new FileOutputStream(FileDescriptor.out), false);
    }

    /** {@code file}, created when absent, appended to. */
    static StreamSink file(Path file) throws IOException {
        return new StreamSink(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE), true);
    }

    @Override
    public void write(byte[] lines, int length) throws IOException {
        out.write(lines, 0, length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closes) {
            out.close();
        }
    }
}
