package dev.netlab.mailclient.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The sent records, appended to one file in {@code state/} ({@code <first id>.sent}, framed like a segment): a
 * delivery batch's records are one write and one {@code fdatasync} at the file's end, through the file's channel kept
 * open, with no new file and no directory fsync; batches that arrive together share them ({@link GroupCommit}). The
 * file is written ahead with zeros ({@link #ZEROS_AHEAD} at a time, forced with the append that needed them), so an
 * append overwrites blocks the file owns and has no size to commit; zeros after the last record are unused space.
 * The first append of a file also fsyncs the directory, so its name survives a crash. Each process starts a file of
 * its own (never writing after a tail a crash may have torn), and a new one once a file passes {@link #ROTATE_BYTES}
 * or is older than its roll age (an idle log is rolled by {@link #rollIfDue}), so old files can go once their records
 * expire. A failed append is cut off again and its file left for a fresh one: the caller's messages are not recorded,
 * so they are sent again.
 *
 * <p>Each file is a {@link Segment} counting its records still remembered, plus one while it takes appends: every
 * entry {@link #append} returns holds its file once, and a file that stops taking appends is handed to
 * {@code rolled}, which lets that last hold go (the file goes with the last of them).
 */
final class SentLog {

    /** Every sent log's name ends so. */
    static final String SUFFIX = ".sent";
    /** A file this long takes no more appends. */
    static final long ROTATE_BYTES = 16L * 1024 * 1024;
    /** How far past an append that outgrows the zeros written ahead the file is written ahead again. */
    static final long ZEROS_AHEAD = 1024 * 1024;

    /** One caller's records and, once committed, where they are. */
    private static final class Append {
        final String firstId;
        final List<byte[][]> frames;
        List<Segment.Entry> entries;

        Append(String firstId, List<byte[][]> frames) {
            this.firstId = firstId;
            this.frames = frames;
        }
    }

    private final Path dir;
    private final Durability durability;
    private final Clock clock;
    private final Duration rollAfter;
    private final Consumer<Segment> rolled;
    private final GroupCommit<Append> commits;
    // The file taking appends, open, and its length (0 while none is current); touched only by the group commit's
    // leader.
    private Segment current;
    private FileChannel channel;
    private long length;
    // How far the current file holds bytes (its records, then zeros written ahead).
    private long allocated;
    // When the current file is due to roll by age; read by other threads (rollDue), null while no file is current.
    private volatile Instant rollAt;

    /**
     * A log in {@code dir} whose files take appends for {@code rollAfter} at most (by {@code clock}); each file that
     * stops taking them is handed to {@code rolled} with its hold as the current file.
     */
    SentLog(Path dir, Durability durability, Clock clock, Duration rollAfter, Consumer<Segment> rolled) {
        this.dir = dir;
        this.durability = durability;
        this.clock = clock;
        this.rollAfter = rollAfter;
        this.rolled = rolled;
        this.commits = new GroupCommit<>(this::appendAll);
    }

    /**
     * Appends {@code payloads} (the first named {@code firstId}) as frames and returns once they are on disk, with
     * where each frame is (each entry holding its file once); throws with none of them recorded.
     */
    List<Segment.Entry> append(String firstId, List<byte[]> payloads) throws IOException {
        List<byte[][]> frames = new ArrayList<>(payloads.size());
        for (byte[] payload : payloads) {
            frames.add(Segment.frame(payload));
        }
        Append append = new Append(firstId, frames);
        commits.commit(append);
        return append.entries;
    }

    /** Whether the current file is old enough to roll at {@code now} (one volatile read). */
    boolean rollDue(Instant now) {
        Instant at = rollAt;
        return at != null && !now.isBefore(at);
    }

    /**
     * Rolls the current file if it is old enough, appending nothing: a log that takes no more appends (the service
     * idle) must not keep its forgotten records on disk until the next one.
     */
    void rollIfDue() throws IOException {
        commits.commit(new Append(null, List.of()));
    }

    private void appendAll(List<Append> batch) throws IOException {
        if (current != null && (length >= ROTATE_BYTES || rollDue(clock.instant()))) {
            roll();
        }
        Append first = batch.stream().filter(append -> !append.frames.isEmpty()).findFirst().orElse(null);
        if (first == null) {
            // Only a roll was asked for.
            return;
        }
        boolean fresh = current == null;
        Path file = fresh ? dir.resolve(first.firstId + SUFFIX) : current.file();
        byte[][] pieces = batch.stream().flatMap(append -> append.frames.stream()).flatMap(Arrays::stream)
                .toArray(byte[][]::new);
        long start = length;
        try {
            if (fresh) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                current = new Segment(file, 1);
                rollAt = clock.instant().plus(rollAfter);
            }
            // The channel's position is already start: only whole appends ever moved it (a failed one rolls to a
            // new file; zeros ahead are written at their place), so no lseek per append.
            long end = start + Arrays.stream(pieces).mapToLong(piece -> piece.length).sum();
            boolean grows = end > allocated;
            if (grows) {
                zerosAhead(end + ZEROS_AHEAD);
            }
            DurableFiles.writeAll(channel, pieces);
            if (grows) {
                durability.forceFile(channel, file);
            } else {
                durability.forceData(channel, file);
            }
            if (fresh) {
                durability.forceDirectory(dir);
            }
        } catch (IOException | RuntimeException e) {
            abandon(file, start);
            int records = batch.stream().mapToInt(append -> append.frames.size()).sum();
            throw new IOException("the outbox could not record " + records + " sent messages: " + e, e);
        }
        long offset = start;
        for (Append append : batch) {
            List<Segment.Entry> entries = new ArrayList<>(append.frames.size());
            for (byte[][] frame : append.frames) {
                int frameLength = Arrays.stream(frame).mapToInt(piece -> piece.length).sum();
                current.hold();
                entries.add(new Segment.Entry(current, offset, frameLength));
                offset += frameLength;
            }
            append.entries = entries;
        }
        length = offset;
    }

    // Writes zeros from the allocated end up to until, so that appends up to there overwrite blocks the file owns
    // and their fsync has no size to commit (forced with the append that needed them).
    private void zerosAhead(long until) throws IOException {
        DurableFiles.writeZeros(channel, allocated, until);
        allocated = until;
    }

    // The current file takes no more appends: closed, and handed over with its hold.
    private void roll() {
        Segment done = current;
        close();
        rolled.accept(done);
    }

    private void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            System.getLogger(SentLog.class.getName()).log(System.Logger.Level.WARNING,
                    "outbox: cannot close " + current.file().getFileName() + ": " + e);
        }
        channel = null;
        current = null;
        length = 0;
        allocated = 0;
        rollAt = null;
    }

    // Cuts a failed append off again (a file it created goes) and leaves the file for a fresh one.
    private void abandon(Path file, long start) {
        Segment failed = current;
        FileChannel open = channel;
        if (failed == null) {
            // The file could not even be created: nothing of ours to cut off or delete.
            return;
        }
        if (start == 0) {
            close();
            DurableFiles.deleteQuietly(file);
            return;
        }
        try {
            open.truncate(start);
            open.force(true);
        } catch (IOException e) {
            // What is left past the whole records is a torn tail to the next start: put aside, never read as sent.
            System.getLogger(SentLog.class.getName()).log(System.Logger.Level.ERROR,
                    "outbox: cannot cut a failed append off " + file.getFileName() + ": " + e);
        }
        roll();
    }
}
