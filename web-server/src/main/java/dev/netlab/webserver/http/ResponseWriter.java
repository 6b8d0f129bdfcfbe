package dev.netlab.webserver.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Writes responses on one connection. A small body goes out in the same write as the head (one system call), a
 * larger one in memory in a gathering write with it (still one); a file larger than the buffer, and a cached one whose
 * file the cache keeps open, go out with {@code FileChannel.transferTo}, which is sendfile(2) on Linux: no copy
 * through the heap, nor into fresh socket pages. Not thread-safe: one per connection.
 */
public final class ResponseWriter {

    private static final byte[] SERVER = "Server: netlab\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * A cached file sent with sendfile starts in the head's write with this much of itself: the head does not go out
     * in a segment of its own (no TCP_CORK from Java), for a copy of one page.
     */
    private static final int SENT_WITH_HEAD = 4096;
    /** sendfile(2) calls are cut into pieces of this size so that each piece restarts the send timeout. */
    private static final long TRANSFER_CHUNK = 256 * 1024;

    private final WritableByteChannel channel;
    private final ByteBuffer buffer;
    private final HttpDate date;
    private final Runnable beforeWrite;
    private final boolean sendfile;
    private long sent;

    /**
     * A writer on {@code channel}.
     *
     * @param beforeWrite called before each blocking write: the connection's send timeout starts there
     */
    public ResponseWriter(WritableByteChannel channel, int bufferSize, HttpDate date, Runnable beforeWrite) {
        this(channel, ByteBuffer.allocateDirect(bufferSize), date, beforeWrite);
    }

    /**
     * A writer on {@code channel} that assembles answers in {@code buffer} (lent from a pool while a request is
     * served: an idle connection holds none).
     */
    public ResponseWriter(WritableByteChannel channel, ByteBuffer buffer, HttpDate date, Runnable beforeWrite) {
        this.channel = channel;
        this.buffer = buffer;
        this.date = date;
        this.beforeWrite = beforeWrite;
        this.sendfile = channel instanceof SocketChannel;
    }

    /** A writer without a send timeout (short canned answers). */
    public ResponseWriter(WritableByteChannel channel, int bufferSize, HttpDate date) {
        this(channel, bufferSize, date, () -> { });
    }

    /**
     * Writes {@code response} and closes its body.
     *
     * @param headOnly    HEAD: the head with the body's length, no body
     * @param close       whether the server closes the connection after it ({@code Connection: close})
     * @param keepAliveV10 whether to confirm {@code Connection: keep-alive} (HTTP/1.0 clients need it)
     * @return bytes written, head included
     */
    public long write(Response response, boolean headOnly, boolean close, boolean keepAliveV10) throws IOException {
        sent = 0;
        try (Body body = response.body()) {
            buffer.clear();
            buffer.put(response.status().statusLine());
            buffer.put(date.nowField());
            buffer.put(SERVER);
            Headers headers = response.headers();
            byte[] encoded = headers.encoded();
            if (encoded != null && encoded.length <= buffer.remaining()) {
                // A cached file's fields, encoded once.
                buffer.put(encoded);
            } else {
                for (int i = 0; i < headers.size(); i++) {
                    header(headers.name(i), headers.value(i));
                }
            }
            if (response.status() != Status.NOT_MODIFIED) {
                // A 304 has no body, and a Content-Length there would have to be the 200's (RFC 9110 8.6).
                contentLength(body.length());
            }
            if (close) {
                buffer.put(CLOSE);
            } else if (keepAliveV10) {
                buffer.put(KEEP_ALIVE);
            }
            buffer.put((byte) '\r').put((byte) '\n');
            if (headOnly || body.length() == 0) {
                flush();
            } else {
                writeBody(body);
            }
            return sent;
        }
    }

    private void writeBody(Body body) throws IOException {
        append(body);
        flush();
    }

    /**
     * Puts {@code body} after what the buffer holds when it fits (one write for head and body); else sends the buffer
     * and then the body (a large file with sendfile).
     */
    private void append(Body body) throws IOException {
        switch (body) {
            case Body.Empty empty -> {
            }
            case Body.Bytes bytes -> append(bytes.data(), 0, bytes.data().length);
            case Body.Slice slice -> append(slice.data(), slice.offset(), slice.size());
            case Body.Shared shared when shared.file() != null && sendfile && shared.length() > SENT_WITH_HEAD -> {
                ByteBuffer view = shared.view();
                view.limit(view.position() + SENT_WITH_HEAD);
                if (view.remaining() > buffer.remaining()) {
                    flush();
                }
                buffer.put(view);
                flush();
                sendFrom(shared, SENT_WITH_HEAD);
            }
            case Body.Shared shared -> {
                ByteBuffer view = shared.view();
                if (view.remaining() <= buffer.remaining()) {
                    buffer.put(view);
                } else {
                    gather(view);
                }
            }
            case Body.FileRegion region -> {
                if (region.length() <= buffer.remaining()) {
                    readInto(region);
                } else {
                    flush();
                    transfer(region);
                }
            }
            case Body.Multipart multipart -> {
                for (Body part : multipart.parts()) {
                    append(part);
                }
            }
        }
    }

    private void append(byte[] data, int offset, int length) throws IOException {
        if (length <= buffer.remaining()) {
            buffer.put(data, offset, length);
        } else {
            gather(ByteBuffer.wrap(data, offset, length));
        }
    }

