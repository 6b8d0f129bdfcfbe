package dev.netlab.pingserver.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.netlab.kit.lifecycle.StartupException;
import dev.netlab.pingserver.BoundUdpSockets;
import dev.netlab.pingserver.ConnectedProbe;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A listener bound to a wildcard address: one socket per local address, each reply from the address its request was
 * sent to. Linux routes all of 127.0.0.0/8 to the host, so 127.0.0.x stand in for a node's addresses without root;
 * the addresses come from the test, not the interfaces (MultiHomedIT uses the real ones).
 */
class WildcardListenerTest {

    private static final Duration REPLY = Duration.ofSeconds(10);
    private static final Duration NO_REPLY = Duration.ofMillis(300);
    private static final Map<String, String> ANY_IPV4 = Map.of("pingserver.listeners.echo.bind-address", "0.0.0.0");

    /** The host's addresses as the test sets them. */
    private static final class Addresses implements LocalAddresses {
        private volatile Set<InetAddress> current;

        Addresses(InetAddress... addresses) {
            set(addresses);
        }

        void set(InetAddress... addresses) {
            current = new LinkedHashSet<>(List.of(addresses));
        }

        @Override
        public Set<InetAddress> current() {
            return current;
        }
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static boolean answered(InetAddress to, int port, Duration timeout) throws IOException {
        return ConnectedProbe.roundTrip(to, port, "probe " + to.getHostAddress(), timeout)
                .filter(reply -> reply.equals("probe " + to.getHostAddress())).isPresent();
    }

    @Test
    void eachAddressOfTheWildcardsFamiliesGetsASocketAndRepliesLeaveFromIt() throws Exception {
        // 198.51.100.7 (documentation range) is not this host's: skipped, not fatal.
        Addresses addresses = new Addresses(ip("127.0.0.1"), ip("127.0.0.3"), ip("::1"), ip("198.51.100.7"));
        try (RunningEngine running = RunningEngine.start(Map.of("pingserver.listeners.echo.bind-address", "::"),
                addresses)) {
            int port = running.echoPort();
            assertThat(running.endpoints.getFirst().toString()).isEqualTo("echo=udp/[::]:" + port);
            assertThat(running.echo().servedAddresses()).containsExactlyInAnyOrder(ip("127.0.0.1"), ip("127.0.0.3"),
                    ip("::1"));
            for (InetAddress to : List.of(ip("127.0.0.1"), ip("127.0.0.3"), ip("::1"))) {
                assertThat(answered(to, port, REPLY)).as("a reply from %s", to).isTrue();
            }
            assertThat(BoundUdpSockets.onPort(port)).containsExactlyInAnyOrder(ip("127.0.0.1"), ip("127.0.0.3"),
                    ip("::1"));
        }
    }

    @Test
    void anIpv4WildcardTakesOnlyIpv4Addresses() throws Exception {
        try (RunningEngine running = RunningEngine.start(ANY_IPV4, new Addresses(ip("127.0.0.1"), ip("::1")))) {
            assertThat(running.echo().servedAddresses()).containsExactly(ip("127.0.0.1"));
        }
    }

    @Test
    void aRefreshOpensSocketsForNewAddressesAndClosesThoseOfVanishedOnes() throws Exception {
        Addresses addresses = new Addresses(ip("127.0.0.1"));
        try (RunningEngine running = RunningEngine.start(ANY_IPV4, addresses)) {
            int port = running.echoPort();
            assertThat(answered(ip("127.0.0.4"), port, NO_REPLY)).as("no socket on 127.0.0.4 yet").isFalse();

            addresses.set(ip("127.0.0.1"), ip("127.0.0.4"));
            running.engine.refreshAddresses();
            assertThat(running.echo().servedAddresses()).containsExactlyInAnyOrder(ip("127.0.0.1"), ip("127.0.0.4"));
            assertThat(answered(ip("127.0.0.4"), port, REPLY)).isTrue();
            List<Thread> threads = running.echo().receiveThreads();

            addresses.set(ip("127.0.0.1"));
            running.engine.refreshAddresses();
            assertThat(running.echo().servedAddresses()).containsExactly(ip("127.0.0.1"));
            Thread gone = threads.stream().filter(t -> t.getName().endsWith("-127.0.0.4")).findFirst().orElseThrow();
            assertThat(gone.join(REPLY)).as("the receive thread of a closed socket ends").isTrue();
            // The JDK releases a socket that a receive is blocked on once that receive has returned.
            awaitBound(port, ip("127.0.0.1"));
            assertThat(answered(ip("127.0.0.1"), port, REPLY)).isTrue();
        }
    }

    @Test
    void theAddressRefreshRunsOnItsOwn() throws Exception {
        Addresses addresses = new Addresses(ip("127.0.0.1"));
        try (RunningEngine running = RunningEngine.start(Map.of("pingserver.listeners.echo.bind-address", "0.0.0.0",
                "pingserver.address-refresh", "20ms"), addresses)) {
            addresses.set(ip("127.0.0.1"), ip("127.0.0.5"));
            await().atMost(REPLY).until(() -> running.echo().servedAddresses().contains(ip("127.0.0.5")));
            assertThat(answered(ip("127.0.0.5"), running.echoPort(), REPLY)).isTrue();
        }
    }

