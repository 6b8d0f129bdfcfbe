package dev.netlab.pingclient;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import dev.netlab.pingclient.probe.FaultyReflector;
import dev.netlab.pingclient.probe.FaultyReflector.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * STAMP's one-way delays, end to end: the {@code ping} jar (a cold JVM, as a user runs it) against the real
 * ping-server jar and against the tests' own RFC 8762 reflector, which converts NTP time by itself. On one host both
 * clocks are the same, so each direction lies between zero and the round trip, and the two add up to at most it.
 */
class OneWayDelayIT {

    private static final Path PING_CLIENT = Path.of("target/ping-client.jar");
    private static final Path PING_SERVER = Path.of("../ping-server/target/ping-server.jar");
    /** Printed values are rounded to the microsecond (3 x 0.5 us) and the wall clock ticks in at most 1 us. */
    private static final double PRECISION_MS = 0.003;
    private static final Pattern LINE = Pattern.compile(
            "44 bytes from [^ ]+: seq=(\\d+) time=(\\d+\\.\\d{3}) ms fwd=(-?\\d+\\.\\d{3}) ms rev=(-?\\d+\\.\\d{3}) ms");
    private static final int COUNT = 20;
    /** How long a JVM may take to start or exit: at load 28 on this 2-core machine a start took over 30 s. */
    private static final Duration PROCESS = Duration.ofSeconds(120);
    /** How long a probe waits for its reply: generous, as these tests count replies, not their speed. */
    private static final String REPLY_WAIT = "5";

    @Test
    void againstTheRealPingServerBothDirectionsLieWithinTheRoundTrip() throws Exception {
        try (ServiceProcess server = ServiceProcess.startJar(PING_SERVER.toAbsolutePath(), List.of(), Map.of(
                "ADMIN_PORT", "0", "PINGSERVER_LISTENERS_LAB_PORT", "0", "PINGSERVER_LISTENERS_ECHO_PORT", "0",
                "PINGSERVER_LISTENERS_STAMP_PORT", "0"))) {
            int port = server.ports(PROCESS).get("stamp");
            assertOneWayDelaysWithinTheRoundTrip(port);
        }
    }

    @Test
    void againstAnIndependentRfc8762ReflectorBothDirectionsLieWithinTheRoundTrip() throws Exception {
        try (var reflector = FaultyReflector.clean(Kind.STAMP_STATEFUL)) {
            assertOneWayDelaysWithinTheRoundTrip(reflector.address().getPort());
        }
    }

    private static void assertOneWayDelaysWithinTheRoundTrip(int port) throws Exception {
        try (var ping = ServiceProcess.startJar(PING_CLIENT, List.of("ping", "127.0.0.1:" + port, "--mode", "stamp",
                "-c", Integer.toString(COUNT), "-i", "0.01", "-W", REPLY_WAIT), Map.of())) {
            assertThat(ping.awaitExit(PROCESS)).as(ping.stderr()).isZero();
            List<Matcher> probes = ping.stdout().lines().map(LINE::matcher).filter(Matcher::matches).toList();
            assertThat(probes).as(ping.stdout()).hasSize(COUNT);
            for (Matcher probe : probes) {
                double rtt = Double.parseDouble(probe.group(2));
                double forward = Double.parseDouble(probe.group(3));
                double reverse = Double.parseDouble(probe.group(4));
                String line = probe.group();
                assertThat(forward).as(line).isBetween(-PRECISION_MS, rtt + PRECISION_MS);
                assertThat(reverse).as(line).isBetween(-PRECISION_MS, rtt + PRECISION_MS);
                assertThat(forward + reverse).as(line).isLessThanOrEqualTo(rtt + PRECISION_MS);
            }
        }
    }
}
