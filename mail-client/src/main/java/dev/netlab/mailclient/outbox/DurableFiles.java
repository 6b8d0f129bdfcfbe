package dev.netlab.mailclient.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * File operations that survive a crash at any moment: a file is written under a temporary name, forced to disk,
 * renamed atomically into place, and its directory forced, so after a power cut it is either absent or whole.
 */
final class DurableFiles {

    private final Path tmp;

    DurableFiles(Path tmp) {
        this.tmp = tmp;
    }

    /** Writes {@code bytes} as {@code target}, replacing an older version atomically. */
    void write(Path target, byte[]... parts) throws IOException {
        Path temporary = tmp.resolve(target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current()
                .nextLong()) + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            for (byte[] part : parts) {
                ByteBuffer buffer = ByteBuffer.wrap(part);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(target.getParent());
    }

    /** Deletes {@code file} durably; a file already gone is fine. */
    void delete(Path file) throws IOException {
        try {
            Files.delete(file);
        } catch (NoSuchFileException e) {
            return;
        }
        forceDirectory(file.getParent());
    }

    /** Moves {@code file} into {@code directory} under the same name, durably. */
    void moveInto(Path file, Path directory) throws IOException {
        Files.move(file, directory.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(directory);
        forceDirectory(file.getParent());
    }

    /** Forces a directory's entries to disk (on Linux a directory opens for reading and fsyncs like a file). */
    static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
