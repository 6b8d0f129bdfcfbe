package dev.netlab.webserver.http;

import java.io.IOException;
import java.nio.channels.FileChannel;

/** What follows a response head. Part 2's ranges are {@link FileRegion}s with another position and length. */
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

    /** A slice of an open file, sent with {@code transferTo} (sendfile) when large; the writer closes it. */
    record FileRegion(FileChannel channel, long position, long length) implements Body {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    Body EMPTY = new Empty();
}
