package dev.netlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a user runs it, on the packaged jars and the default ports: {@code ./netlab up --no-build} brings
 * the four services to ready and {@code ./netlab down} leaves nothing behind.
 */
class LauncherIT {

    private static final Path ROOT = Path.of(System.getProperty("netlab.root", "..")).toAbsolutePath().normalize();
    private static final List<String> SERVICES = List.of("web-server", "ping-server", "ping-client", "mail-client");
    private static final Map<String, Integer> ADMIN_PORTS =
            Map.of("web-server", 9080, "ping-server", 9081, "ping-client", 9082, "mail-client", 9083);
    private static final Duration WAIT = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path state;

    private ServiceProcess netlab(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("netlab").toString()));
        command.addAll(List.of(args));
        // Our own state directory: pid files and logs of a developer's stack are not touched.
        return ServiceProcess.start(command, Map.of("NETLAB_STATE_DIR", state.toString(), "NETLAB_PROMETHEUS", "off"),
                ROOT);
    }

    @AfterEach
    void leaveNothingRunning() throws Exception {
        try (ServiceProcess down = netlab("down")) {
            down.awaitExit(WAIT);
        }
    }

    private int status(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code pid} runs; an exited process that init has not reaped yet (a zombie) does not. */
    private static boolean runs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    private static String describe(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/stat")) + " cmd: "
                    + Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "gone";
        }
    }

    private List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        for (String service : SERVICES) {
            Path file = state.resolve("run").resolve(service + ".pid");
            if (Files.exists(file)) {
                pids.add(Long.parseLong(Files.readString(file).strip()));
            }
        }
        return pids;
    }

    @Test
    void upStartsTheFourServicesToReadyAndDownLeavesNothingBehind() throws Exception {
        for (int port : ADMIN_PORTS.values()) {
            assertThat(accepts(port)).as("port %d must be free for this test (is a stack running?)", port).isFalse();
        }

        try (ServiceProcess up = netlab("up", "--no-build")) {
            assertThat(up.awaitExit(WAIT)).as(up.stderr()).isZero();
            assertThat(up.stdout()).contains("Netlab is up: 4 services ready");
        }
        List<Long> pids = pids();
        assertThat(pids).hasSize(4);
        for (String service : SERVICES) {
            assertThat(status(ADMIN_PORTS.get(service), "/health/ready")).as(service).isEqualTo(200);
            assertThat(Files.readString(state.resolve("logs").resolve(service + ".log")))
                    .containsPattern("(?m)^" + service + " started in \\d+ ms: .*admin=tcp/127\\.0\\.0\\.1:"
                            + ADMIN_PORTS.get(service));
        }
        try (ServiceProcess status = netlab("status")) {
            assertThat(status.awaitExit(WAIT)).isZero();
            assertThat(status.stdout()).containsPattern("web-server +running");
        }

        try (ServiceProcess down = netlab("down")) {
            assertThat(down.awaitExit(WAIT)).isZero();
            assertThat(down.stdout()).contains("stopped 4 service(s)");
        }
        for (long pid : pids) {
            assertThat(runs(pid)).as("pid %d still runs: %s", pid, describe(pid)).isFalse();
        }
        for (int port : ADMIN_PORTS.values()) {
            assertThat(accepts(port)).as("port %d still bound", port).isFalse();
        }
    }

    @Test
    void withoutAJdk21TheLauncherSaysWhatItFoundAndWhatItNeeds() throws Exception {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        Path emptyJvmDir = Files.createDirectories(state.resolve("jvm"));
        // Only a JDK 17 in sight: JAVA_HOME points at it (or nothing, where it is absent), PATH's java is Debian's 17.
        Map<String, String> env = Map.of("JAVA_HOME", Files.isDirectory(jdk17) ? jdk17.toString() : "/nonexistent",
                "PATH", "/usr/bin:/bin", "NETLAB_JVM_DIR", emptyJvmDir.toString());
        try (ServiceProcess jdk = ServiceProcess.start(List.of("/bin/bash", ROOT.resolve("netlab").toString(), "jdk"),
                env, ROOT)) {
            assertThat(jdk.awaitExit(WAIT)).isEqualTo(1);
            assertThat(jdk.stderr().lines().toList()).singleElement().asString()
                    .startsWith("netlab: no JDK 21 or newer found")
                    .contains(Files.isDirectory(jdk17) ? "Java 17" : "found:");
        }
    }

    @Test
    void theShellScriptsAreShellcheckClean() throws Exception {
        List<String> command = new ArrayList<>(List.of("shellcheck", "netlab", ".ci/run"));
        try (var bench = Files.list(ROOT.resolve("bench"))) {
            bench.filter(p -> p.toString().endsWith(".sh")).forEach(p -> command.add(ROOT.relativize(p).toString()));
        } catch (java.nio.file.NoSuchFileException e) {
            // No benchmark scripts yet.
        }
        ServiceProcess shellcheck;
        try {
            shellcheck = ServiceProcess.start(command, Map.of(), ROOT);
        } catch (IOException e) {
            throw new AssertionError("shellcheck is not installed: sudo .ci/run --install-only", e);
        }
        try (shellcheck) {
            assertThat(shellcheck.awaitExit(WAIT)).as(shellcheck.stdout()).isZero();
        }
    }

    @Test
    void aTakenPortMakesUpFailNamingTheServiceAndPortAndStopsTheOthers() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ADMIN_PORTS.get("ping-server")));

            try (ServiceProcess up = netlab("up", "--no-build")) {
                assertThat(up.awaitExit(WAIT)).isNotZero();
                assertThat(up.stderr()).contains("ping-server failed to start")
                        .contains("127.0.0.1:" + ADMIN_PORTS.get("ping-server"));
            }
            for (long pid : pids()) {
                assertThat(runs(pid)).as("pid %d left behind: %s", pid, describe(pid)).isFalse();
            }
            for (String service : SERVICES) {
                if (!service.equals("ping-server")) {
                    assertThat(accepts(ADMIN_PORTS.get(service))).as(service + " left running").isFalse();
                }
            }
        }
    }
}
