package dev.netlab.webserver.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Objects;

/** What follows a response head. A range is a {@link FileRegion} or {@link Slice}; several are a {@link Multipart}. */
public sealed interface Body extends AutoCloseable {

    /** Bytes the body holds: the Content-Length. */
    long length();

    @Override
    default void close() throws IOException {
    }

    /** No content. */
    record Empty() implements Body {
        @Override
        public long length() {
            return 0;
        }
    }

    /** Content generated in memory (error pages, listings). */
    record Bytes(byte[] data) implements Body {
        @Override
        public long length() {
            return data.length;
        }
    }

    /**
     * A cached file's bytes in a read-only direct buffer that every answer shares: each sends its own view, so the
     * head and the bytes can go out in one gathering write without a copy into the answer buffer. When the cache also
     * keeps the file open ({@code file}, else null), a plain socket is sent the bytes with sendfile from one of its
     * channels instead (see {@link ResponseWriter}); the buffer stays the source of truth should the cache close the
     * file meanwhile, or every channel be lent. The cache owns the file: closing the body leaves it open.
     */
    record Shared(ByteBuffer data, KeptFile file) implements Body {

        /** The bytes alone: always sent from the buffer. */
        public Shared(ByteBuffer data) {
            this(data, null);
        }

        public Shared {
            if (!data.isDirect() || !data.isReadOnly()) {
                throw new IllegalArgumentException("not a read-only direct buffer: " + data);
            }
        }

        @Override
        public long length() {
            return data.remaining();
        }

        /** A view of the bytes for one answer (its own position). */
        public ByteBuffer view() {
            return data.duplicate();
        }
    }

    /** A slice of an open file, sent with {@code transferTo} (sendfile) when large; the writer closes it. */
    record FileRegion(FileChannel channel, long position, long length) implements Body {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Part of a byte array (a range of a cached small file). */
    record Slice(byte[] data, int offset, int size) implements Body {
        public Slice {
            Objects.checkFromIndexSize(offset, size, data.length);
        }

        @Override
        public long length() {
            return size;
        }
    }

    /** Bodies sent one after another (multipart/byteranges: part heads and ranges); closing closes each. */
    record Multipart(List<Body> parts, long length) implements Body {

        public Multipart(List<Body> parts) {
            this(List.copyOf(parts), parts.stream().mapToLong(Body::length).sum());
        }

        @Override
        public void close() throws IOException {
            IOException failure = null;
            for (Body part : parts) {
                try {
                    part.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    Body EMPTY = new Empty();
}
