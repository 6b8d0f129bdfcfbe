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
 * Reads segment files frame by frame, one message in memory at a time. A damaged stretch (truncated, altered, not a
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
        return scan(file, MessageFile::decode);
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
                    long next = nextIntactFrame(channel, offset + 1, size);
                    damaged.add(new Damage(offset, readFully(channel, offset, (int) (next - offset)),
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

    /** The message at {@code entry}, or why it cannot be read any more. */
    static QueuedMessage read(Segment.Entry entry) throws IOException, CorruptMessageException {
        return read(entry, MessageFile::decode);
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
