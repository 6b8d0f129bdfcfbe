package dev.netlab.mailclient.outbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes written temporary files durable in batches (leader/follower). Each caller first fsyncs its own file in its
 * own thread (concurrent fsyncs share the file system's journal commits; one leader fsyncing a batch's files one after
 * another measured slower than no batching at all). Then the first waiting caller becomes the leader, takes up to
 * {@link #MAX_BATCH} waiting files, renames each into place, fsyncs each target directory once, and releases every
 * caller in the batch; callers that arrive meanwhile wait for the next batch. A lone caller is committed at once (no
 * timer). When any step fails, every caller in the batch gets the error and no file of the batch is left visible under
 * a name it did not have before.
 */
final class GroupCommit {

    /** The most files one batch makes durable. */
    static final int MAX_BATCH = 64;

    private static final System.Logger LOG = System.getLogger(GroupCommit.class.getName());

    /** One caller's file: where it was written, where it goes, and the outcome once its batch is done. */
    private static final class Pending {
        final Path temporary;
        final Path target;
        boolean done;
        IOException failure;

        Pending(Path temporary, Path target) {
            this.temporary = temporary;
            this.target = target;
        }
    }

    private final Durability durability;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition batchDone = lock.newCondition();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private boolean leading;

    GroupCommit(Durability durability) {
        this.durability = durability;
    }

    /**
     * Returns once {@code temporary} is on disk as {@code target} (content fsynced, renamed, directory fsynced), or
     * throws, with {@code temporary} removed and {@code target} untouched or removed, when its batch failed.
     */
    void commit(Path temporary, Path target) throws IOException {
        try {
            durability.forceFile(temporary);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporary);
            throw new IOException("the outbox could not make " + target.getFileName() + " durable: " + e, e);
        }
        Pending mine = new Pending(temporary, target);
        lock.lock();
        try {
            waiting.add(mine);
            while (!mine.done) {
                if (leading) {
                    batchDone.awaitUninterruptibly();
                    continue;
                }
                leading = true;
                List<Pending> batch = take();
                lock.unlock();
                IOException failure = null;
                try {
                    run(batch);
                } catch (IOException e) {
                    failure = e;
                } catch (RuntimeException e) {
                    failure = new IOException(e.toString(), e);
                } finally {
                    lock.lock();
                }
                for (Pending pending : batch) {
                    pending.failure = failure;
                    pending.done = true;
                }
                leading = false;
                batchDone.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw new IOException("the outbox could not make " + target.getFileName() + " durable: "
                    + mine.failure.getMessage(), mine.failure);
        }
    }

    /** How many callers wait for a batch (for tests). */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    private List<Pending> take() {
        List<Pending> batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
        while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
            batch.add(waiting.poll());
        }
        return batch;
    }

    private void run(List<Pending> batch) throws IOException {
        List<Path> created = new ArrayList<>();
        try {
            Set<Path> directories = new LinkedHashSet<>();
            for (Pending pending : batch) {
                boolean fresh = Files.notExists(pending.target);
                Files.move(pending.temporary, pending.target, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                if (fresh) {
                    created.add(pending.target);
                }
                directories.add(pending.target.getParent());
            }
            for (Path directory : directories) {
                durability.forceDirectory(directory);
            }
        } catch (IOException | RuntimeException e) {
            undo(batch, created);
            throw e;
        }
    }

    // A replaced record cannot be put back; a file new in this batch is removed, so no caller sees a half-stored one.
    private static void undo(List<Pending> batch, List<Path> created) {
        for (Path target : created) {
            deleteQuietly(target);
        }
        for (Pending pending : batch) {
            deleteQuietly(pending.temporary);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "outbox: cannot remove " + file.getFileName() + " after a failed"
                    + " commit: " + e);
        }
    }
}
