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
 * Concurrent writes share their fsyncs through a {@link GroupCommit}.
 */
final class DurableFiles {

    private final Path tmp;
    private final Durability durability;
    private final GroupCommit commits;

    DurableFiles(Path tmp, Durability durability) {
        this.tmp = tmp;
        this.durability = durability;
        this.commits = new GroupCommit(durability);
    }

    /** Writes {@code parts} as {@code target}, replacing an older version atomically; returns once it is durable. */
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
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        commits.commit(temporary, target);
    }

    /** Deletes {@code file} durably; a file already gone is fine. */
    void delete(Path file) throws IOException {
        try {
            Files.delete(file);
        } catch (NoSuchFileException e) {
            return;
        }
        durability.forceDirectory(file.getParent());
    }

    /** Moves {@code file} into {@code directory} under the same name, durably. */
    void moveInto(Path file, Path directory) throws IOException {
        Files.move(file, directory.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        durability.forceDirectory(directory);
        durability.forceDirectory(file.getParent());
    }

    /** How many writes wait for their batch (for tests). */
    int waitingForCommit() {
        return commits.waiting();
    }
}
