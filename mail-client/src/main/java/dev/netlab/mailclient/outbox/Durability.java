package dev.netlab.mailclient.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The two ways the outbox forces bytes to disk; tests count or fail them. */
public interface Durability {

    /** Forces a file's content and size to disk. */
    void forceFile(Path file) throws IOException;

    /**
     * Forces the content and size of {@code file}, open as {@code channel}, to disk; by default as
     * {@link #forceFile}, and the real thing through the open channel (no open and close around the fsync).
     */
    default void forceFile(FileChannel channel, Path file) throws IOException {
        forceFile(file);
    }

    /**
     * Forces the content of {@code file}, open as {@code channel}, to disk, and its metadata only where reading the
     * content back needs it ({@code fdatasync}: a write within the file's allocated length commits no metadata); by
     * default as {@link #forceFile(FileChannel, Path)}.
     */
    default void forceData(FileChannel channel, Path file) throws IOException {
        forceFile(channel, file);
    }

    /** Forces a directory's entries to disk (on Linux a directory opens for reading and fsyncs like a file). */
    void forceDirectory(Path directory) throws IOException;

    /**
     * Forces the entries of {@code directory}, open for reading as {@code channel}, to disk; by default as
     * {@link #forceDirectory(Path)}, and the real thing through the open channel (no open and close around it).
     */
    default void forceDirectory(FileChannel channel, Path directory) throws IOException {
        forceDirectory(directory);
    }

    /** The real thing: {@code fsync(2)} through {@link FileChannel#force}. */
    Durability FSYNC = new Durability() {
        @Override
        public void forceFile(Path file) throws IOException {
            force(file);
        }

        @Override
        public void forceFile(FileChannel channel, Path file) throws IOException {
            channel.force(true);
        }

        @Override
        public void forceData(FileChannel channel, Path file) throws IOException {
            channel.force(false);
        }

        @Override
        public void forceDirectory(Path directory) throws IOException {
            force(directory);
        }

        @Override
        public void forceDirectory(FileChannel channel, Path directory) throws IOException {
            channel.force(true);
        }

        private static void force(Path path) throws IOException {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }
    };
}