    /**
     * Sends what the buffer holds, then {@code body}: in one gathering write where the channel takes one (a socket:
     * one system call, and the head does not go out in a packet of its own), else one after the other.
     */
    private void gather(ByteBuffer body) throws IOException {
        buffer.flip();
        if (channel instanceof GatheringByteChannel gathering) {
            ByteBuffer[] pieces = {buffer, body};
            while (body.hasRemaining()) {
                beforeWrite.run();
                sent += gathering.write(pieces);
            }
        } else {
            writeFully(buffer);
            writeFully(body);
        }
        buffer.clear();
    }

    /**
     * The rest of a cached file from {@code position}: sendfile(2) from the file the cache keeps open, which passes
     * the kernel's page-cache pages to the socket. A copy from the buffer instead takes fresh socket pages per answer,
     * and when the client has not yet read the previous answers those pages come cold from the page allocator: at a
     * fixed 27,000 answers/s of 64 KiB that copy went from 6 to 26 µs per answer for seconds at a time, the server
     * fell behind and every connection waited up to a second (bench/RESULTS.md, "A 64 KiB stall below saturation").
     * Whenever sendfile sends nothing (a full send buffer: the socket is non-blocking underneath a virtual thread),
     * the cache closed the file meanwhile or every channel of the file is lent, a piece goes out from the buffer with
     * an ordinary write, which parks until the client reads and which the send timeout can cut.
     */
    private void sendFrom(Body.Shared shared, int position) throws IOException {
        KeptFile kept = shared.file();
        int end = (int) shared.length();
        while (position < end) {
            beforeWrite.run();
            long n = transferFrom(kept, position, end);
            if (n <= 0) {
                ByteBuffer piece = shared.view();
                piece.position(position).limit(Math.min(end, position + buffer.capacity()));
                n = channel.write(piece);
            }
            sent += n;
            position += (int) n;
        }
    }

    /**
     * One sendfile(2) of the kept file from {@code position} on a channel lent to this answer alone (see
     * {@link KeptFile}); 0 when every channel is lent, the cache has closed the file, or the socket is full.
     */
    private long transferFrom(KeptFile kept, int position, int end) throws IOException {
        int lent = kept.borrow();
        if (lent < 0) {
            return 0;
        }
        FileChannel file = kept.channel(lent);
        try {
            return file.isOpen() ? file.transferTo(position, end - position, channel) : 0;
        } catch (ClosedChannelException e) {
            if (file.isOpen()) {
                throw e;
            }
            return 0;
        } finally {
            kept.giveBack(lent);
        }
    }

    /** Copies a small file region after the head: one write instead of a write and a sendfile. */
    private void readInto(Body.FileRegion region) throws IOException {
        int end = buffer.position() + (int) region.length();
        long position = region.position();
        ByteBuffer slice = buffer.limit(end);
        while (slice.hasRemaining()) {
            int n = region.channel().read(slice, position);
            if (n < 0) {
                // The file shrank after its length went out in the head: the connection cannot be saved.
                throw new IOException("file shrank while being sent");
            }
            position += n;
        }
        buffer.limit(buffer.capacity());
    }

    /**
     * sendfile(2) while the socket takes data. A virtual thread's socket is non-blocking underneath, so a full send
     * buffer makes transferTo return 0 instead of parking: then one buffer's worth goes out with an ordinary write,
     * which parks until the client reads (and which the send timeout can cut), and sendfile resumes after it.
     */
    private void transfer(Body.FileRegion region) throws IOException {
        FileChannel file = region.channel();
        long position = region.position();
        long end = position + region.length();
        while (position < end) {
            beforeWrite.run();
            // Not on TLS: the bytes must be encrypted on their way, so they go through the buffer below.
            long n = sendfile ? file.transferTo(position, Math.min(TRANSFER_CHUNK, end - position), channel) : 0;
            if (n <= 0) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int read = file.read(buffer, position);
                if (read <= 0) {
                    throw new IOException("file shrank while being sent");
                }
                buffer.flip();
                writeFully(buffer);
                buffer.clear();
                n = read;
            } else {
                sent += n;
            }
            position += n;
        }
    }

    /** Content-Length: its digits written straight into the buffer (no string per answer). */
    private void contentLength(long length) throws IOException {
        if (CONTENT_LENGTH.length + 21 > buffer.remaining()) {
            flush();
        }
        buffer.put(CONTENT_LENGTH);
        int digits = 1;
        for (long rest = length / 10; rest > 0; rest /= 10) {
            digits++;
        }
        int end = buffer.position() + digits;
        long rest = length;
        for (int i = end - 1; i >= buffer.position(); i--) {
            buffer.put(i, (byte) ('0' + rest % 10));
            rest /= 10;
        }
        buffer.position(end);
        buffer.put((byte) '\r').put((byte) '\n');
    }

    private void header(String name, String value) throws IOException {
        int needed = name.length() + value.length() + 4;
        if (needed > buffer.remaining()) {
            flush();
            if (needed > buffer.capacity()) {
                writeFully(ByteBuffer.wrap((name + ": " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1)));
                return;
            }
        }
        putLatin1(name);
        buffer.put((byte) ':').put((byte) ' ');
        putLatin1(value);
        buffer.put((byte) '\r').put((byte) '\n');
    }

    private void putLatin1(String text) {
        for (int i = 0; i < text.length(); i++) {
            buffer.put((byte) text.charAt(i));
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            beforeWrite.run();
            sent += channel.write(data);
        }
    }
}
