package dev.netlab.mailclient.outbox;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Commits items that arrive together as one batch (leader/follower): the first waiting caller becomes the leader,
 * takes up to {@link #MAX_BATCH} waiting items, hands them to the {@link Batch} and releases every caller in the
 * batch with its outcome; callers that arrive meanwhile wait for the next batch. A lone caller is committed at once
 * (there is no timer). When the batch fails, every caller in it gets the error.
 *
 * @param <T> what one caller commits
 */
final class GroupCommit<T> {

    /** The most items one batch commits. */
    static final int MAX_BATCH = 64;

    /** What the leader does with a batch: makes all of it durable, or throws with none of it visible. */
    @FunctionalInterface
    interface Batch<T> {
        void commit(List<T> items) throws IOException;
    }

    /** One caller's item and the outcome once its batch is done. */
    private static final class Pending<T> {
        final T item;
        boolean done;
        IOException failure;

        Pending(T item) {
            this.item = item;
        }
    }

    private final Batch<T> batch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition batchDone = lock.newCondition();
    private final ArrayDeque<Pending<T>> waiting = new ArrayDeque<>();
    private boolean leading;

    GroupCommit(Batch<T> batch) {
        this.batch = batch;
    }

    /** Returns once {@code item}'s batch is committed, or throws that batch's failure. */
    void commit(T item) throws IOException {
        Pending<T> mine = new Pending<>(item);
        lock.lock();
        try {
            waiting.add(mine);
            while (!mine.done) {
                if (leading) {
                    batchDone.awaitUninterruptibly();
                    continue;
                }
                leading = true;
                List<Pending<T>> taken = take();
                lock.unlock();
                IOException failure = null;
                try {
                    batch.commit(taken.stream().map(p -> p.item).toList());
                } catch (IOException e) {
                    failure = e;
                } catch (RuntimeException e) {
                    failure = new IOException(e.toString(), e);
                } finally {
                    lock.lock();
                }
                for (Pending<T> pending : taken) {
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
            throw new IOException(mine.failure.getMessage(), mine.failure);
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

    private List<Pending<T>> take() {
        List<Pending<T>> taken = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
        while (!waiting.isEmpty() && taken.size() < MAX_BATCH) {
            taken.add(waiting.poll());
        }
        return taken;
    }
}
