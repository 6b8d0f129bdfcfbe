package dev.netlab.mailclient.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** What a server undoes (RFC 5321 section 4.5.2) gives back exactly the lines we meant, whatever they hold. */
class DataEncoderPropertiesTest {

    @Property(tries = 300, seed = "20261124")
    void unstuffingTheEncodedDataGivesBackTheLines(
            @ForAll @Size(max = 20) List<@StringLength(max = 120) @Chars({'.', ' '}) @CharRange(from = 'a', to = 'e')
                    String> lines,
            @ForAll boolean bareLf) {
        String content = String.join(bareLf ? "\n" : "\r\n", lines);
        byte[] encoded = DataEncoder.encode(content.getBytes(StandardCharsets.US_ASCII)).bytes();
        String wire = new String(encoded, StandardCharsets.US_ASCII);

        assertThat(wire).endsWith(".\r\n");
        assertThat(wire.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
        List<String> received = new ArrayList<>();
        String[] wireLines = wire.substring(0, wire.length() - 3).split("\r\n", -1);
        for (int i = 0; i < wireLines.length - 1; i++) {
            String line = wireLines[i];
            // Only the terminator may be a lone dot; the server strips one leading dot from every other line.
            assertThat(line).isNotEqualTo(".");
            received.add(line.startsWith(".") ? line.substring(1) : line);
        }
        List<String> expected = new ArrayList<>(lines);
        if (!expected.isEmpty() && expected.get(expected.size() - 1).isEmpty()) {
            // A trailing empty line is the final line end, not a line of its own.
            expected.remove(expected.size() - 1);
        }
        assertThat(received).isEqualTo(expected);
    }
}
