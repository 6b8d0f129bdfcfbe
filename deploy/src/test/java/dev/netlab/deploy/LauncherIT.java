package dev.netlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.netlab.kit.testing.ServiceProcess;
import java.io.IOException;
import java.net.DatagramSocket;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The launcher as a user runs it, on the packaged jars: {@code ./netlab up --no-build} brings the four services to
 * ready and {@code ./netlab down} leaves nothing behind, also when things go wrong. Every stack runs on ports moved
 * by a free {@code NETLAB_PORT_OFFSET}, never on the contract ports, so a developer's own stack may run meanwhile.
 */
class LauncherIT {

    private static final Path ROOT = Path.of(System.getProperty("netlab.root", "..")).toAbsolutePath().normalize();
    private static final List<String> SERVICES = List.of("web-server", "ping-server", "ping-client", "mail-client");
    private static final Map<String, Integer> ADMIN_PORTS =
            Map.of("web-server", 9080, "ping-server", 9081, "ping-client", 9082, "mail-client", 9083);
    private static final List<Integer> TCP_PORTS = List.of(8080, 9080, 9081, 9082, 9083, 9090, 3000);
    private static final List<Integer> UDP_PORTS = List.of(12000, 7007, 8620);
    private static final Duration WAIT = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<ServiceProcess> strangers = new ArrayList<>();

    @TempDir
    Path temp;

    private Path state;
    private int offset;

    @BeforeEach
    void freshStateAndFreePorts() throws IOException {
        state = Files.createDirectories(temp.resolve("state dir"));
        offset = freeOffset();
    }

    @AfterEach
    void leaveNothingRunning() throws Exception {
        try (ServiceProcess down = netlab("down")) {
            down.awaitExit(WAIT);
        }
        strangers.forEach(ServiceProcess::close);
    }

