package dev.netlab.mailclient.outbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sent records, appended to one file in {@code state/} ({@code <first id>.sent}, framed like a segment): a
 * delivery batch's records are one write and one fsync at the file's end, with no new file and no directory fsync;
 * batches that arrive together share them ({@link GroupCommit}). The first append of a file also fsyncs the
 * directory, so its name survives a crash. Each process starts a file of its own (never writing after a tail a
 * crash may have torn) and a new one once a file passes {@link #ROTATE_BYTES}, so old files can go once their
 * records expire. A failed append is cut off again and its file left for a fresh one: the caller's messages are not
 * recorded, so they are sent again.
 */
final class SentLog {

    /** Every sent log's name ends so. */
    static final String SUFFIX = ".sent";
    /** A file this long takes no more appends. */
    static final long ROTATE_BYTES = 16L * 1024 * 1024;

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
    private final GroupCommit<Append> commits;
    // The file taking appends and its length; touched only by the group commit's leader.
    private Segment current;
    private long length;

    SentLog(Path dir, Durability durability) {
        this.dir = dir;
        this.durability = durability;
        this.commits = new GroupCommit<>(this::appendAll);
    }

    /**
     * Appends {@code payloads} (the first named {@code firstId}) as frames and returns once they are on disk, with
     * where each frame is; throws with none of them recorded.
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

    private void appendAll(List<Append> batch) throws IOException {
        boolean fresh = current == null || length >= ROTATE_BYTES;
        if (fresh) {
            current = new Segment(dir.resolve(batch.get(0).firstId + SUFFIX), 0);
            length = 0;
        }
        Path file = current.file();
        byte[][] pieces = batch.stream().flatMap(append -> append.frames.stream()).flatMap(Arrays::stream)
                .toArray(byte[][]::new);
        long start = length;
        try {
            try (FileChannel channel = fresh
                    ? FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.position(start);
                DurableFiles.writeAll(channel, pieces);
            }
            durability.forceFile(file);
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
                entries.add(new Segment.Entry(current, offset, frameLength));
                offset += frameLength;
            }
            append.entries = entries;
        }
        length = offset;
    }

    // Cuts a failed append off again (a file it created goes) and leaves the file for a fresh one.
    private void abandon(Path file, long start) {
        current = null;
        if (start == 0) {
            DurableFiles.deleteQuietly(file);
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(start);
            channel.force(true);
        } catch (IOException e) {
            // What is left past the whole records is a torn tail to the next start: put aside, never read as sent.
            System.getLogger(SentLog.class.getName()).log(System.Logger.Level.ERROR,
                    "outbox: cannot cut a failed append off " + file.getFileName() + ": " + e);
        }
    }
}
