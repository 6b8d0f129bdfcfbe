package dev.netlab.mailclient.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a server undoes (RFC 5321 section 4.5.2) gives back exactly the lines we meant, whatever they hold: the edge
 * cases listed below, then a fixed number of cases from a seeded generator (the seed and the case are in the failure
 * message, so a failure replays exactly).
 */
class DataEncoderPropertiesTest {

    private static final long SEED = 20_261_124L;
    private static final int CASES = 1000;
    private static final int MAX_LINES = 20;
    private static final int MAX_LINE_LENGTH = 120;
    private static final char[] ALPHABET = {'.', ' ', 'a', 'b', 'c', 'd', 'e'};

    /** Lines where dot-stuffing and line ends are most easily got wrong. */
    private static final List<List<String>> EDGE_CASES = List.of(
            List.of(),
            List.of(""),
            List.of("", ""),
            List.of("."),
            List.of(".", ""),
            List.of("", "."),
            List.of(".."),
            List.of("..."),
            List.of(".", ".", "."),
            List.of(" ."),
            List.of(". "),
            List.of("a", ".", "b"),
            List.of("a", "", "", "b"),
            List.of("a.", ".a", "a..a"),
            List.of(".".repeat(MAX_LINE_LENGTH)),
            List.of("", "", "", ".", "", ""));

    @Test
    void unstuffingTheEncodedDataGivesBackTheLinesForTheEdgeCases() {
        for (List<String> lines : EDGE_CASES) {
            for (boolean bareLf : new boolean[] {false, true}) {
                checkRoundTrip(lines, bareLf, "edge case " + lines + (bareLf ? " with bare LF" : " with CRLF"));
            }
        }
    }

    @Test
    void unstuffingTheEncodedDataGivesBackTheLinesForSeededRandomLines() {
        Random random = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            List<String> lines = randomLines(random);
            boolean bareLf = random.nextBoolean();
            checkRoundTrip(lines, bareLf, "seed " + SEED + ", case " + i + " of " + CASES + ": " + lines
                    + (bareLf ? " with bare LF" : " with CRLF"));
        }
    }

    private static List<String> randomLines(Random random) {
        // Short lines and dots are favoured: they are where stuffing matters.
        int count = random.nextInt(MAX_LINES + 1);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = random.nextInt(4) == 0 ? random.nextInt(MAX_LINE_LENGTH + 1) : random.nextInt(4);
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < length; j++) {
                line.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static void checkRoundTrip(List<String> lines, boolean bareLf, String description) {
        String content = String.join(bareLf ? "\n" : "\r\n", lines);
        DataEncoder.Encoded encoded = DataEncoder.encode(content.getBytes(StandardCharsets.US_ASCII));
        String wire = new String(encoded.bytes(), StandardCharsets.US_ASCII);

        assertThat(wire).as(description).endsWith(".\r\n");
        assertThat(wire.replace("\r\n", "")).as(description).doesNotContain("\r").doesNotContain("\n");
        List<String> received = new ArrayList<>();
        String[] wireLines = wire.substring(0, wire.length() - 3).split("\r\n", -1);
        assertThat(wireLines[wireLines.length - 1]).as(description + ": the data ends with CRLF before the dot")
                .isEmpty();
        for (int i = 0; i < wireLines.length - 1; i++) {
            String line = wireLines[i];
            // Only the terminator may be a lone dot; the server strips one leading dot from every other line.
            assertThat(line).as(description).isNotEqualTo(".");
            received.add(line.startsWith(".") ? line.substring(1) : line);
        }
        List<String> expected = new ArrayList<>(lines);
        if (!expected.isEmpty() && expected.get(expected.size() - 1).isEmpty()) {
            // A trailing empty line is the final line end, not a line of its own.
            expected.remove(expected.size() - 1);
        }
        assertThat(received).as(description).isEqualTo(expected);
        assertThat(encoded.lines()).as(description + ": line count").isEqualTo(expected.size());
    }
}
