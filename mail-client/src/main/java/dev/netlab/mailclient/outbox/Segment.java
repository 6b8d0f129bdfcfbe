package dev.netlab.mailclient.outbox;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One file of frames and how many of them are still needed: in {@code queue/} a segment, the messages one group
 * commit accepted, counting those not finished yet (the file is deleted when the last one is sent or failed); in
 * {@code state/} a file of sent records, counting the records still remembered (plus one while it takes appends or
 * is being loaded), deleted when none is left. A frame is
 * {@code "NLR1"}, the payload's length (4 bytes, big-endian), the payload's SHA-256 (32 bytes), then the payload: a
 * {@link MessageFile} (header line and the message's bytes).
 */
final class Segment {

    /** Every segment file's name ends so. */
    static final String SUFFIX = ".seg";
    /** The first bytes of every frame (the format's version is its last character). */
    static final byte[] MAGIC = {'N', 'L', 'R', '1'};
    /** Magic, length and SHA-256: the bytes before a frame's payload. */
    static final int FRAME_HEADER = MAGIC.length + Integer.BYTES + 32;

    /** Where one message's frame is: its segment, the frame's offset and its whole length. */
    record Entry(Segment segment, long offset, int length) {
        /** The name under which a damaged frame is put aside: {@code <segment>@<offset>}. */
        String name() {
            return segment.file().getFileName() + "@" + offset;
        }
    }

    private final Path file;
    private final AtomicInteger needed;
    // What waits for this file to be gone (guarded by this); null once it is.
    private List<Runnable> whenGone = new ArrayList<>(0);

    Segment(Path file, int needed) {
        this.file = file;
        this.needed = new AtomicInteger(needed);
    }

    Path file() {
        return file;
    }

    /** Counts one more of its frames needed (a message waiting, a record remembered). */
    void hold() {
        needed.incrementAndGet();
    }

    /** Counts one of its frames no longer needed; true when it was the last one, so the file may go. */
    boolean release() {
        return needed.decrementAndGet() == 0;
    }

    /**
     * Keeps {@code action} to run once the file is gone ({@link #gone}) and returns true; returns false, keeping
     * nothing, when it is gone already.
     */
    synchronized boolean whenGone(Runnable action) {
        if (whenGone == null) {
            return false;
        }
        whenGone.add(action);
        return true;
    }

    /** Says the file is deleted and runs what waited for that. */
    void gone() {
        List<Runnable> waiting;
        synchronized (this) {
            waiting = whenGone;
            whenGone = null;
        }
        if (waiting != null) {
            waiting.forEach(Runnable::run);
        }
    }

    /**
     * The frame whose payload is {@code parts} one after another, as its pieces: the frame header (magic, length,
     * SHA-256), then the parts themselves, not copied (the segment writer writes them all in one gathering write).
     */
    static byte[][] frame(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[][] pieces = new byte[parts.length + 1][];
        pieces[0] = ByteBuffer.allocate(FRAME_HEADER).put(MAGIC).putInt(length).put(MessageFile.sha256(parts))
                .array();
        System.arraycopy(parts, 0, pieces, 1, parts.length);
        return pieces;
    }
}
