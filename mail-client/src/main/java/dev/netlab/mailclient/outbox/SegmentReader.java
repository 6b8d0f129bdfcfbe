package dev.netlab.mailclient.outbox;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads segment files frame by frame, one message in memory at a time; zeros after the last frame are a segment's
 * unused end (written ahead, {@link SpareSegments}), not damage. A damaged stretch (truncated, altered, not a
 * frame) is reported with its bytes, and reading goes on at the next frame whose SHA-256 checks, so one bad record
 * never costs the good ones after it.
 */
final class SegmentReader {

    /** Turns one intact frame's payload into what it holds, or says why it cannot. */
    @FunctionalInterface
    interface Decoder<T> {
        T decode(byte[] payload) throws CorruptMessageException;
    }

    /** A whole frame: what it holds (a message, a status record) and where it is. */
    record Found<T>(T value, long offset, int length) {
    }

    /** A stretch of the file that holds no readable message, and why. */
    record Damage(long offset, byte[] bytes, String reason) {
    }

    /** What one pass over a segment found. */
    record Scan<T>(List<Found<T>> found, List<Damage> damaged) {
    }

    private static final int SEARCH_CHUNK = 64 * 1024;

    private SegmentReader() {
    }

    /** Every message in {@code file} and every damaged stretch between them. */
    static Scan<QueuedMessage> scan(Path file) throws IOException {
        return scan(file, MessageFile::decodeFramed);
    }

