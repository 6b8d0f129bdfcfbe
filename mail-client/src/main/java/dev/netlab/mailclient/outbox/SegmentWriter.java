package dev.netlab.mailclient.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes accepted messages durably, one segment per group commit: every message that waits for the same batch is
 * appended to one new file in {@code tmp/} (one gathering write of every frame's pieces), which is fsynced once,
 * renamed into {@code queue/}, and the directory fsynced once; then every caller of the batch learns where its
 * message is. A batch of N messages costs two fsyncs, not N + 1. When any step fails, every caller gets the error
 * and the segment is not left in {@code queue/}. The segment is fsynced through the channel that wrote it, and
 * {@code queue/} through a channel kept open: six system calls per segment (create, write, fsync, close, rename,
 * fsync), not ten.
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

    private final Path tmp;
    private final Path queue;
    private final Durability durability;
    private final GroupCommit<Append> commits;
    private final Committed committed;
    // queue/, open for its fsyncs (guarded by this while it opens; then only read)
    private volatile FileChannel queueChannel;

    SegmentWriter(Path tmp, Path queue, Durability durability) {
        this(tmp, queue, durability, (messages, entries) -> { });
    }

    /** As the other, telling {@code committed} about each group commit's messages as one batch. */
    SegmentWriter(Path tmp, Path queue, Durability durability, Committed committed) {
        this.tmp = tmp;
        this.queue = queue;
        this.durability = durability;
        this.committed = committed;
        this.commits = new GroupCommit<>(batch -> {
            writeSegment(batch.get(0).id + Segment.SUFFIX, batch);
            committed.committed(batch.stream().map(a -> a.message).toList(),
                    batch.stream().map(a -> a.entry).toList());
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

    // A segment is named after its first message, so names are unique and sort by acceptance.
    private void writeSegment(String name, List<Append> batch) throws IOException {
        Path temporary = tmp.resolve(name);
        Path target = queue.resolve(name);
        boolean renamed = false;
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                DurableFiles.writeAll(channel, batch.stream().flatMap(a -> Arrays.stream(a.frame))
                        .toArray(byte[][]::new));
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
