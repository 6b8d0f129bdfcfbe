package dev.netlab.pingclient.probe;

import dev.netlab.pingprotocol.LabPing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The lab's protocol ({@link LabPing}): {@code Ping: <seq> <time>}, which the lab's server answers upper-cased. The
 * time (UTC, to the microsecond) is the probe's nonce: a reply must carry the time this run sent under that sequence
 * number. Larger sizes pad the line with trailing spaces, which survive upper-casing.
 */
public final class LabCodec implements ProbeCodec {

    private final int size;

    LabCodec(int size) {
        this.size = size;
    }

    @Override
    public int minimumSize() {
        return 0;
    }

    @Override
    public Probe encode(long seq, Instant sentAt) {
        String text = LabPing.format(seq, sentAt);
        byte[] line = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer bytes = ByteBuffer.allocate(Math.max(size, line.length));
        bytes.put(line);
        while (bytes.hasRemaining()) {
            bytes.put((byte) ' ');
        }
        return new Probe(bytes.flip(), epochMicros(sentAt.truncatedTo(ChronoUnit.MICROS)), text);
    }

    @Override
    public Decoded decode(ByteBuffer datagram) {
        byte[] raw = new byte[datagram.remaining()];
        datagram.get(raw);
        for (byte b : raw) {
            if (b < 0x20 || b > 0x7E) {
                return new Malformed("not a lab reply (binary data)");
            }
        }
        String text = new String(raw, StandardCharsets.US_ASCII).strip();
        LabPing pong = LabPing.parsePong(text);
        if (pong == null) {
            return new Malformed("not a lab reply");
        }
        if (pong.sentAt() == null) {
            return new Malformed("not a lab reply (bad time)");
        }
        return new Reply(pong.seq(), epochMicros(pong.sentAt()), text, null);
    }

    /** Microseconds since the epoch; the pong's time has four-digit years, so this never overflows. */
    private static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
