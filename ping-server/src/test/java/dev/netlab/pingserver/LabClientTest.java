package dev.netlab.pingserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.pingprotocol.Mode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab's own Python client against our lab listener, with the lab's default loss and a seed. */
class LabClientTest {

    private static final long SEED = 20_210_103L;
    private static final Pattern SENT = Pattern.compile("^Sending Ping Message: (Ping: (\\d+) .*)$");
    private static final Pattern PONG = Pattern.compile("^Receiving Pong Message: (.*)$");
    private static final Pattern TIMED_OUT = Pattern.compile("^Request timed out for sequence number: (\\d+)\\s*$");

    @TempDir
    Path dir;

    @Test
    void theLabsClientGetsUpperCasedRepliesWithTheSeededLossExactly() throws Exception {
        // The lab drops when randint(0, 10) < 4; ours, seeded, draws SplittableRandom(seed).nextInt(11) < 4.
        SplittableRandom lab = new SplittableRandom(SEED);
        List<Integer> expectedLost = new ArrayList<>();
        for (int seq = 1; seq <= 10; seq++) {
            if (lab.nextInt(11) < 4) {
                expectedLost.add(seq);
            }
        }
        assertThat(expectedLost).as("the seed must drop some but not all").isNotEmpty().hasSizeLessThan(10);

        try (ServerFixture server = ServerFixture.start(Map.of("pingserver.listeners.lab.seed", Long.toString(SEED)))) {
            Path script = dir.resolve("client.py");
            String text;
            try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/lab/client.py"))) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(text).contains("('localhost', 12000)");
            Files.writeString(script,
                    text.replace("('localhost', 12000)", "('localhost', " + server.port(Mode.LAB) + ")"));

            Process python = new ProcessBuilder(python3(), script.toString())
                    .redirectErrorStream(true).directory(dir.toFile()).start();
            try {
                assertThat(python.waitFor(60, TimeUnit.SECONDS)).as("the client finishes").isTrue();
                String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(python.exitValue()).as(output).isZero();

                List<Integer> lost = new ArrayList<>();
                String lastSent = null;
                int pongs = 0;
                for (String line : output.split("\\R")) {
                    Matcher sent = SENT.matcher(line);
                    Matcher pong = PONG.matcher(line);
                    Matcher timedOut = TIMED_OUT.matcher(line);
                    if (sent.matches()) {
                        lastSent = sent.group(1);
                    } else if (pong.matches()) {
                        pongs++;
                        assertThat(pong.group(1)).isEqualTo(lastSent.toUpperCase(java.util.Locale.ROOT));
                        assertThat(pong.group(1)).startsWith("PING: ");
                    } else if (timedOut.matches()) {
                        lost.add(Integer.parseInt(timedOut.group(1)));
                    }
                }
                assertThat(lost).as(output).isEqualTo(expectedLost);
                assertThat(pongs).isEqualTo(10 - expectedLost.size());
            } finally {
                python.destroyForcibly();
            }
            assertThat(server.value("pingserver_packets_dropped_total", "mode", "lab", "reason", "simulated"))
                    .isEqualTo(expectedLost.size());
            server.awaitValue(10 - expectedLost.size(), "pingserver_packets_reflected_total", "mode", "lab");
            assertThat(server.value("pingserver_packets_received_total", "mode", "lab")).isEqualTo(10);
            // The client's pings carry sequence numbers 1..10: one sender, nothing lost on the way in.
            String senders = server.get("/api/senders").body();
            assertThat(senders).contains("\"mode\":\"lab\"", "\"last_seq\":10", "\"packets\":10",
                    "\"forward_lost\":0");
        }
    }

    /** python3 from PATH; its absence is a failure with the reason, not a skip. */
    private static String python3() {
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(p -> Path.of(p, "python3")).filter(Files::isExecutable).findFirst();
        assertThat(found).as("python3 on PATH (Debian package python3) runs the lab's client").isPresent();
        return found.get().toString();
    }
}
