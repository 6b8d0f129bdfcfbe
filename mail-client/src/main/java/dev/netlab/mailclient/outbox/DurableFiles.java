package dev.netlab.mailclient.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * File operations that survive a crash at any moment: a file is written under a temporary name, forced to disk,
 * renamed atomically into place, and its directory forced, so after a power cut it is either absent or whole.
 * Each caller fsyncs its own temporary file in its own thread (concurrent fsyncs share the file system's journal
 * commits); the renames of writes that wait together share one fsync per directory ({@link GroupCommit}).
 */
final class DurableFiles {

    private static final System.Logger LOG = System.getLogger(DurableFiles.class.getName());

    /** One write waiting for its rename. */
    private record Rename(Path temporary, Path target) {
    }

    private final Path tmp;
    private final Durability durability;
    private final GroupCommit<Rename> renames;

    DurableFiles(Path tmp, Durability durability) {
        this.tmp = tmp;
        this.durability = durability;
        this.renames = new GroupCommit<>(this::renameAll);
    }

    /** Writes {@code parts} as {@code target}, replacing an older version atomically; returns once it is durable. */
    void write(Path target, byte[]... parts) throws IOException {
        Path temporary = tmp.resolve(target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current()
                .nextLong()) + ".tmp");
        try {
            writeNew(temporary, parts);
            durability.forceFile(temporary);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporary);
            throw new IOException("the outbox could not make " + target.getFileName() + " durable: " + e, e);
        }
        try {
            renames.commit(new Rename(temporary, target));
        } catch (IOException e) {
            throw new IOException("the outbox could not make " + target.getFileName() + " durable: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Creates {@code file} (which must not exist) holding {@code parts}, not yet forced to disk: one gathering write
     * (the kernel takes up to 1,024 pieces per call), repeated only for what a short write left.
     */
    static void writeNew(Path file, byte[]... parts) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeAll(channel, parts);
        }
    }

    /** Writes {@code parts} at the channel's position: gathering writes, repeated only for what a short one left. */
    static void writeAll(FileChannel channel, byte[]... parts) throws IOException {
        ByteBuffer[] buffers = new ByteBuffer[parts.length];
        long left = 0;
        for (int i = 0; i < parts.length; i++) {
            buffers[i] = ByteBuffer.wrap(parts[i]);
            left += parts[i].length;
        }
        int first = 0;
        while (left > 0) {
            while (!buffers[first].hasRemaining()) {
                first++;
            }
            left -= channel.write(buffers, first, Math.min(buffers.length - first, 1024));
        }
    }

    /**
     * Writes zeros into {@code channel} from {@code from} up to {@code until} (positional writes: its position does not
     * move), so that later writes there overwrite blocks the file owns; not forced.
     */
    static void writeZeros(FileChannel channel, long from, long until) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(64 * 1024, Math.max(0, until - from)));
        for (long at = from; at < until; ) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), until - at));
            at += channel.write(zeros, at);
        }
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

    // Renames a batch's files into place and fsyncs each target directory once; on failure none stays visible.
    private void renameAll(List<Rename> batch) throws IOException {
        List<Path> created = new ArrayList<>();
        try {
            Set<Path> directories = new LinkedHashSet<>();
            for (Rename rename : batch) {
                boolean fresh = Files.notExists(rename.target());
                Files.move(rename.temporary(), rename.target(), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                if (fresh) {
                    created.add(rename.target());
                }
                directories.add(rename.target().getParent());
            }
            for (Path directory : directories) {
                durability.forceDirectory(directory);
            }
        } catch (IOException | RuntimeException e) {
            // A replaced record cannot be put back; a file new in this batch is removed.
            created.forEach(DurableFiles::deleteQuietly);
            batch.forEach(rename -> deleteQuietly(rename.temporary()));
            throw e;
        }
    }

    /**
     * Deletes {@code file} if it exists, logging (not throwing) when it cannot; false then. One {@code unlink} when
     * it goes ({@link java.io.File#delete}); {@link Files#deleteIfExists} asks the file's type first, one system
     * call more per segment removed. Only outbox files, never directories, come here.
     */
    static boolean deleteQuietly(Path file) {
        if (file.toFile().delete() || Files.notExists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try {
            Files.delete(file);
            return true;
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "outbox: cannot remove " + file.getFileName() + ": " + e);
            return false;
        }
    }
}
