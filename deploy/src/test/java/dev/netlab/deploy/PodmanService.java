package dev.netlab.deploy;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Docker-compatible API served by {@code podman system service} on a socket of its own, with a
 * {@code containers.conf} of its own: the ulimits these machines need, netavark networking (service-name DNS) and
 * runc (crun refuses these machines' hybrid cgroups). The podman commands run here get the same configuration.
 */
final class PodmanService implements AutoCloseable {

    static final String CONTAINERS_CONF = """
            # Written by the deploy tests: this machine's limits are too high for podman's defaults, and crun does
            # not run on hybrid cgroups.
            [containers]
            default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
            [network]
            network_backend = "netavark"
            [engine]
            runtime = "runc"
            """;

    private final Path directory;
    private final Path socket;
    private final Process process;

    private PodmanService(Path directory, Path socket, Process process) {
        this.directory = directory;
        this.socket = socket;
        this.process = process;
    }

    /** Starts the API service in {@code directory} and waits until its socket exists. */
    static PodmanService start(Path directory) throws IOException {
        Command.requireOnPath("podman", "install the Debian packages of .ci/run (podman, netavark, aardvark-dns, runc)");
        Path conf = directory.resolve("containers.conf");
        Files.writeString(conf, CONTAINERS_CONF);
        Path socket = directory.resolve("podman.sock");
        ProcessBuilder builder = new ProcessBuilder("podman", "system", "service", "--time=0", "unix://" + socket)
                .redirectErrorStream(true).redirectOutput(directory.resolve("podman-service.log").toFile());
        builder.environment().put("CONTAINERS_CONF", conf.toString());
        PodmanService service = new PodmanService(directory, socket, builder.start());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(socket) || !service.process.isAlive());
        if (!Files.exists(socket)) {
            service.close();
            throw new AssertionError("podman system service did not start: "
                    + Files.readString(directory.resolve("podman-service.log")));
        }
        return service;
    }

    /** What a client of this service needs in its environment: DOCKER_HOST and CONTAINERS_CONF. */
    Map<String, String> environment() {
        return Map.of("DOCKER_HOST", "unix://" + socket, "CONTAINERS_CONF", directory.resolve("containers.conf").toString());
    }

    /** Runs {@code podman ARGS...} with this service's configuration. */
    Command.Result podman(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        return Command.run(command, environment(), directory, timeout);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
