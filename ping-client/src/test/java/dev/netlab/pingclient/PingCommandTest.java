package dev.netlab.pingclient;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.pingclient.probe.FaultyReflector;
import dev.netlab.pingclient.probe.FaultyReflector.Delay;
import dev.netlab.pingclient.probe.FaultyReflector.Drop;
import dev.netlab.pingclient.probe.FaultyReflector.Kind;
import dev.netlab.pingclient.probe.LossRatio;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ping TARGET [options]}: output formats, exit codes, usage errors. */
class PingCommandTest {

    private static String target(FaultyReflector reflector) {
        return "127.0.0.1:" + reflector.address().getPort();
    }

    @Test
    void echoModePrintsIputilsLinesAndSummary() throws Exception {
        CommandRunner.Result result;
        try (var reflector = FaultyReflector.clean(Kind.ECHO)) {
            result = CommandRunner.run("ping", target(reflector), "--mode", "echo", "-c", "3", "-i", "0.02",
                    "-W", REPLY_WAIT);
        }
        assertThat(result.exit()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines.get(0)).matches("PING 127\\.0\\.0\\.1:\\d+ \\(127\\.0\\.0\\.1:\\d+\\) udp/echo 56 bytes of data\\.");
        assertThat(lines.subList(1, 4)).allMatch(l -> l.matches("56 bytes from 127\\.0\\.0\\.1:\\d+: seq=[123] time=\\d+\\.\\d{3} ms"));
        assertThat(lines).contains("--- " + lines.get(0).split(" ")[1] + " ping statistics ---");
        assertThat(lines).anyMatch(l -> l.matches("3 packets transmitted, 3 received, 0% packet loss, time \\d+ms"));
        assertThat(lines.getLast()).matches("rtt min/avg/max/mdev = \\d+\\.\\d{3}/\\d+\\.\\d{3}/\\d+\\.\\d{3}/\\d+\\.\\d{3} ms");
    }

