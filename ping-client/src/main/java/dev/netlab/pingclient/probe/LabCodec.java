package dev.netlab.pingclient.probe;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab's protocol: {@code Ping: <seq> <time>}, which the lab's server answers upper-cased. The time (UTC, to the
 * microsecond, as Python's {@code datetime} prints it) is the probe's nonce: a reply must carry the time this run
 * sent under that sequence number. Larger sizes pad the line with trailing spaces, which survive upper-casing.
 */
public final class LabCodec implements ProbeCodec {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final Pattern REPLY =
            Pattern.compile("PING: (\\d{1,18}) (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6})",
                    Pattern.CASE_INSENSITIVE);

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
        Instant micros = sentAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        String text = "Ping: " + seq + " " + TIME.format(LocalDateTime.ofInstant(micros, ZoneOffset.UTC));
        byte[] line = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer bytes = ByteBuffer.allocate(Math.max(size, line.length));
        bytes.put(line);
        while (bytes.hasRemaining()) {
            bytes.put((byte) ' ');
        }
        return new Probe(bytes.flip(), epochMicros(micros), text);
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
        Matcher m = REPLY.matcher(text);
        if (!m.matches()) {
            return new Malformed("not a lab reply");
        }
        try {
            long seq = Long.parseLong(m.group(1));
            Instant time = LocalDateTime.parse(m.group(2), TIME).toInstant(ZoneOffset.UTC);
            return new Reply(seq, epochMicros(time), text, null);
        } catch (DateTimeParseException | NumberFormatException e) {
            return new Malformed("not a lab reply (bad time)");
        }
    }

    private static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
