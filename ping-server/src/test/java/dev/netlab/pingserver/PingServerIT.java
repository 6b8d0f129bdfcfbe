package dev.netlab.pingserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built jar as a process: start line, exit codes, drain on SIGTERM. */
class PingServerIT {

    private static final Path JAR = Path.of("target/ping-server.jar");
    /** How long a JVM may take to start or stop: at load 28 on this 2-core machine a start took over 30 s. */
    private static final Duration START = Duration.ofSeconds(120);

    private static Map<String, String> portsZero(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "ADMIN_PORT", "0",
                "PINGSERVER_LISTENERS_LAB_PORT", "0",
                "PINGSERVER_LISTENERS_ECHO_PORT", "0",
                "PINGSERVER_LISTENERS_STAMP_PORT", "0"));
        env.putAll(extra);
        return env;
    }

    @Test
    void theStartLineNamesEveryListenerInOrderAndSigtermDrainsDelayedReplies() throws Exception {
        try (ServiceProcess server = ServiceProcess.startJar(JAR, List.of("--bind", "127.0.0.1"), portsZero(Map.of(
                "PINGSERVER_LISTENERS_LAB_LOSS", "0",
                "PINGSERVER_LISTENERS_ECHO_DELAY", "700ms")));
             UdpProbe probe = new UdpProbe()) {
            String line = server.awaitStartLine(START);
            assertThat(line).matches("ping-server started in \\d+ ms: lab=udp/127\\.0\\.0\\.1:\\d+ "
                    + "echo=udp/127\\.0\\.0\\.1:\\d+ stamp=udp/127\\.0\\.0\\.1:\\d+ admin=tcp/127\\.0\\.0\\.1:\\d+");
            Map<String, Integer> ports = server.ports(START);
            assertThat(probe.roundTrip("Ping: 1 now".getBytes(), ports.get("lab"))).isEqualTo("PING: 1 NOW".getBytes());

            probe.send("in flight".getBytes(), ports.get("echo"));
            // The datagram is read, its reply scheduled 700 ms out; then SIGTERM: the drain still sends it.
            long deadline = System.nanoTime() + START.toNanos();
            while (!metrics(ports.get("admin")).contains("pingserver_faults_total{kind=\"delayed\",mode=\"echo\"} 1")) {
                assertThat(System.nanoTime()).as("the delayed reply is counted").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(server.terminate(START)).isZero();
            assertThat(probe.receive()).isEqualTo("in flight".getBytes());
        }
    }

    @Test
    void aDisabledListenerIsAbsentFromTheStartLine() throws Exception {
        try (ServiceProcess server = ServiceProcess.startJar(JAR, List.of(),
                portsZero(Map.of("PINGSERVER_LISTENERS_ECHO_ENABLED", "false")))) {
            assertThat(server.ports(START).keySet()).containsExactly("lab", "stamp", "admin");
            assertThat(server.terminate(START)).isZero();
        }
    }

    @Test
    void anInvalidSettingExitsWith2NamingTheKey() throws Exception {
        assertRefused("PINGSERVER_LISTENERS_LAB_LOSS", "1.5", "pingserver.listeners.lab.loss");
    }

    @Test
    void aBadReceiveThreadKindExitsWith2NamingTheKeyAndTheKinds() throws Exception {
        assertRefused("PINGSERVER_RECEIVE_dash_THREAD", "fibre", "pingserver.receive-thread", "virtual, platform");
    }

    /** The jar with {@code variable=value} exits 2 before binding, with one line naming the value and {@code mentions}. */
    private static void assertRefused(String variable, String value, String... mentions) throws Exception {
        try (ServiceProcess server = ServiceProcess.startJar(JAR, List.of(), portsZero(Map.of(variable, value)))) {
            assertThat(server.awaitExit(START)).isEqualTo(2);
            assertThat(server.stderr().strip().lines()).hasSize(1);
            assertThat(server.stderr()).contains(value).contains(mentions);
            assertThat(server.stdout()).isEmpty();
        }
    }

    @Test
    void aPortInUseExitsWith1NamingTheListener() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             ServiceProcess server = ServiceProcess.startJar(JAR, List.of(),
                     portsZero(Map.of("PINGSERVER_LISTENERS_STAMP_PORT", Integer.toString(taken.getLocalPort()))))) {
            assertThat(server.awaitExit(START)).isEqualTo(1);
            assertThat(server.stderr()).contains("stamp=udp/127.0.0.1:" + taken.getLocalPort());
        }
    }

    private static String metrics(int adminPort) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + adminPort + "/metrics")).timeout(Duration.ofSeconds(5)).build();
        return client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }
}
