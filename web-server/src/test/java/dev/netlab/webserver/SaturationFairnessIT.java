package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import dev.netlab.webserver.load.KeepAliveLoad;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar at saturation: 64 keep-alive connections asking back to back must each get a fair share of the
 * answers, and no answer may wait long. The server runs on one carrier thread (a container limited to one CPU),
 * where a connection parked in the JDK's poller used to starve behind connections that yield.
 */
class SaturationFairnessIT {

    private static final Path JAR = Path.of("target/web-server.jar");
    private static final Duration START = Duration.ofSeconds(60);
    private static final int CONNECTIONS = 64;
    private static final Duration WARM_UP = Duration.ofSeconds(1);
    private static final Duration LOAD = Duration.ofSeconds(3);
    /** Generous: a healthy server answers in milliseconds, a starved connection waited hundreds of them to seconds. */
    private static final Duration LONGEST_WAIT = Duration.ofMillis(1000);

    @TempDir
    Path root;

    @Test
    void everyConnectionGetsAFairShareAndNoAnswerWaitsLong() throws Exception {
        byte[] file = new byte[1024];
        new Random(18).nextBytes(file);
        Files.write(root.resolve("1k.bin"), file);
        List<String> command = List.of(ServiceProcess.javaBinary(), "-Djdk.virtualThreadScheduler.parallelism=1",
                "-jar", JAR.toString(), "--root", root.toString(), "--port", "0");
        // No request cap: the load client keeps each connection for the whole run, as the starvation needs.
        Map<String, String> environment = Map.of("ADMIN_PORT", "0",
                "WEBSERVER_LIMITS_KEEPALIVE_dash_REQUESTS", String.valueOf(Integer.MAX_VALUE));
        try (ServiceProcess server = ServiceProcess.start(command, environment, null)) {
            InetSocketAddress web = new InetSocketAddress("127.0.0.1", server.ports(START).get("web"));
            // The JIT compiles the request path first: a compiling server is slow for everyone alike, not unfair.
            KeepAliveLoad.of(web, "/1k.bin", CONNECTIONS, WARM_UP, LONGEST_WAIT).run();

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
}