    @Test
    void anAddressWhosePortIsTakenIsSkippedAndTakenWhenItFreesUp() throws Exception {
        DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(ip("127.0.0.6"), 0));
        int port = squatter.getLocalPort();
        Addresses addresses = new Addresses(ip("127.0.0.1"), ip("127.0.0.6"));
        try (RunningEngine running = RunningEngine.start(Map.of("pingserver.listeners.echo.bind-address", "0.0.0.0",
                "pingserver.listeners.echo.port", Integer.toString(port)), addresses)) {
            assertThat(running.echo().servedAddresses()).containsExactly(ip("127.0.0.1"));
            squatter.close();
            running.engine.refreshAddresses();
            assertThat(running.echo().servedAddresses()).containsExactlyInAnyOrder(ip("127.0.0.1"), ip("127.0.0.6"));
            assertThat(answered(ip("127.0.0.6"), port, REPLY)).isTrue();
        } finally {
            squatter.close();
        }
    }

    @Test
    void withNoAddressItCanBindTheListenerFailsToStart() throws Exception {
        assertThatThrownBy(() -> RunningEngine.start(ANY_IPV4, new Addresses(ip("198.51.100.7"))))
                .isInstanceOf(StartupException.class).hasMessageStartingWith("cannot bind echo=udp/0.0.0.0:0");
        assertThatThrownBy(() -> RunningEngine.start(ANY_IPV4, new Addresses()))
                .isInstanceOf(StartupException.class).hasMessageContaining("no local address");
    }

    @Test
    void aHostWithThousandsOfAddressesGetsAtMostMaxSocketsPerListener() throws Exception {
        Addresses addresses = new Addresses(loopbacks(Listener.MAX_SOCKETS + 50).toArray(InetAddress[]::new));
        try (RunningEngine running = RunningEngine.start(ANY_IPV4, addresses)) {
            assertThat(running.echo().servedAddresses()).hasSize(Listener.MAX_SOCKETS);
        }
    }

    @Test
    void anAddressSetChurningUnderAFloodCrashesNothingAndLeaksNoThreadOrSocket() throws Exception {
        InetAddress steady = ip("127.0.0.1");
        List<InetAddress> churning = loopbacks(10);
        Addresses addresses = new Addresses(steady);
        try (RunningEngine running = RunningEngine.start(ANY_IPV4, addresses)) {
            int port = running.echoPort();
            AtomicBoolean going = new AtomicBoolean(true);
            AtomicLong steadyAnswered = new AtomicLong();
            AtomicLong steadyLost = new AtomicLong();
            Thread flood = Thread.ofPlatform().start(() -> flood(port, churning, going));
            Thread prober = Thread.ofPlatform().start(() -> {
                while (going.get()) {
                    try {
                        (answered(steady, port, REPLY) ? steadyAnswered : steadyLost).incrementAndGet();
                    } catch (IOException e) {
                        steadyLost.incrementAndGet();
                    }
                }
            });
            Set<Thread> seen = new CopyOnWriteArraySet<>();
            for (int round = 0; round < 200; round++) {
                List<InetAddress> now = new ArrayList<>(List.of(steady));
                for (int i = 0; i < churning.size(); i++) {
                    if (((round >> (i % 4)) & 1) == 1 || (round + i) % 3 == 0) {
                        now.add(churning.get(i));
                    }
                }
                addresses.set(now.toArray(InetAddress[]::new));
                running.engine.refreshAddresses();
                seen.addAll(running.echo().receiveThreads());
            }
            going.set(false);
            flood.join();
            prober.join();

            addresses.set(steady, churning.getFirst());
            running.engine.refreshAddresses();
            Set<Thread> live = new HashSet<>(running.echo().receiveThreads());
            assertThat(live).hasSize(2);
            for (Thread thread : seen) {
                if (!live.contains(thread)) {
                    assertThat(thread.join(REPLY)).as("%s ended", thread.getName()).isTrue();
                }
            }
            assertThat(seen.size()).as("sockets were really replaced").isGreaterThan(100);
            awaitBound(port, steady, churning.getFirst());
            assertThat(steadyAnswered.get()).as("the steady address answered throughout").isPositive();
            assertThat(steadyLost.get()).as("probes to the steady address lost").isZero();
            assertThat(answered(churning.getFirst(), port, REPLY)).isTrue();
            // Nothing failed in the loops: a datagram that could not be handled counts as malformed.
            assertThat(running.counter("pingserver.packets.dropped", "mode", "echo", "reason", "malformed")).isZero();
        }
    }

    /** Waits until exactly {@code addresses} have a UDP socket bound on {@code port}. */
    private static void awaitBound(int port, InetAddress... addresses) {
        await().atMost(REPLY).untilAsserted(
                () -> assertThat(BoundUdpSockets.onPort(port)).containsExactlyInAnyOrder(addresses));
    }

    /** Loopback addresses 127.0.0.2 upwards ({@code count} of them, across the third byte when needed). */
    private static List<InetAddress> loopbacks(int count) throws UnknownHostException {
        List<InetAddress> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i + 2;
            list.add(InetAddress.getByAddress(new byte[] {127, 0, (byte) (n / 250), (byte) (n % 250 + 2)}));
        }
        return list;
    }

    private static void flood(int port, List<InetAddress> targets, AtomicBoolean going) {
        try (DatagramSocket socket = new DatagramSocket()) {
            byte[] data = new byte[32];
            for (int i = 0; going.get(); i++) {
                socket.send(new DatagramPacket(data, data.length, targets.get(i % targets.size()), port));
                if (i % 64 == 0) {
                    Thread.yield();
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
