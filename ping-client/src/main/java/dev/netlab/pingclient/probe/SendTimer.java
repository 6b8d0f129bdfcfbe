package dev.netlab.pingclient.probe;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One platform thread that does the timed work of every service stream (its sends and its probes' timeouts), so
 * that a stream's own virtual thread only ever blocks in an untimed read. A virtual thread's timed wait goes through
 * the JDK's one delay-scheduler thread, which every timed park and every cancelled timeout wakes: two to three
 * wake-ups of that thread per probe, on the core the probes need. Here the streams due at one instant (the send
 * grid's) share one wake-up, and nothing wakes this thread between its instants.
 */
public final class SendTimer {

    /** What {@link Task#tick} returns when the task wants no further tick. */
    public static final long NEVER = Long.MAX_VALUE;
    private static final Logger LOG = System.getLogger(SendTimer.class.getName());
    /** The service's: started with its first stream, alive (and asleep when there is nothing to do) from then on. */
    static final SendTimer SHARED = new SendTimer("send-timer");

    /** Timed work of one stream. */
    interface Task {
        /**
         * Does what is due at {@code nowNanos} ({@code System.nanoTime()}); returns when it wants its next tick, or
         * {@link #NEVER}. Runs on the timer's thread: it must not block beyond a non-blocking socket write.
         */
        long tick(long nowNanos);
    }

    private record Entry(long at, Task task) {
    }

    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> Long.compare(a.at() - b.at(), 0));
    private Thread thread;

    SendTimer(String name) {
        this.name = name;
    }

    /** Ticks {@code task} at {@code atNanos} ({@code System.nanoTime()}), or at once if that has passed. */
    void schedule(Task task, long atNanos) {
        lock.lock();
        try {
            queue.add(new Entry(atNanos, task));
            if (thread == null) {
                thread = Thread.ofPlatform().name(name).daemon().start(this::loop);
            } else if (queue.peek().task() == task) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        List<Entry> due = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (due.isEmpty()) {
                    Entry head = queue.peek();
                    long now = System.nanoTime();
                    if (head == null) {
                        changed.awaitUninterruptibly();
                    } else if (head.at() - now > 0) {
                        awaitNanos(head.at() - now);
                    } else {
                        while (head != null && head.at() - now <= 0) {
                            due.add(queue.poll());
                            head = queue.peek();
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            long now = System.nanoTime();
            for (int i = 0; i < due.size(); i++) {
                Entry entry = due.get(i);
                long next = NEVER;
                try {
                    next = entry.task().tick(now);
                } catch (Throwable e) {
                    // A task's failure is its own (the stream records it); the other streams' sends go on.
                    LOG.log(Level.WARNING, "a stream's timed work failed", e);
                }
                due.set(i, next == NEVER ? null : new Entry(next, entry.task()));
            }
            lock.lock();
            try {
                for (Entry entry : due) {
                    if (entry != null) {
                        queue.add(entry);
                    }
                }
            } finally {
                lock.unlock();
            }
            due.clear();
        }
    }

    private void awaitNanos(long nanos) {
        try {
            changed.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // Nobody interrupts this thread; the loop looks at its queue again either way.
        }
    }
}
