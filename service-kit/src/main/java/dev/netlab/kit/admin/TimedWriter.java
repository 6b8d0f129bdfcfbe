package dev.netlab.kit.admin;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * Helidon's writer for one admin connection, each write timed by the connection's {@link ConnectionDeadline}. Helidon
 * 4.2 writes answers with blocking socket writes and no timeout, so a client that sends requests and stops reading
 * the answers (a large {@code /metrics} or listing fills the socket's buffers) would hold a connection slot, and the
 * thread writing to it, for ever. The admin socket's writer writes on the caller's thread (no write queue), so the
 * time a write call takes is the time the client takes to accept its bytes.
 */
final class TimedWriter implements DataWriter {

    private final DataWriter helidon;
    private final ConnectionDeadline deadline;

    TimedWriter(DataWriter helidon, ConnectionDeadline deadline) {
        this.helidon = helidon;
        this.deadline = deadline;
    }

    @Override
    public void write(BufferData... buffers) {
        timed(bytes(buffers), () -> helidon.write(buffers));
    }

    @Override
    public void write(BufferData buffer) {
        timed(buffer.available(), () -> helidon.write(buffer));
    }

    @Override
    public void writeNow(BufferData... buffers) {
        timed(bytes(buffers), () -> helidon.writeNow(buffers));
    }

    @Override
    public void writeNow(BufferData buffer) {
        timed(buffer.available(), () -> helidon.writeNow(buffer));
    }

    private void timed(long bytes, Runnable write) {
        deadline.writing(bytes);
        boolean failed = true;
        try {
            write.run();
            failed = false;
        } finally {
            deadline.written(failed);
        }
    }

    private static long bytes(BufferData... buffers) {
        long bytes = 0;
        for (BufferData buffer : buffers) {
            bytes += buffer.available();
        }
        return bytes;
    }
}
