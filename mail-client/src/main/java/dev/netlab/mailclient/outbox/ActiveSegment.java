package dev.netlab.mailclient.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The segment taking group commits: its file, open at the end of its frames, and how far it was written ahead. A
 * commit is one gathering write there and one {@code fdatasync} ({@link Durability#forceData}): the blocks are the
 * file's already, so no metadata is forced. Touched by the segment writer's leader only.
 */
final class ActiveSegment {

    private static final System.Logger LOG = System.getLogger(ActiveSegment.class.getName());

    private final Segment segment;
    private final FileChannel channel;
    private final long capacity;
    private final Durability durability;
    private long length;

    private ActiveSegment(Segment segment, FileChannel channel, long capacity, Durability durability) {
        this.segment = segment;
        this.channel = channel;
        this.capacity = capacity;
        this.durability = durability;
    }

    /**
     * Writes the first commit's frames at the start of {@code spare}, forces them, renames the file to {@code target}
     * (its first message's name in {@code queue/}) and forces {@code queue/} through {@code queueChannel}; the new
     * segment holds itself once (the writer's hold, let go when it rolls). On failure the file is deleted.
     */
    static ActiveSegment start(SpareSegments.Spare spare, Path target, byte[][] frames, FileChannel queueChannel,
                               Durability durability) throws IOException {
        boolean renamed = false;
        try {
            DurableFiles.writeAll(spare.channel(), frames);
            durability.forceData(spare.channel(), spare.file());
            Files.move(spare.file(), target, StandardCopyOption.ATOMIC_MOVE);
            renamed = true;
            durability.forceDirectory(queueChannel, target.getParent());
        } catch (IOException | RuntimeException e) {
            SpareSegments.delete(spare.channel(), renamed ? target : spare.file());
            throw e;
        }
        ActiveSegment active = new ActiveSegment(new Segment(target, 1), spare.channel(), spare.size(), durability);
        active.length = length(frames);
        return active;
    }

    Segment segment() {
        return segment;
    }

    /** How long it was written ahead. */
    long capacity() {
        return capacity;
    }

    /** How far its frames reach. */
    long length() {
        return length;
    }

    /** Whether {@code bytes} more fit in what was written ahead. */
    boolean fits(long bytes) {
        return length + bytes <= capacity;
    }

    /**
     * Appends {@code frames} at the end and forces them; returns where they start. When that fails they are cut
     * off again (the caller rolls the segment: after a failure it takes no more) and the failure is thrown.
     */
    long append(byte[][] frames) throws IOException {
        long start = length;
        try {
            DurableFiles.writeAll(channel, frames);
            durability.forceData(channel, segment.file());
        } catch (IOException | RuntimeException e) {
            cutOff(start);
            throw e;
        }
        length = start + length(frames);
        return start;
    }

    /** Closes the file: the segment takes no more commits. */
    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "outbox: cannot close " + segment.file().getFileName() + ": " + e);
        }
    }

    // A failed commit's bytes go again: its callers were not answered 202.
    private void cutOff(long start) {
        try {
            channel.truncate(start);
            channel.force(true);
        } catch (IOException e) {
            // What is left past the whole frames is a torn tail to the next start: put aside, never delivered.
            LOG.log(System.Logger.Level.ERROR, "outbox: cannot cut a failed commit off "
                    + segment.file().getFileName() + ": " + e);
        }
    }

    private static long length(byte[][] frames) {
        long sum = 0;
        for (byte[] piece : frames) {
            sum += piece.length;
        }
        return sum;
    }
}
