package dev.netlab.pingserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.netlab.kit.testing.ServiceProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jar bound to 0.0.0.0 on a node with several addresses: each probe is answered from the address it was sent to,
 * so a prober's connected socket gets it. Adds loopback aliases (127.0.x.y) with {@code ip addr}, which needs root:
 * without it the tests are skipped with one line.
 */
class MultiHomedIT {

    private static final Path JAR = Path.of("target/ping-server.jar");
    private static final Duration START = Duration.ofSeconds(120);
    private static boolean root;
    private final List<InetAddress> added = new ArrayList<>();

    @BeforeAll
    static void needsRoot() throws Exception {
        root = ip("addr", "show", "dev", "lo") == 0 && "0".equals(run("id", "-u").strip());
    }

    @AfterEach
    void removeAliases() throws Exception {
        for (InetAddress address : added) {
            ip("addr", "del", address.getHostAddress() + "/8", "dev", "lo");
        }
    }

    @Test
    void aProbeToASecondAddressIsAnsweredFromThatAddress() throws Exception {
        assumeTrue(root, "MultiHomedIT: skipped, adding a loopback address needs root");
        InetAddress second = addAlias();
        try (ServiceProcess server = ServiceProcess.startJar(JAR, List.of(), echoOnWildcard(Map.of()))) {
            assertThat(server.awaitStartLine(START)).contains("echo=udp/0.0.0.0:");
            int port = server.ports(START).get("echo");
            assertThat(roundTrip(second, port, "to the second address")).isEqualTo("to the second address");
            assertThat(roundTrip(InetAddress.getByName("127.0.0.1"), port, "to the first")).isEqualTo("to the first");
            assertThat(server.terminate(START)).isZero();
        }
    }

    @Test
    void addressesAddedWhileRunningGetASocketAndRemovedOnesLoseIt() throws Exception {
        assumeTrue(root, "MultiHomedIT: skipped, adding a loopback address needs root");
        try (ServiceProcess server = ServiceProcess.startJar(JAR, List.of(),
                echoOnWildcard(Map.of("PINGSERVER_ADDRESS_dash_REFRESH", "100ms")))) {
            int port = server.ports(START).get("echo");
            InetAddress later = addAlias();
            awaitTrue(() -> ConnectedProbe.roundTrip(later, port, "later", Duration.ofMillis(200)).isPresent(),
                    "an address added after the start is answered");
            assertThat(BoundUdpSockets.onPort(port)).contains(later);

            ip("addr", "del", later.getHostAddress() + "/8", "dev", "lo");
            added.remove(later);
            awaitTrue(() -> !BoundUdpSockets.onPort(port).contains(later), "the socket of a removed address closes");
            assertThat(roundTrip(InetAddress.getByName("127.0.0.1"), port, "still here")).isEqualTo("still here");
            assertThat(server.terminate(START)).isZero();
        }
    }

    private static Map<String, String> echoOnWildcard(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "ADMIN_PORT", "0",
                "PINGSERVER_LISTENERS_LAB_ENABLED", "false",
                "PINGSERVER_LISTENERS_STAMP_ENABLED", "false",
                "PINGSERVER_LISTENERS_ECHO_PORT", "0",
                "PINGSERVER_LISTENERS_ECHO_BIND_dash_ADDRESS", "0.0.0.0"));
        env.putAll(extra);
        return env;
    }

    /** A loopback alias that no interface has yet, removed after the test. */
    private InetAddress addAlias() throws Exception {
        List<InetAddress> present = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses).toList();
        for (int attempt = 0; attempt < 100; attempt++) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            InetAddress candidate = InetAddress.getByAddress(new byte[] {127, 0, (byte) random.nextInt(1, 255),
                (byte) random.nextInt(2, 255)});
            if (!present.contains(candidate)) {
                assertThat(ip("addr", "add", candidate.getHostAddress() + "/8", "dev", "lo")).isZero();
                added.add(candidate);
                return candidate;
            }
        }
        throw new AssertionError("no free 127.0.x.y address");
    }

    private static String roundTrip(InetAddress to, int port, String text) throws IOException {
        return ConnectedProbe.roundTrip(to, port, text, Duration.ofSeconds(10)).orElseThrow(
                () -> new AssertionError("no reply through a socket connected to " + to.getHostAddress()));
    }

    private static void awaitTrue(Callable<Boolean> check, String what) {
        await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(check);
    }

    private static int ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (IOException e) {
            return -1; // no ip command: treated as no permission
        }
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
