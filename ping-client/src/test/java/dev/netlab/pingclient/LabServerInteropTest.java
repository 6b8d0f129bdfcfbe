package dev.netlab.pingclient;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.kit.testing.ServiceProcess;
import dev.netlab.pingclient.probe.FaultyReflector;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interop with real peers: the lab's own Python UDP pinger server (upper-cased replies, loss when
 * {@code randint(0, 10) < 4}, seeded here so the drops are known) and an RFC 862 echo server.
 */
class LabServerInteropTest {

    private static final long SEED = 7;
    /** Seconds a probe waits: a loaded machine must not turn a slow reply into a loss the seed did not draw. */
    private static final String REPLY_WAIT = "3";
    private static final int COUNT = 11;
    /** Python's random.seed(7) draws 5 2 6 10 0 1 8 1 5 9 0 for randint(0, 10): these are at least 4. */
    private static final List<Long> SEEDED_REPLIES = List.of(1L, 3L, 4L, 7L, 9L, 10L);
    private ServiceProcess server;
    private int port;

    /** A fresh server per test, so its generator starts at the seed. */
    @BeforeEach
    void startTheLabServer() throws Exception {
        Path script = resource("/lab/UDPPingerServer.py");
        server = ServiceProcess.start(List.of(python3(), script.toString(), "0", Long.toString(SEED)), Map.of(), null);
        String ready = server.awaitStartLine(Duration.ofSeconds(120));
        assertThat(ready).startsWith("ready ");
        port = Integer.parseInt(ready.substring("ready ".length()).strip());
    }

    @AfterEach
    void stopTheLabServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theSeededServerDrawsWhatThisTestExpects() throws Exception {
        assertThat(repliedSequences()).isEqualTo(SEEDED_REPLIES);
    }

    @Test
    void theLabsReportIsReproducedWithExactlyTheSeededLoss() throws Exception {
        List<Long> expectedReplies = SEEDED_REPLIES;
        CommandRunner.Result result = CommandRunner.run("ping", "127.0.0.1:" + port, "-c", Integer.toString(COUNT),
                "-i", "0.05", "-W", REPLY_WAIT);
        assertThat(result.exit()).isZero();
        List<String> lines = result.out().lines().toList();
        List<Long> replied = new ArrayList<>();
        List<Long> timedOut = new ArrayList<>();
        Pattern pong = Pattern.compile("Receiving Pong Message: PING: (\\d+) \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
        Pattern timeout = Pattern.compile("Request timed out for sequence number: (\\d+)");
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = pong.matcher(lines.get(i));
            if (m.matches()) {
                replied.add(Long.parseLong(m.group(1)));
                assertThat(lines.get(i + 1)).matches("Round Trip Time\\(RTT\\): 0\\.\\d{6} seconds");
            }
            Matcher t = timeout.matcher(lines.get(i));
            if (t.matches()) {
                timedOut.add(Long.parseLong(t.group(1)));
            }
        }
        assertThat(lines).filteredOn(l -> l.startsWith("Sending Ping Message: Ping: ")).hasSize(COUNT);
        assertThat(replied).containsExactlyElementsOf(expectedReplies);
        assertThat(replied.size() + timedOut.size()).isEqualTo(COUNT);
        // 5 of 11 lost: 45.4545%, as iputils' printf("%g") writes it (six significant digits).
        assertThat(result.out()).contains("11 packets transmitted, 6 received, 45.4545% packet loss, time ");
    }

    @Test
    void jsonAgainstTheLabServerCountsTheSameWay() throws Exception {
        List<Long> expectedReplies = SEEDED_REPLIES;
        CommandRunner.Result result = CommandRunner.run("ping", "127.0.0.1:" + port, "-c", "11", "-i", "0.05",
                "-W", REPLY_WAIT, "--format", "json");
        JsonNode json = new ObjectMapper().readTree(result.out());
        long ok = 0;
        for (JsonNode probe : json.get("probes")) {
            ok += probe.get("status").asText().equals("ok") ? 1 : 0;
        }
        assertThat(json.get("received").asLong()).isEqualTo(ok).isEqualTo(expectedReplies.size());
        assertThat(json.get("transmitted").asLong()).isEqualTo(COUNT);
        assertThat(json.get("errors").get("malformed").asLong()).isZero();
        assertThat(json.get("errors").get("foreign").asLong()).isZero();
        assertThat(result.exit()).isEqualTo(ok > 0 ? 0 : 1);
    }

    @Test
    void anRfc862EchoServerAnswersEveryEchoProbe() throws Exception {
        CommandRunner.Result result;
        // FaultyReflector without faults is a plain RFC 862 echo: every datagram back, unchanged, to its sender.
        try (var echo = FaultyReflector.clean(FaultyReflector.Kind.ECHO)) {
            result = CommandRunner.run("ping", "127.0.0.1:" + echo.address().getPort(), "--mode", "echo", "-c", "4",
                    "-i", "0.02", "-s", "200");
        }
        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("200 bytes from 127.0.0.1:")
                .contains("4 packets transmitted, 4 received, 0% packet loss");
    }

    /** The sequence numbers the seeded server answers: it draws randint(0, 10) per datagram, drops below 4. */
    private static List<Long> repliedSequences() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python3(), "-c",
                "import random; random.seed(" + SEED + "); print(' '.join(str(random.randint(0, 10)) for _ in range("
                        + COUNT + ")))").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).isZero();
        int[] draws = Arrays.stream(out.split(" ")).mapToInt(Integer::parseInt).toArray();
        List<Long> replied = new ArrayList<>();
        for (int i = 0; i < draws.length; i++) {
            if (draws[i] >= 4) {
                replied.add((long) i + 1);
            }
        }
        return replied;
    }

    static String python3() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "python3");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError("python3 is not on PATH: the lab's server needs it (apt-get install python3)");
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(LabServerInteropTest.class.getResource(name).toURI());
    }
}
