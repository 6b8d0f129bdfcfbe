package dev.netlab.mailclient.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Segment files written ahead of need in {@code tmp/}: zeros, forced to disk with their blocks allocated, so that a
 * group commit into one overwrites blocks the file already has and its {@code fdatasync} has no metadata to commit
 * (no journal commit for the file's size, no directory to force). The next spare is prepared on a virtual thread
 * while the segment before it fills ({@link #prepareAhead}); when none was, {@link #take} writes one at once. A start
 * deletes whatever is left in {@code tmp/}.
 */
final class SpareSegments {

    private static final System.Logger LOG = System.getLogger(SpareSegments.class.getName());

    /** A spare file of {@code size} zeros, open for writing at its start. */
    record Spare(Path file, FileChannel channel, long size) {
    }

    private final Path tmp;
    private final Durability durability;
    // The spare prepared ahead, if one is; touched only by the segment writer's leader.
    private CompletableFuture<Spare> next;
    // Whether the last spare could not be made (leader only).
    private boolean failing;

    SpareSegments(Path tmp, Durability durability) {
        this.tmp = tmp;
        this.durability = durability;
    }

    /** Starts preparing a spare of {@code size} bytes on a virtual thread, unless one is prepared already. */
    void prepareAhead(long size) {
        if (next == null) {
            CompletableFuture<Spare> future = new CompletableFuture<>();
            Thread.ofVirtual().name("outbox-spare").start(() -> {
                try {
                    future.complete(write(size));
                } catch (IOException | RuntimeException e) {
                    future.completeExceptionally(e);
                }
            });
            next = future;
        }
    }

    /**
     * The spare prepared ahead (waiting for it if it is not ready yet), else one of {@code size} bytes written now;
     * null when it could not be made (the disk full?), said in the log: the caller writes a file of its own instead.
     */
    Spare take(long size) {
        CompletableFuture<Spare> taken = next;
        next = null;
        Object failure;
        try {
            Spare spare = taken != null ? taken.get() : write(size);
            if (failing) {
                failing = false;
                LOG.log(System.Logger.Level.INFO, "outbox: segments are written ahead again");
            }
            return spare;
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (IOException | RuntimeException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (!failing) {
            // Said once, not per commit, while it lasts.
            failing = true;
            LOG.log(System.Logger.Level.WARNING, "outbox: cannot write a segment ahead (" + failure
                    + "); each commit writes a file of its own until it can");
        }
        return null;
    }

    /** Waits for the spare being prepared ahead, if one is, and deletes it (the outbox stops: no file is left). */
    void discard() {
        CompletableFuture<Spare> left = next;
        next = null;
        if (left != null) {
            try {
                delete(left.join());
            } catch (CompletionException | CancellationException e) {
                // It was never made: nothing to delete.
            }
        }
    }

    /** Closes and deletes {@code spare}. */
    static void delete(Spare spare) {
        delete(spare.channel(), spare.file());
    }

    /** Closes {@code channel} and deletes {@code file}: a spare that failed on its way into the queue (either name). */
    static void delete(FileChannel channel, Path file) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a file that holds nothing anybody was promised loses nothing.
        }
        DurableFiles.deleteQuietly(file);
    }

    private Spare write(long size) throws IOException {
        Path file = tmp.resolve("spare-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + Segment.SUFFIX);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            DurableFiles.writeZeros(channel, 0, size);
            durability.forceFile(channel, file);
            return new Spare(file, channel, size);
        } catch (IOException | RuntimeException e) {
            channel.close();
            DurableFiles.deleteQuietly(file);
            throw e;
        }
    }
}
