package dev.netlab.mailclient.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes accepted messages durably. The messages that wait for the same group commit ({@link GroupCommit}) go out
 * in one gathering write at the end of the active segment, a file in {@code queue/} written ahead as zeros
 * ({@link SpareSegments}), and one {@code fdatasync}: the blocks are the file's already, so there is no metadata and
 * no directory to force; then every caller of the batch learns where its message is. The first commit into a spare
 * names it: written, forced, renamed into {@code queue/} under its first message's id, {@code queue/} forced. A
 * commit that does not fit in what is left rolls the segment and starts the next (twice as long, up to
 * {@link #MAX_SEGMENT}, prepared while the one before filled); so does {@link #IDLE_ROLL} without a commit, so that
 * an outbox whose messages are all delivered keeps no file. A failed commit is cut off again and its segment rolled:
 * its callers get the error, and nothing of theirs stays to be delivered. When no spare can be written (the disk
 * full), a commit writes a segment of its own: a new file in {@code tmp/}, fsync, rename, directory fsync, as a
 * client's batch ({@link #appendBatch}) always does.
 */
final class SegmentWriter {

    /** Told, by the batch's leader, about every message of a batch once it is durable, before any caller returns. */
    @FunctionalInterface
    interface Committed {
        void committed(List<QueuedMessage> messages, List<Segment.Entry> entries);
    }

    /** One caller's message, framed in its own thread (the frame's pieces, not copied), and where the batch put it. */
    private static final class Append {
        final String id;
        final QueuedMessage message;
        final byte[][] frame;
        final int length;
        Segment.Entry entry;

        Append(String id, QueuedMessage message, byte[][] frame) {
            this.id = id;
            this.message = message;
            this.frame = frame;
            int sum = 0;
            for (byte[] piece : frame) {
                sum += piece.length;
            }
            this.length = sum;
        }
    }

    /** The shortest segment written ahead; a segment that fills makes the next twice as long. */
    static final long MIN_SEGMENT = 64 * 1024;
    /** The longest segment written ahead (a batch longer still makes its file longer). */
    static final long MAX_SEGMENT = 4L * 1024 * 1024;
    /** How long the active segment stays open without a commit before it rolls. */
    static final Duration IDLE_ROLL = Duration.ofSeconds(1);

    // Ride a group commit to roll the active segment if it is still idle, or at once (not messages).
    private static final Append ROLL_IF_IDLE = new Append(null, null, new byte[0][]);
    private static final Append ROLL_NOW = new Append(null, null, new byte[0][]);

    private final Path tmp;
    private final Path queue;
    private final Durability durability;
    private final GroupCommit<Append> commits;
    private final Committed committed;
    private final SpareSegments spares;
    private final Consumer<Segment> rolled;
    private final long idleRollNanos;
    // queue/, open for its fsyncs (guarded by this while it opens; then only read)
    private volatile FileChannel queueChannel;
    // The segment taking group commits (null while none is): set by the group commit's leader, read by its idle
    // roller.
    private volatile ActiveSegment active;
    private volatile long lastCommitNanos;

    SegmentWriter(Path tmp, Path queue, Durability durability) {
        this(tmp, queue, durability, (messages, entries) -> { }, segment -> { }, IDLE_ROLL);
    }

    /**
     * As the other, telling {@code committed} about each group commit's messages as one batch, and handing each
     * segment that stops taking commits to {@code rolled} with the writer's hold on it; the active segment rolls
     * after {@code idleRoll} without a commit.
     */
    SegmentWriter(Path tmp, Path queue, Durability durability, Committed committed, Consumer<Segment> rolled,
                  Duration idleRoll) {
        this.tmp = tmp;
        this.queue = queue;
        this.durability = durability;
        this.committed = committed;
        this.rolled = rolled;
        this.idleRollNanos = idleRoll.toNanos();
        this.spares = new SpareSegments(tmp, durability);
        this.commits = new GroupCommit<>(batch -> {
            List<Append> messages = commit(batch);
            if (!messages.isEmpty()) {
                committed.committed(messages.stream().map(a -> a.message).toList(),
                        messages.stream().map(a -> a.entry).toList());
            }
        });
    }

    /**
     * Returns once {@code message} is on disk in a segment (data fsynced, name durable), with its place; the
     * {@link Committed} listener has been told about it (with the rest of its batch) by then.
     */
    Segment.Entry append(QueuedMessage message) throws IOException {
        Append append = new Append(message.id(), message, Segment.frame(MessageFile.encode(message)));
        try {
            commits.commit(append);
        } catch (IOException e) {
            throw new IOException("the outbox could not make " + message.id() + " durable: " + e.getMessage(), e);
        }
        return append.entry;
    }

    /** Writes {@code messages} as one segment now, without batching (and without telling the listener). */
    List<Segment.Entry> appendAll(List<QueuedMessage> messages) throws IOException {
        List<Append> appends = new ArrayList<>(messages.size());
        for (QueuedMessage message : messages) {
            appends.add(new Append(message.id(), message, Segment.frame(MessageFile.encode(message))));
        }
        writeSegment(appends.get(0).id + Segment.SUFFIX, appends);
        return appends.stream().map(a -> a.entry).toList();
    }

    /**
     * Writes a client's batch as one segment of its own now (one file fsync, one rename, one directory fsync, outside
     * the group commit: the batch is its own group) and tells the {@link Committed} listener before it returns.
     * When a step fails nothing is left in the queue and the listener hears nothing.
     */
    void appendBatch(List<QueuedMessage> messages) throws IOException {
        List<Segment.Entry> entries;
        try {
            entries = appendAll(messages);
        } catch (IOException e) {
            throw new IOException("the outbox could not make a batch of " + messages.size() + " messages durable: "
                    + e.getMessage(), e);
        }
        committed.committed(messages, entries);
    }

    /**
     * Rolls the active segment now (the service stops: a segment whose messages are all finished goes) and deletes
     * the spare written ahead; an append after this starts a new segment.
     */
    void close() throws IOException {
        commits.commit(ROLL_NOW);
    }

    /** How many appends wait for their batch (for tests). */
    int waiting() {
        return commits.waiting();
    }

    // queue/ opened once (it exists by the first commit: the outbox creates it before it takes messages).
    private FileChannel queueChannel() throws IOException {
        FileChannel channel = queueChannel;
        if (channel == null) {
            synchronized (this) {
                channel = queueChannel;
                if (channel == null) {
                    channel = FileChannel.open(queue, StandardOpenOption.READ);
                    queueChannel = channel;
                }
            }
        }
        return channel;
    }

    /**
     * One group commit: its messages appended to the active segment (one write, one fdatasync), or the first of a
     * spare's; a roll asked for by the idle roller. Returns the batch's messages.
     */
    private List<Append> commit(List<Append> batch) throws IOException {
        List<Append> messages = batch;
        boolean now = batch.contains(ROLL_NOW);
        if (now || batch.contains(ROLL_IF_IDLE)) {
            messages = batch.stream().filter(append -> append != ROLL_IF_IDLE && append != ROLL_NOW).toList();
            if (messages.isEmpty() && active != null
                    && (now || System.nanoTime() - lastCommitNanos >= idleRollNanos)) {
                roll();
            }
            if (now) {
                spares.discard();
            }
        }
        if (messages.isEmpty()) {
            return messages;
        }
        lastCommitNanos = System.nanoTime();
        long bytes = 0;
        for (Append append : messages) {
            bytes += append.length;
        }
        long nextCapacity = MIN_SEGMENT;
        if (active != null && !active.fits(bytes)) {
            nextCapacity = Math.min(MAX_SEGMENT, 2 * active.capacity());
            roll();
        }
        if (active == null) {
            if (!activate(messages, nextCapacity)) {
                writeSegment(messages.get(0).id + Segment.SUFFIX, messages);
            }
            return messages;
        }
        long start;
        try {
            start = active.append(pieces(messages));
        } catch (IOException | RuntimeException e) {
            // Cut off again: the segment takes no more.
            roll();
            throw e;
        }
        place(start, messages);
        if (active.length() > active.capacity() / 2) {
            spares.prepareAhead(Math.min(MAX_SEGMENT, 2 * active.capacity()));
        }
        return messages;
    }

    // Starts a segment with the batch in a spare, under its first message's name; false when no spare could be made
    // (the caller writes a segment of its own).
    private boolean activate(List<Append> batch, long capacity) throws IOException {
        SpareSegments.Spare spare = spares.take(capacity);
        if (spare == null) {
            return false;
        }
        ActiveSegment started = ActiveSegment.start(spare, queue.resolve(batch.get(0).id + Segment.SUFFIX),
                pieces(batch), queueChannel(), durability);
        active = started;
        place(0, batch);
        rollWhenIdle(started);
        return true;
    }

    // The batch's entries in the active segment from start on, each holding it once.
    private void place(long start, List<Append> batch) {
        Segment segment = active.segment();
        long offset = start;
        for (Append append : batch) {
            segment.hold();
            append.entry = new Segment.Entry(segment, offset, append.length);
            offset += append.length;
        }
    }

    // The active segment takes no more commits: closed, and handed over with the writer's hold.
    private void roll() {
        ActiveSegment done = active;
        done.close();
        active = null;
        rolled.accept(done.segment());
    }

    // A virtual thread that rolls segment once no commit came for the idle time (through the group commit, so that
    // the leader does it between commits); it ends when segment rolled.
    private void rollWhenIdle(ActiveSegment segment) {
        Thread.ofVirtual().name("outbox-idle-roll").start(() -> {
            while (active == segment) {
                long wait = lastCommitNanos + idleRollNanos - System.nanoTime();
                try {
                    if (wait > 0) {
                        Thread.sleep(Duration.ofNanos(wait));
                    } else {
                        commits.commit(ROLL_IF_IDLE);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    // The commit it rode with failed, which rolled the segment already.
                }
            }
        });
    }

    private static byte[][] pieces(List<Append> batch) {
        return batch.stream().flatMap(a -> Arrays.stream(a.frame)).toArray(byte[][]::new);
    }

    // A segment is named after its first message, so names are unique and sort by acceptance.
    private void writeSegment(String name, List<Append> batch) throws IOException {
        Path temporary = tmp.resolve(name);
        Path target = queue.resolve(name);
        boolean renamed = false;
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                DurableFiles.writeAll(channel, pieces(batch));
                durability.forceFile(channel, temporary);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            renamed = true;
            durability.forceDirectory(queueChannel(), queue);
        } catch (IOException | RuntimeException e) {
            DurableFiles.deleteQuietly(renamed ? target : temporary);
            throw e;
        }
        Segment segment = new Segment(target, batch.size());
        long offset = 0;
        for (Append append : batch) {
            append.entry = new Segment.Entry(segment, offset, append.length);
            offset += append.length;
        }
    }
}