    /**
     * An offset that moves every port of the stack to a free one between 20007 and 32000: below Linux' ephemeral
     * range, never on a contract port.
     */
    private static int freeOffset() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(13_000, 20_000);
            if (TCP_PORTS.stream().allMatch(p -> tcpFree(p + candidate))
                    && UDP_PORTS.stream().allMatch(p -> udpFree(p + candidate))) {
                return candidate;
            }
        }
        throw new AssertionError("no free port offset found");
    }

    private static boolean tcpFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean udpFree(int port) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Map<String, String> environment() {
        // Our own state directory and ports: a developer's stack, pid files and logs are not touched.
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NETLAB_STATE_DIR", state.toString());
        env.put("NETLAB_PORT_OFFSET", Integer.toString(offset));
        env.put("NETLAB_PROMETHEUS", "off");
        env.put("NETLAB_GRAFANA", "off");
        // The machine may be busy: four JVMs starting at once on two loaded cores take a while.
        env.put("NETLAB_READY_TIMEOUT", "110");
        return env;
    }

    private ServiceProcess netlab(String... args) throws IOException {
        return netlab(environment(), ROOT, args);
    }

    private static ServiceProcess netlab(Map<String, String> env, Path checkout, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", checkout.resolve("netlab").toString()));
        command.addAll(List.of(args));
        return ServiceProcess.start(command, env, checkout);
    }

    /** Runs netlab to its end; returns it for its exit code and output. */
    private ServiceProcess run(Map<String, String> env, String... args) throws Exception {
        try (ServiceProcess netlab = netlab(env, ROOT, args)) {
            netlab.awaitExit(WAIT);
            return netlab;
        }
    }

    private ServiceProcess run(String... args) throws Exception {
        return run(environment(), args);
    }

    private int adminPort(String service) {
        return ADMIN_PORTS.get(service) + offset;
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

    /** Field 22 of {@code /proc/PID/stat}: the start time in clock ticks since boot. */
    private static String startTime(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
    }

    private static String describe(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/stat")) + " cmd: "
                    + Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "gone";
        }
    }

    private Path pidFile(String name) {
        return state.resolve("run").resolve(name + ".pid");
    }

    private long pid(String name) throws IOException {
        return Long.parseLong(Files.readString(pidFile(name)).strip().split(" ")[0]);
    }

    private Map<String, Long> pids() throws IOException {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String service : SERVICES) {
            if (Files.exists(pidFile(service))) {
                pids.put(service, pid(service));
            }
        }
        return pids;
    }

    private void assertGone(Iterable<Long> pids) {
        for (long pid : pids) {
            assertThat(runs(pid)).as("pid %d still runs: %s", pid, describe(pid)).isFalse();
        }
    }

    private void assertNoPidFiles() throws IOException {
        if (Files.exists(state.resolve("run"))) {
            assertThat(state.resolve("run")).isEmptyDirectory();
        }
    }

    private void upAndAssertReady(Map<String, String> env) throws Exception {
        ServiceProcess up = run(env, "up", "--no-build");
        assertThat(up.process().exitValue()).as(up.stdout() + up.stderr()).isZero();
        assertThat(up.stdout()).contains("Netlab is up: 4 services ready");
        for (String service : SERVICES) {
            assertThat(status(adminPort(service), "/health/ready")).as(service).isEqualTo(200);
        }
    }

    /** A process that is not ours, for pid files to name; {@code argv0} may mimic one of ours. */
    private ServiceProcess stranger(String argv0) throws IOException {
        ServiceProcess stranger = ServiceProcess.start(List.of("bash", "-c", "sleep 300; :", argv0), Map.of(), null);
        strangers.add(stranger);
        return stranger;
    }

    @Test
    void upFromAPathWithSpacesStartsTheStackOnMovedPortsAndDownLeavesNothingBehind() throws Exception {
        Path checkout = Files.createSymbolicLink(temp.resolve("my netlab"), ROOT);

        try (ServiceProcess up = netlab(environment(), checkout, "up", "--no-build")) {
            assertThat(up.awaitExit(WAIT)).as(up.stdout() + up.stderr()).isZero();
            assertThat(up.stdout()).contains("Netlab is up: 4 services ready");
        }
        Map<String, Long> pids = pids();
        assertThat(pids).hasSize(4);
        for (String service : SERVICES) {
            assertThat(status(adminPort(service), "/health/ready")).as(service).isEqualTo(200);
            assertThat(Files.readString(state.resolve("logs").resolve(service + ".log")))
                    .containsPattern("(?m)^" + service + " started in \\d+ ms: .*admin=tcp/127\\.0\\.0\\.1:"
                            + adminPort(service))
                    .as("the JVM took the launcher's options without a warning").doesNotContain("[warning]");
        }
        assertThat(Files.readString(state.resolve("logs").resolve("web-server.log")))
                .contains("web=tcp/127.0.0.1:" + (8080 + offset));
        assertThat(Files.readString(state.resolve("logs").resolve("ping-server.log")))
                .contains("lab=udp/127.0.0.1:" + (12000 + offset)).contains("stamp=udp/127.0.0.1:" + (8620 + offset));
        try (ServiceProcess status = netlab(environment(), checkout, "status")) {
            assertThat(status.awaitExit(WAIT)).as(status.stdout() + status.stderr()).isZero();
            assertThat(status.stdout()).containsPattern("web-server +running +" + pids.get("web-server") + " +200");
        }

        try (ServiceProcess down = netlab(environment(), checkout, "down")) {
            assertThat(down.awaitExit(WAIT)).isZero();
            assertThat(down.stdout()).contains("stopped 4 service(s)");
        }
        assertGone(pids.values());
        for (String service : SERVICES) {
            assertThat(accepts(adminPort(service))).as("port %d still bound", adminPort(service)).isFalse();
        }
        assertNoPidFiles();
        // The JVMs got the archive path as one argument despite its space, and wrote the archive on their way out.
        assertThat(state.resolve("cds").resolve("web-server.jsa")).isNotEmptyFile();
        if (Runtime.version().feature() >= 25) {
            // The mail-client's first run trained its AOT cache, which the next run uses instead of its CDS archive.
            assertThat(state.resolve("aot").resolve("mail-client.aot")).isNotEmptyFile();
            try (ServiceProcess dryRun = netlab(environment(), checkout, "up", "--dry-run", "--no-build")) {
                assertThat(dryRun.awaitExit(WAIT)).isZero();
                assertThat(dryRun.stdout()).containsPattern("(?m)^setsid env .* -XX:AOTCache="
                        + Pattern.quote(state.resolve("aot").resolve("mail-client.aot").toString().replace(" ", "\\ "))
                        + " -jar .*mail-client\\.jar")
                        .doesNotContain("mail-client.jsa");
            }
            // The key holds the collector and heap options: a cache trained with other ones is trained again.
            Path key = state.resolve("aot").resolve("mail-client.aot.key");
            assertThat(Files.readString(key))
                    .contains(" -XX:+UseParallelGC -Xms16m -XX:MaxNewSize=64m -XX:-TieredCompilation ");
            Files.writeString(key, Files.readString(key).replace("-XX:+UseParallelGC", "-XX:+UseSerialGC"));
            try (ServiceProcess dryRun = netlab(environment(), checkout, "up", "--dry-run", "--no-build")) {
                assertThat(dryRun.awaitExit(WAIT)).isZero();
                assertThat(dryRun.stdout()).containsPattern("(?m)^setsid env .* -XX:AOTCacheOutput="
                        + Pattern.quote(state.resolve("aot").resolve("mail-client.aot").toString().replace(" ", "\\ "))
                        + " -jar .*mail-client\\.jar");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"INT, 130", "TERM, 143"})
    void aSignalDuringUpStopsWhatThisUpStartedAndSaysSo(String signal, int exitCode) throws Exception {
        // Ctrl-C is SIGINT; a shell inherits an ignored SIGINT (as background jobs have it) and cannot trap it, so
        // the launcher starts with the default disposition, as in a terminal.
        List<String> command = List.of("python3", "-c", "import os, signal, sys; "
                + "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
                "bash", ROOT.resolve("netlab").toString(), "up", "--no-build");
        Map<String, Long> pids;
        try (ServiceProcess up = ServiceProcess.start(command, environment(), ROOT)) {
            await().atMost(WAIT).until(() -> pids().size() == 4);
            pids = pids();
            new ProcessBuilder("kill", "-s", signal, Long.toString(up.process().pid())).start().waitFor();
            assertThat(up.awaitExit(WAIT)).as(up.stdout() + up.stderr()).isEqualTo(exitCode);
            assertThat(up.stderr()).contains("interrupted (SIG" + signal + "): stopping what this up started: "
                    + String.join(" ", SERVICES));
        }
        assertGone(pids.values());
        assertNoPidFiles();
        // Each was stopped once its start line was out: a JVM asked to exit while it starts can crash writing its
        // class-data archive (JDK 25.0.3), and its crash report would go beside its log.
        for (String service : SERVICES) {
            assertThat(Files.readString(state.resolve("logs").resolve(service + ".log"))).as(service)
                    .containsPattern("(?m)^" + service + " started in ");
        }
        try (Stream<Path> logs = Files.list(state.resolve("logs"))) {
            assertThat(logs.map(Path::getFileName).map(Path::toString)).noneMatch(name -> name.contains("hs_err"));
        }
    }

    @Test
    void aCrashedServiceIsReportedAndUpRestartsOnlyWhatIsMissingWithoutOrphaningPrometheus() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prometheus")), "Prometheus is not installed");
        Map<String, String> env = environment();
        env.put("NETLAB_PROMETHEUS", "on");
        upAndAssertReady(env);
        Map<String, Long> before = pids();
        long prometheus = pid("prometheus");
        String prometheusPidFile = Files.readString(pidFile("prometheus"));
        new ProcessBuilder("kill", "-9", Long.toString(before.get("ping-server")), Long.toString(before.get("mail-client")))
                .start().waitFor();
        await().atMost(WAIT).until(() -> !runs(before.get("ping-server")) && !runs(before.get("mail-client")));

        ServiceProcess status = run(env, "status");
        assertThat(status.process().exitValue()).isEqualTo(1);
        assertThat(status.stdout()).containsPattern("ping-server +crashed .*last log line: ping-server started in")
                .containsPattern("mail-client +crashed").containsPattern("web-server +running")
                .containsPattern("prometheus +running +" + prometheus);
        assertThat(status.stderr()).contains("2 of 4 services run (2 crashed");

        ServiceProcess up = run(env, "up", "--no-build");
        assertThat(up.process().exitValue()).as(up.stdout() + up.stderr()).isZero();
        assertThat(up.stdout()).contains("started ping-server mail-client").contains("web-server ping-client kept running")
                .contains("prometheus is already running");
        Map<String, Long> after = pids();
        assertThat(after.get("web-server")).isEqualTo(before.get("web-server"));
        assertThat(after.get("ping-client")).isEqualTo(before.get("ping-client"));
        assertThat(after.get("ping-server")).isNotEqualTo(before.get("ping-server"));
        assertThat(Files.readString(pidFile("prometheus"))).isEqualTo(prometheusPidFile);
        assertThat(status(adminPort("ping-server"), "/health/ready")).isEqualTo(200);

        // A Prometheus of ours whose pid file was lost is named as such, and its pid file is not taken over.
        Files.delete(pidFile("prometheus"));
        up = run(env, "up", "--no-build");
        assertThat(up.process().exitValue()).isZero();
        assertThat(up.stdout()).contains("Netlab is up: all 4 services were already running")
                .contains("prometheus not started: its tcp port " + (9090 + offset) + " is held by pid " + prometheus)
                .contains("a prometheus of this checkout left by an earlier run");
        assertThat(pidFile("prometheus")).doesNotExist();
        Files.writeString(pidFile("prometheus"), prometheusPidFile);

        ServiceProcess down = run(env, "down");
        assertThat(down.stdout()).contains("stopped 4 service(s) and prometheus");
        assertGone(after.values());
        assertGone(List.of(prometheus));
    }

    @Test
    void aPidFileNamingAProcessThatIsNotOursNeverMakesDownSignalIt() throws Exception {
        Files.createDirectories(state.resolve("run"));
        // Right start time, another program; and this checkout's jar in the command line, wrong start time.
        ServiceProcess otherProgram = stranger("sleeper");
        ServiceProcess sameJarOtherStart = stranger(ROOT.resolve("ping-server/target/ping-server.jar").toString());
        long first = otherProgram.process().pid();
        long second = sameJarOtherStart.process().pid();
        Files.writeString(pidFile("web-server"), first + " " + startTime(first) + "\n");
        Files.writeString(pidFile("ping-server"), second + " " + (Long.parseLong(startTime(second)) - 1) + "\n");

        ServiceProcess status = run("status");
        assertThat(status.stdout()).containsPattern("web-server +crashed").containsPattern("ping-server +crashed");
        assertThat(status.process().exitValue()).isEqualTo(1);

        ServiceProcess down = run("down");
        assertThat(down.process().exitValue()).isZero();
        assertThat(down.stdout()).contains("stopped 0 service(s)");
        assertThat(runs(first)).isTrue();
        assertThat(runs(second)).isTrue();
        assertNoPidFiles();

        // The same checks accept the process when it is ours: the start time is what told them apart.
        Files.writeString(pidFile("ping-server"), second + " " + startTime(second) + "\n");
        assertThat(run("status").stdout()).containsPattern("ping-server +running +" + second);
        Files.delete(pidFile("ping-server"));
    }

    @ParameterizedTest(name = "{0}={1} {2}")
    @CsvSource(delimiter = '|', value = {
        "NETLAB_READY_TIMEOUT   | abc   | up     | a whole number of seconds from 1 to 999999",
        "NETLAB_READY_TIMEOUT   | -5    | up     | a whole number of seconds from 1 to 999999",
        "NETLAB_READY_TIMEOUT   | 0     | up     | a whole number of seconds from 1 to 999999",
        "NETLAB_STOP_GRACE      | xyz   | down   | a whole number of seconds from 1 to 999999",
        "NETLAB_PROMETHEUS      | maybe | up     | on or off",
        "NETLAB_GRAFANA         | yes   | up     | on or off",
        "NETLAB_PORT_OFFSET     | 60000 | up     | a whole number from 0 to 53535",
        "NETLAB_PROMETHEUS_PORT | 0     | up     | a port from 1 to 65535",
        "NETLAB_PROMETHEUS_OF   | 1     | status | unknown variable NETLAB_PROMETHEUS_OF",
    })
    void aBadEnvironmentValueStopsNetlabBeforeAnythingRuns(String name, String value, String command, String allowed)
            throws Exception {
        Map<String, String> env = environment();
        env.put(name, value);
        ServiceProcess netlab = command.equals("up") ? run(env, "up", "--no-build") : run(env, command);
        assertThat(netlab.process().exitValue()).isEqualTo(2);
        assertThat(netlab.stderr().lines().toList()).singleElement().asString().startsWith("netlab: ")
                .contains(name).contains(allowed);
        assertThat(state.resolve("run")).doesNotExist();
        assertThat(state.resolve("logs")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "down x                | down takes no arguments",
        "status --all          | status takes no arguments",
        "logs web-server -f -n | logs takes a name and -f at most",
        "logs web-server -x    | logs: unknown option",
        "logs nginx            | logs: unknown name",
        "up --fast             | up: unknown option",
    })
    void extraArgumentsAreUsageErrors(String arguments, String message) throws Exception {
        ServiceProcess netlab = run(arguments.split(" "));
        assertThat(netlab.process().exitValue()).isEqualTo(2);
        assertThat(netlab.stderr().lines().toList()).singleElement().asString().contains(message);
    }

    @Test
    void aJavaHomeOlderThan21IsNamedWithTheJdkUsedInstead() throws Exception {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        assumeTrue(Files.isExecutable(jdk17.resolve("bin/javac")), "no JDK 17 on this machine");
        Map<String, String> env = environment();
        env.put("JAVA_HOME", jdk17.toString());
        ServiceProcess jdk = run(env, "jdk", "--home");
        assertThat(jdk.process().exitValue()).isZero();
        String used = jdk.stdout().strip();
        assertThat(used).isNotEqualTo(jdk17.toString());
        assertThat(jdk.stderr().lines().toList()).singleElement().asString()
                .isEqualTo("netlab: JAVA_HOME=" + jdk17 + " (Java 17) is not usable (netlab needs a JDK 21 or newer): "
                        + "using " + used + " (Java " + Runtime.version().feature() + ") instead");
    }

    @Test
    void withoutAJdk21TheLauncherSaysWhatItFoundAndWhatItNeeds() throws Exception {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        Path emptyJvmDir = Files.createDirectories(temp.resolve("jvm"));
        // Only a JDK 17 in sight: JAVA_HOME points at it (or nothing, where it is absent), PATH's java is Debian's 17.
        Map<String, String> env = environment();
        env.putAll(Map.of("JAVA_HOME", Files.isDirectory(jdk17) ? jdk17.toString() : "/nonexistent",
                "PATH", "/usr/bin:/bin", "NETLAB_JVM_DIR", emptyJvmDir.toString()));
        ServiceProcess jdk = run(env, "jdk");
        assertThat(jdk.process().exitValue()).isEqualTo(1);
        assertThat(jdk.stderr().lines().toList()).singleElement().asString()
                .startsWith("netlab: no JDK 21 or newer found")
                .contains(Files.isDirectory(jdk17) ? "Java 17" : "found:");
    }

    @Test
    void aJvmThatCannotStartIsReportedWithItsFirstLineAndNothingIsLeftRunning() throws Exception {
        Map<String, String> env = environment();
        env.put("NETLAB_JAVA_OPTS", "-Xbogus");
        ServiceProcess up = run(env, "up", "--no-build");
        assertThat(up.process().exitValue()).isEqualTo(1);
        assertThat(up.stderr()).contains("web-server failed to start: Unrecognized option: -Xbogus");
        assertNoPidFiles();
    }

    @Test
    void aTakenPortStopsUpBeforeAnythingStartsNamingTheProcessThatHoldsIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), adminPort("ping-server")));

            ServiceProcess up = run("up", "--no-build");
            assertThat(up.process().exitValue()).isEqualTo(1);
            assertThat(up.stderr().lines().toList()).singleElement().asString()
                    .startsWith("netlab: ping-server cannot start: its tcp port " + adminPort("ping-server")
                            + " is in use by pid " + ProcessHandle.current().pid());
            assertNoPidFiles();
            for (String service : SERVICES) {
                if (!service.equals("ping-server")) {
                    assertThat(accepts(adminPort(service))).as(service + " started").isFalse();
                }
            }
        }
    }

    @Test
    void downNamesAForeignProcessOnAPortOfTheStackInsteadOfWaitingForIt() throws Exception {
        try (ServerSocket foreign = new ServerSocket()) {
            foreign.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), adminPort("web-server")));

            ServiceProcess down = run("down");
            assertThat(down.process().exitValue()).isZero();
            assertThat(down.stdout()).contains("web-server's tcp port " + adminPort("web-server") + " is in use by pid "
                    + ProcessHandle.current().pid()).contains("not started by this netlab, left alone");
        }
    }

    @Test
    void dryRunPrintsEveryCommandIncludingGrafanaProvisionedFromThisCheckout() throws Exception {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path ran = temp.resolve("ran");
        for (String tool : List.of("prometheus", "grafana-server")) {
            Path fake = bin.resolve(tool);
            Files.writeString(fake, "#!/bin/sh\ntouch '" + ran + "'\n");
            Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Map<String, String> env = environment();
        env.putAll(Map.of("NETLAB_PROMETHEUS", "on", "NETLAB_GRAFANA", "on", "NETLAB_GRAFANA_HOME", temp.toString(),
                "PATH", bin + ":" + System.getenv("PATH")));

        ServiceProcess up = run(env, "up", "--dry-run", "--no-build");
        assertThat(up.process().exitValue()).as(up.stderr()).isZero();
        String out = up.stdout();
        for (String service : SERVICES) {
            assertThat(out).containsPattern("(?m)^setsid env ADMIN_PORT=" + adminPort(service) + " .*-jar "
                    + ROOT.resolve(service + "/target/" + service + ".jar").toString().replace(" ", "\\\\ "));
        }
        assertThat(out).contains("WEBSERVER_PORT=" + (8080 + offset)).contains("PINGCLIENT_TARGETS_0_PORT=" + (12000 + offset))
                .contains("-XX:SharedArchiveFile=" + state.toString().replace(" ", "\\ ") + "/cds/web-server.jsa")
                .containsPattern("(?m)^setsid " + bin + "/prometheus .*--web\\.listen-address=127\\.0\\.0\\.1:"
                        + (9090 + offset))
                .containsPattern("(?m)^setsid env PROMETHEUS_URL=http://127\\.0\\.0\\.1:" + (9090 + offset) + " .*"
                        + bin + "/grafana-server --homepath " + temp)
                .contains("cfg:default.paths.provisioning=" + ROOT.resolve("grafana/provisioning"))
                .contains("GRAFANA_DASHBOARDS_PATH=" + ROOT.resolve("grafana/dashboards"))
                .contains("Grafana would serve http://127.0.0.1:" + (3000 + offset));
        assertThat(ran).doesNotExist();
        assertThat(state.resolve("run")).doesNotExist();

        // Without Grafana: how to get it.
        Files.delete(bin.resolve("grafana-server"));
        env.remove("NETLAB_GRAFANA_HOME");
        assertThat(run(env, "up", "--dry-run", "--no-build").stdout())
                .contains("Grafana is not installed").contains("Compose stack");
    }

    /**
     * The web-server starts with a larger young generation (its tail at saturation), the mail-client with the parallel
     * collector (a young generation that grows under load) and C2 alone, the others with the default.
     */
    @Test
    void eachServiceStartsWithItsCollectorAndHeapAndItsCrashReportBesideItsLog() throws Exception {
        ServiceProcess up = run(environment(), "up", "--dry-run", "--no-build");
        assertThat(up.process().exitValue()).as(up.stderr()).isZero();
        for (String service : SERVICES) {
            String line = up.stdout().lines().filter(l -> l.contains("/" + service + ".jar")).findFirst().orElseThrow();
            if (service.equals("web-server")) {
                assertThat(line).contains(" -XX:+UseSerialGC -Xms16m -XX:NewSize=16320k ");
            } else if (service.equals("mail-client")) {
                assertThat(line).contains(" -XX:+UseParallelGC -Xms16m -XX:MaxNewSize=64m -XX:-TieredCompilation ")
                        .doesNotContain("UseSerialGC").doesNotContain(" -XX:NewSize");
            } else {
                assertThat(line).contains(" -XX:+UseSerialGC -Xms16m ").doesNotContain("NewSize");
            }
            assertThat(line).contains(" -XX:ErrorFile=" + state.resolve("logs").toString().replace(" ", "\\ ")
                    + "/" + service + "-hs_err-%p.log ");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "web-server                      | -pl web-server -am",
        "-pl ping-client                 | -pl ping-client -am",
        "-pl ping-client -am             | -pl ping-client -am",
        "mail-client -Dtest=SendTest     | -pl mail-client -Dtest=SendTest -am -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dfailsafe.failIfNoSpecifiedTests=false",
        "-Dtest=SendTest                 | -Dtest=SendTest",
    })
    void testBuildsWhatTheNamedModulesDependOn(String arguments, String maven) throws Exception {
        List<String> args = new ArrayList<>(List.of("test", "--dry-run"));
        args.addAll(List.of(arguments.split(" ")));
        ServiceProcess test = run(args.toArray(String[]::new));
        assertThat(test.process().exitValue()).as(test.stderr()).isZero();
        assertThat(test.stdout()).startsWith("./mvnw -B verify " + maven + " (JAVA_HOME=");
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
            shellcheck = ServiceProcess.start(command, new HashMap<>(), ROOT);
        } catch (IOException e) {
            throw new AssertionError("shellcheck is not installed: sudo .ci/run --install-only", e);
        }
        try (shellcheck) {
            assertThat(shellcheck.awaitExit(WAIT)).as(shellcheck.stdout()).isZero();
        }
    }
}