    /** Every frame in {@code file}, decoded, and every damaged stretch between them. */
    static <T> Scan<T> scan(Path file, Decoder<T> decoder) throws IOException {
        List<Found<T>> found = new ArrayList<>();
        List<Damage> damaged = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long offset = 0;
            while (offset < size) {
                byte[] payload = intactPayload(channel, offset, size);
                if (payload == null) {
                    if (zerosToEnd(channel, offset, size)) {
                        // The part of a segment written ahead that no commit reached.
                        break;
                    }
                    long next = nextIntactFrame(channel, offset + 1, size);
                    // A torn last commit: the damage ends where the zeros after it begin.
                    long end = next == size ? endOfData(channel, offset, size) : next;
                    damaged.add(new Damage(offset, readFully(channel, offset, (int) (end - offset)),
                            describe(channel, offset, size)));
                    offset = next;
                    continue;
                }
                int length = Segment.FRAME_HEADER + payload.length;
                try {
                    found.add(new Found<>(decoder.decode(payload), offset, length));
                } catch (CorruptMessageException e) {
                    damaged.add(new Damage(offset, readFully(channel, offset, length), e.getMessage()));
                }
                offset += length;
            }
        }
        return new Scan<>(found, damaged);
    }

    /** What the frame at {@code entry} holds, or why it cannot be read any more. */
    static <T> T read(Segment.Entry entry, Decoder<T> decoder) throws IOException, CorruptMessageException {
        try (FileChannel channel = FileChannel.open(entry.segment().file(), StandardOpenOption.READ)) {
            byte[] payload = intactPayload(channel, entry.offset(), channel.size());
            if (payload == null || Segment.FRAME_HEADER + payload.length != entry.length()) {
                throw new CorruptMessageException(describe(channel, entry.offset(), channel.size()));
            }
            return decoder.decode(payload);
        }
    }

    /**
     * What reading one frame of a batch gave: its value, or why it cannot be read with the frame's bytes as far as
     * they are there (to put it aside).
     */
    record Read<T>(T value, String failure, byte[] bytes) {
    }

    // A batch's frames are read with one read when they lie within this span (they are usually neighbours).
    private static final int MAX_SPAN = 8 * 1024 * 1024;

    /**
     * What the frames at {@code entries} (all in one segment) hold, in their order, from one open of the file and one
     * read of the stretch that spans them; each frame still checks its own magic, length and SHA-256.
     *
     * @throws java.nio.file.NoSuchFileException when the segment is gone
     */
    static <T> List<Read<T>> readAll(List<Segment.Entry> entries, Decoder<T> decoder) throws IOException {
        long from = Long.MAX_VALUE;
        long to = 0;
        for (Segment.Entry entry : entries) {
            from = Math.min(from, entry.offset());
            to = Math.max(to, entry.offset() + entry.length());
        }
        List<Read<T>> reads = new ArrayList<>(entries.size());
        try (FileChannel channel = FileChannel.open(entries.get(0).segment().file(), StandardOpenOption.READ)) {
            long size = channel.size();
            long end = Math.min(to, size);
            byte[] span = end - from <= MAX_SPAN && end > from ? readFully(channel, from, (int) (end - from)) : null;
            for (Segment.Entry entry : entries) {
                byte[] frame = span != null ? slice(span, entry.offset() - from, entry.length())
                        : readFully(channel, entry.offset(), (int) Math.max(0, Math.min(entry.length(),
                                size - entry.offset())));
                reads.add(decodeFrame(frame, entry.length(), decoder));
            }
        }
        return reads;
    }

    // The part of span for one frame, as far as the file held it.
    private static byte[] slice(byte[] span, long at, int length) {
        int start = (int) Math.min(at, span.length);
        return Arrays.copyOfRange(span, start, (int) Math.min(span.length, at + length));
    }

    // One frame's bytes (the whole frame, or what is left of it) checked and decoded.
    private static <T> Read<T> decodeFrame(byte[] frame, int length, Decoder<T> decoder) {
        if (frame.length < Segment.FRAME_HEADER) {
            return new Read<>(null, "a frame cut short after " + frame.length + " bytes (truncated?)", frame);
        }
        ByteBuffer header = ByteBuffer.wrap(frame, 0, Segment.FRAME_HEADER);
        byte[] magic = new byte[Segment.MAGIC.length];
        header.get(magic);
        int payloadLength = header.getInt();
        if (!Arrays.equals(magic, Segment.MAGIC)) {
            return new Read<>(null, "not an outbox frame", frame);
        }
        if (payloadLength != length - Segment.FRAME_HEADER || frame.length != length) {
            return new Read<>(null, "the frame says " + payloadLength + " bytes, "
                    + (frame.length - Segment.FRAME_HEADER) + " are there (truncated?)", frame);
        }
        byte[] sha256 = new byte[32];
        header.get(sha256);
        byte[] payload = Arrays.copyOfRange(frame, Segment.FRAME_HEADER, frame.length);
        if (!MessageDigest.isEqual(sha256, MessageFile.sha256(payload))) {
            return new Read<>(null, "the frame does not match its SHA-256", frame);
        }
        try {
            return new Read<>(decoder.decode(payload), null, frame);
        } catch (CorruptMessageException e) {
            return new Read<>(null, e.getMessage(), frame);
        }
    }

    /** The bytes of the frame at {@code entry} as far as they are there (to put a damaged one aside). */
    static byte[] bytes(Segment.Entry entry) throws IOException {
        try (FileChannel channel = FileChannel.open(entry.segment().file(), StandardOpenOption.READ)) {
            long end = Math.min(channel.size(), entry.offset() + entry.length());
            return readFully(channel, entry.offset(), (int) Math.max(0, end - entry.offset()));
        }
    }

    // The payload of the frame at offset when magic, length and SHA-256 all check; null otherwise.
    private static byte[] intactPayload(FileChannel channel, long offset, long size) throws IOException {
        if (size - offset < Segment.FRAME_HEADER) {
            return null;
        }
        ByteBuffer header = ByteBuffer.wrap(readFully(channel, offset, Segment.FRAME_HEADER));
        byte[] magic = new byte[Segment.MAGIC.length];
        header.get(magic);
        int length = header.getInt();
        if (!Arrays.equals(magic, Segment.MAGIC) || length < 0
                || length > size - offset - Segment.FRAME_HEADER) {
            return null;
        }
        byte[] sha256 = new byte[32];
        header.get(sha256);
        byte[] payload = readFully(channel, offset + Segment.FRAME_HEADER, length);
        return MessageDigest.isEqual(sha256, MessageFile.sha256(payload)) ? payload : null;
    }

    private static String describe(FileChannel channel, long offset, long size) throws IOException {
        if (size - offset < Segment.FRAME_HEADER) {
            return "a frame cut short after " + (size - offset) + " bytes (truncated?)";
        }
        ByteBuffer header = ByteBuffer.wrap(readFully(channel, offset, Segment.FRAME_HEADER));
        byte[] magic = new byte[Segment.MAGIC.length];
        header.get(magic);
        if (!Arrays.equals(magic, Segment.MAGIC)) {
            return "not an outbox frame";
        }
        int length = header.getInt();
        if (length < 0 || length > size - offset - Segment.FRAME_HEADER) {
            return "the frame says " + length + " bytes, " + (size - offset - Segment.FRAME_HEADER)
                    + " are there (truncated?)";
        }
        return "the frame does not match its SHA-256";
    }

    // The offset of the next frame at or after from whose checks pass, or size when there is none.
    private static long nextIntactFrame(FileChannel channel, long from, long size) throws IOException {
        long at = from;
        while (at < size) {
            long candidate = nextMagic(channel, at, size);
            if (candidate == size || intactPayload(channel, candidate, size) != null) {
                return candidate;
            }
            at = candidate + 1;
        }
        return size;
    }

    // Whether every byte from on is zero (read until the first that is not).
    private static boolean zerosToEnd(FileChannel channel, long from, long size) throws IOException {
        for (long start = from; start < size; start += SEARCH_CHUNK) {
            byte[] chunk = readFully(channel, start, (int) Math.min(SEARCH_CHUNK, size - start));
            for (byte b : chunk) {
                if (b != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    // Just past the last byte from on that is not zero.
    private static long endOfData(FileChannel channel, long from, long size) throws IOException {
        long end = from;
        for (long start = from; start < size; start += SEARCH_CHUNK) {
            byte[] chunk = readFully(channel, start, (int) Math.min(SEARCH_CHUNK, size - start));
            for (int i = chunk.length - 1; i >= 0; i--) {
                if (chunk[i] != 0) {
                    end = start + i + 1;
                    break;
                }
            }
        }
        return end;
    }

    private static long nextMagic(FileChannel channel, long from, long size) throws IOException {
        byte[] magic = Segment.MAGIC;
        for (long start = from; start < size; start += SEARCH_CHUNK) {
            int length = (int) Math.min(SEARCH_CHUNK + magic.length - 1, size - start);
            byte[] chunk = readFully(channel, start, length);
            for (int i = 0; i + magic.length <= chunk.length && i < SEARCH_CHUNK; i++) {
                if (Arrays.equals(chunk, i, i + magic.length, magic, 0, magic.length)) {
                    return start + i;
                }
            }
        }
        return size;
    }

    private static byte[] readFully(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new EOFException("the segment ended early");
            }
        }
        return buffer.array();
    }
}
