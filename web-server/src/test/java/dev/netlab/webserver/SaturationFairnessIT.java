package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import dev.netlab.webserver.load.KeepAliveLoad;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The built jar at saturation: 64 keep-alive connections asking back to back must each get a fair share of the
 * answers, and no answer may wait long. On one CPU (a container limited to one) a connection parked in the JDK's
 * poller used to starve behind connections that yield: both tests failed there before SchedulerWatch, with a longest
 * wait of 1.3 s and a health check of 2.8 s. On all CPUs the connections take turns (Turns) between requests.
 */
class SaturationFairnessIT {

    private static final Path JAR = Path.of("target/web-server.jar");
    private static final Duration START = Duration.ofSeconds(60);
    private static final int CONNECTIONS = 64;
    private static final Duration WARM_UP = Duration.ofSeconds(1);
    private static final Duration LOAD = Duration.ofSeconds(3);
    /** Generous: a healthy server answers in milliseconds, a starved connection waited hundreds of them to seconds. */
    private static final Duration LONGEST_WAIT = Duration.ofMillis(1000);
    /** Between two health checks. */
    private static final Duration CHECK_PACE = Duration.ofMillis(5);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path root;

    /** Where the server runs: one CPU, one carrier and no turns; or every CPU, with turns when there are two. */
    enum Cpus { ONE, ALL }

    @ParameterizedTest
    @EnumSource(Cpus.class)
    void everyConnectionGetsAFairShareAndNoAnswerWaitsLong(Cpus cpus) throws Exception {
        try (ServiceProcess server = start(cpus)) {
            InetSocketAddress web = warmedUp(server);

            KeepAliveLoad.Result result = KeepAliveLoad.of(web, "/1k.bin", CONNECTIONS, LOAD, LONGEST_WAIT).run();

            assertThat(result.errors()).as(result.summary()).isZero();
            assertThat(result.total()).as(result.summary()).isGreaterThan(CONNECTIONS);
            assertThat((double) result.fewest()).as("fewest answers on a connection against a fifth of the mean; %s",
                    result.summary()).isGreaterThanOrEqualTo(result.mean() / 5);
            assertThat(result.longestWaitNanos()).as("longest wait for one answer; %s", result.summary())
                    .isLessThanOrEqualTo(LONGEST_WAIT.toNanos());
            assertThat(server.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    /**
     * A health check at saturation: a new connection every few milliseconds must be answered promptly. Its thread
     * starts from outside the busy carrier's local queue, where it used to wait for seconds.
     */
    @ParameterizedTest
    @EnumSource(Cpus.class)
    void aNewConnectionIsAnsweredPromptlyAtSaturation(Cpus cpus) throws Exception {
        try (ServiceProcess server = start(cpus)) {
            InetSocketAddress web = warmedUp(server);
            ExecutorService loadThread = Executors.newSingleThreadExecutor();
            try {
                Future<KeepAliveLoad.Result> load = loadThread.submit(
                        () -> KeepAliveLoad.of(web, "/1k.bin", CONNECTIONS, LOAD, LONGEST_WAIT).run());
                List<Long> checks = new ArrayList<>();
                while (!load.isDone()) {
                    checks.add(healthCheckNanos(web));
                    LockSupport.parkNanos(CHECK_PACE.toNanos());
                }
                KeepAliveLoad.Result result = load.get();
                assertThat(result.errors()).as(result.summary()).isZero();
                assertThat(checks).as("checks made during the load").hasSizeGreaterThan(10);
                long slowest = checks.stream().mapToLong(Long::longValue).max().orElseThrow();
                assertThat(slowest).as("slowest of %d checks (ns) under load: %s", checks.size(), result.summary())
                        .isLessThanOrEqualTo(LONGEST_WAIT.toNanos());
            } finally {
                loadThread.shutdownNow();
            }
            assertThat(server.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    private ServiceProcess start(Cpus cpus) throws Exception {
        byte[] file = new byte[1024];
        new Random(18).nextBytes(file);
        Files.write(root.resolve("1k.bin"), file);
        // On one CPU, as in a container limited to one: the JVM runs one carrier thread, and the load client has the
        // other CPU to itself. On all of them the server and the client share the CPUs.
        List<String> java = List.of(ServiceProcess.javaBinary(), "-jar", JAR.toString(), "--root", root.toString(),
                "--port", "0");
        List<String> command = new ArrayList<>();
        if (cpus == Cpus.ONE) {
            command.addAll(List.of("taskset", "-c", "0"));
        }
        command.addAll(java);
        // No request cap: the load client keeps each connection for the whole run, as the starvation needs.
        Map<String, String> environment = Map.of("ADMIN_PORT", "0",
                "WEBSERVER_LIMITS_KEEPALIVE_dash_REQUESTS", String.valueOf(Integer.MAX_VALUE));
        return ServiceProcess.start(command, environment, null);
    }

    /** The web address once the JIT has compiled the request path: a compiling server is slow for all alike. */
    private static InetSocketAddress warmedUp(ServiceProcess server) throws Exception {
        InetSocketAddress web = new InetSocketAddress("127.0.0.1", server.ports(START).get("web"));
        KeepAliveLoad.of(web, "/1k.bin", CONNECTIONS, WARM_UP, LONGEST_WAIT).run();
        healthCheckNanos(web);
        return web;
    }

    /** Connects, asks for the file with Connection: close and reads the answer to its end; the time it took. */
    private static long healthCheckNanos(InetSocketAddress web) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(web, (int) CHECK_TIMEOUT.toMillis());
            socket.setSoTimeout((int) CHECK_TIMEOUT.toMillis());
            socket.getOutputStream().write(
                    "GET /1k.bin HTTP/1.1\r\nHost: check\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = socket.getInputStream().readAllBytes();
            assertThat(new String(answer, 0, Math.min(answer.length, 12), StandardCharsets.US_ASCII))
                    .isEqualTo("HTTP/1.1 200");
        }
        return System.nanoTime() - start;
    }
}
