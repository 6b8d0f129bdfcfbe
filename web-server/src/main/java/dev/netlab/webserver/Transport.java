package dev.netlab.webserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.channels.WritableByteChannel;

/** The byte stream under one connection: plain TCP, or TLS over it. The exchange logic is the same on both. */
interface Transport {

    /**
     * Makes the connection ready for its first request (TLS: the handshake, cut at {@code deadline}).
     *
     * @param deadline System.nanoTime by which it must be ready
     * @return the socket to read requests from, whose timeouts bound each read
     * @throws java.net.SocketTimeoutException when the deadline passed first
     */
    Socket open(long deadline) throws IOException;

    /** Where answers are written; files go out through it (sendfile only when it is a plain socket channel). */
    WritableByteChannel output();

    /** Whether answers are best assembled in direct buffers (a socket channel) rather than arrays (a TLS stream). */
    boolean directOutput();

    /** Ends the server's side of the stream (TLS: close_notify first) while the client may still send. */
    void shutdownOutput() throws IOException;

    /**
     * Ends the stream before the socket is closed after a last answer with nothing more from the client: TLS sends
     * close_notify; plain TCP sends nothing, the close that follows sends the FIN (no shutdown call of its own).
     */
    default void endBeforeClose() throws IOException {
        shutdownOutput();
    }

    /**
     * Whether a wait for the first bytes can park without a timer, read what has arrived with {@link #readNow} and be
     * ended from another thread with {@link #endWait} (plain TCP; TLS keeps its timed reads).
     */
    default boolean waitsUntimed() {
        return false;
    }

    /**
     * Reads what has arrived without waiting (only where {@link #waitsUntimed}).
     *
     * @return bytes read, 0 when nothing has arrived, -1 at the end of the stream
     */
    default int readNow(byte[] buffer, int offset, int length) throws IOException {
        throw new UnsupportedOperationException("no read without waiting on this transport");
    }

    /**
     * Ends a read that waits from another thread (only where {@link #waitsUntimed}): it returns the end of the
     * stream, and the output stays open for an answer.
     */
    default void endWait() throws IOException {
        throw new UnsupportedOperationException("no ending a wait on this transport");
    }

    /** Closes the socket at once: a blocked read or write (of any thread) fails. */
    void abort();

    /** The client's address, for the access log. */
    InetAddress remoteAddress();
}