    @Test
    void anIpv6TargetIsWrittenInBrackets() throws Exception {
        CommandRunner.Result result;
        try (var reflector = FaultyReflector.cleanOn(InetAddress.getByName("::1"), Kind.STAMP_STATELESS)) {
            result = CommandRunner.run("ping", "[::1]:" + reflector.address().getPort(), "--mode", "stamp", "-c", "2",
                    "-i", "0.02", "-W", REPLY_WAIT);
        }
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).containsPattern("44 bytes from \\[::1\\]:\\d+: seq=1 time=")
                .contains("2 packets transmitted, 2 received");
    }

    /**
     * A reply this late misses its 1 s timeout and still arrives within the 10-probe run (2.25 s of sends, then 1 s):
     * the timeout leaves a loaded machine a second for every other reply.
     */
    private static final Duration LATE = Duration.ofMillis(1500);
    /** Seconds a probe waits where a test counts replies, not their speed: generous for a loaded machine. */
    private static final String REPLY_WAIT = "5";

    @Test
    void theSummaryShowsLateDuplicatesAndLossAsIputilsDoes() throws Exception {
        CommandRunner.Result result;
        try (var reflector = FaultyReflector.start(Kind.ECHO, n -> switch (n) {
            case 1 -> List.of(new Delay(LATE));
            case 2 -> List.of(new FaultyReflector.Duplicate(2));
            case 3 -> List.of(new Drop());
            default -> List.of();
        })) {
            result = CommandRunner.run("ping", target(reflector), "--mode", "echo", "-c", "10", "-i", "0.25",
                    "-W", "1");
        }
        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("seq=1 time=").contains("ms (LATE)").contains("ms (DUP!)")
                .contains("no answer for seq=1").contains("no answer for seq=3");
        assertThat(result.out()).containsPattern(
                "10 packets transmitted, 8 received, \\+1 late, \\+1 duplicates, 20% packet loss, time \\d+ms");
    }

    @Test
    void lossPercentIsPrintedLikePrintfG() {
        assertThat(TextOutput.percent(new LossRatio(11, 4).percent())).isEqualTo("36.3636");
        assertThat(TextOutput.percent(new LossRatio(10, 4).percent())).isEqualTo("40");
        assertThat(TextOutput.percent(new LossRatio(3, 3).percent())).isEqualTo("100");
        assertThat(TextOutput.percent(new LossRatio(3, 0).percent())).isEqualTo("0");
    }

    @Test
    void quietPrintsTheSummaryOnly() throws Exception {
        CommandRunner.Result result;
        try (var reflector = FaultyReflector.clean(Kind.LAB)) {
            result = CommandRunner.run("ping", target(reflector), "-q", "-c", "2", "-i", "0.02", "-W", REPLY_WAIT);
        }
        assertThat(result.exit()).isZero();
        assertThat(result.out().lines().toList()).hasSize(3).first().asString().startsWith("--- ");
    }

    @Test
    void jsonFormatPrintsOneObjectWithEveryProbe() throws Exception {
        CommandRunner.Result result;
        try (var reflector = FaultyReflector.start(Kind.STAMP_STATEFUL, n -> switch (n) {
            case 2 -> List.of(new Drop());
            case 3 -> List.of(new Delay(LATE));
            default -> List.of();
        })) {
            result = CommandRunner.run("ping", target(reflector), "--mode", "stamp", "-c", "10", "-i", "0.25",
                    "-W", "1", "--format", "json");
        }
        assertThat(result.exit()).isZero();
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(result.out().strip().lines()).hasSize(1);
        assertThat(json.get("mode").asText()).isEqualTo("stamp");
        assertThat(json.get("address").asText()).startsWith("127.0.0.1:");
        assertThat(json.get("transmitted").asInt()).isEqualTo(10);
        assertThat(json.get("received").asInt()).isEqualTo(8);
        assertThat(json.get("loss_percent").asDouble()).isEqualTo(20.0);
        assertThat(json.get("late").asInt()).isEqualTo(1);
        assertThat(json.get("duplicates").asInt()).isZero();
        assertThat(json.get("reordered").asInt()).isZero();
        for (String field : List.of("min", "avg", "max", "mdev", "p50", "p90", "p99")) {
            assertThat(json.get("rtt_ms").get(field).isNumber()).as(field).isTrue();
        }
        assertThat(json.get("jitter_ms").isNumber()).isTrue();
        assertThat(json.get("stamp").get("reflector").asText()).isEqualTo("stateful");
        assertThat(json.get("stamp").get("clock_dependent").asBoolean()).isTrue();
        assertThat(json.get("stamp").get("forward_lost").asInt()).isEqualTo(1);
        JsonNode probes = json.get("probes");
        assertThat(probes).hasSize(10);
        assertThat(probes.get(0).get("status").asText()).isEqualTo("ok");
        assertThat(probes.get(0).get("rtt_ms").isNumber()).isTrue();
        assertThat(probes.get(1).get("status").asText()).isEqualTo("timeout");
        assertThat(probes.get(1).get("rtt_ms").isNull()).isTrue();
        assertThat(probes.get(2).get("status").asText()).isEqualTo("late");
        assertThat(probes.get(2).get("seq").asInt()).isEqualTo(3);
    }

    @Test
    void noReplyExitsOneAndAnUnreachablePortIsCounted() throws Exception {
        int port;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = socket.getLocalPort();
        }
        CommandRunner.Result result = CommandRunner.run("ping", "127.0.0.1:" + port, "--mode", "echo", "-c", "3",
                "-i", "0.03", "-W", "0.1");
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.out()).contains("unreachable: ICMP port unreachable")
                .containsPattern("3 packets transmitted, 0 received, \\+\\d+ errors, 100% packet loss")
                .doesNotContain("rtt min/avg/max/mdev");
    }

    @Test
    void aHostThatDoesNotResolveExitsTwo() {
        CommandRunner.Result result = CommandRunner.run("ping", "no-such-host.invalid", "-c", "1");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err().strip()).isEqualTo("ping: no-such-host.invalid: Name or service not known");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void noControlCharacterFromTheNetworkOrTheTargetReachesTheTerminal() throws Exception {
        String hostile = "\u001b]0;pwned\u0007\u001b[2J\u009b31m\r";
        CommandRunner.Result unresolved = CommandRunner.run("ping", hostile + "host.invalid", "-c", "1");
        assertThat(unresolved.exit()).isEqualTo(2);
        assertThat(unresolved.err().strip())
                .isEqualTo("ping: \\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\rhost.invalid: Name or service not known");
        byte[] reply = ("PING: 1 " + hostile).getBytes(StandardCharsets.ISO_8859_1);
        CommandRunner.Result replied;
        try (var reflector = FaultyReflector.start(Kind.LAB, n -> List.of(new FaultyReflector.Garbage(reply)))) {
            replied = CommandRunner.run("ping", target(reflector), "-c", "2", "-i", "0.05", "-W", "0.2");
        }
        for (String text : List.of(unresolved.out(), unresolved.err(), replied.out(), replied.err())) {
            assertThat(text.chars().filter(c -> c != '\n' && (c < 0x20 || (c >= 0x7F && c <= 0x9F))))
                    .as(text).isEmpty();
        }
        assertThat(replied.out()).contains("2 packets transmitted, 0 received");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ping|Missing required parameter: 'TARGET'",
        "ping 127.0.0.1 --bogus|Unknown option: '--bogus'",
        "ping 127.0.0.1 -c 0|-c must be at least 1, got 0",
        "ping 127.0.0.1 -c x|Invalid value for option '-c'",
        "ping 127.0.0.1 -i fast|'fast' is not a number of seconds",
        "ping 127.0.0.1 -i -1|'-1' is out of range: expected seconds from 0 to 31536000 (365 days)",
        "ping 127.0.0.1 -i 1e9|'1e9' is out of range: expected seconds from 0 to 31536000 (365 days)",
        "ping 127.0.0.1 -W 0|-W must be at least 0.001 seconds",
        "ping 127.0.0.1 -w 0|-w must be more than 0 seconds",
        "ping 127.0.0.1 --mode icmp|'icmp' is not a mode (lab, echo, stamp)",
        "ping 127.0.0.1 --format xml|--format must be text or json",
        "ping 127.0.0.1 --mode stamp -s 20|-s must be from 44 to 65507 bytes in stamp mode",
        "ping 127.0.0.1 -s 70000|-s must be from 1 to 65507 bytes in lab mode",
        "ping 127.0.0.1 -i 0.001 -W 86400 -w 1|-W 86400 with -i 0.001 keeps up to 86400001 probes waiting",
    })
    void usageErrorsExitTwoWithOneLine(String args, String message) {
        CommandRunner.Result result = CommandRunner.run(args.split(" "));
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err().lines().toList()).hasSize(1);
        assertThat(result.err()).startsWith("ping: ").contains(message).contains("(see --help)");
        assertThat(result.out()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1:99999", "'[::1'", "':7'"})
    void aMalformedTargetExitsTwo(String target) {
        CommandRunner.Result result = CommandRunner.run("ping", target, "-c", "1");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).startsWith("ping: ");
    }

    @Test
    void helpExitsZero() {
        CommandRunner.Result result = CommandRunner.run("ping", "--help");
        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("-c=COUNT").contains("--mode=MODE").contains("--format=FORMAT")
                .contains("Exit codes: 0");
    }

    @Test
    void aDeadlineAloneRunsUntilIt() throws Exception {
        CommandRunner.Result result;
        try (var reflector = FaultyReflector.clean(Kind.ECHO)) {
            result = CommandRunner.run("ping", target(reflector), "--mode", "echo", "-w", "1", "-i", "0.25", "-q");
        }
        assertThat(result.exit()).isZero();
        assertThat(result.out()).containsPattern("[345] packets transmitted, [1-5] received");
    }
}
