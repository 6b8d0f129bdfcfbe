package dev.netlab.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One docker-compose project: deploy/compose.yaml plus an override file, under a project name of its own. */
final class ComposeProject {

    private final Path root;
    private final List<Path> files;
    private final String name;
    private final Map<String, String> environment;

    ComposeProject(Path root, List<Path> files, String name, Map<String, String> environment) {
        this.root = root;
        this.files = List.copyOf(files);
        this.name = name;
        this.environment = Map.copyOf(environment);
    }

    String name() {
        return name;
    }

    /** Runs {@code docker-compose -p NAME -f FILE... ARGS...} from the repository root. */
    Command.Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker-compose", "--ansi", "never", "-p", name));
        files.forEach(file -> command.addAll(List.of("-f", file.toString())));
        command.addAll(List.of(args));
        return Command.run(command, new HashMap<>(environment), root, timeout);
    }

    /** The host port that {@code containerPort} of {@code service} is published on ("tcp" or "udp"). */
    int publishedPort(String service, int containerPort, String protocol) throws IOException, InterruptedException {
        String out = run(Duration.ofSeconds(60), "port", "--protocol=" + protocol, service, String.valueOf(containerPort))
                .orFail().output().strip();
        String last = out.lines().reduce((a, b) -> b).orElse("");
        if (!last.startsWith("127.0.0.1:")) {
            throw new AssertionError(service + " " + containerPort + "/" + protocol + " is not published on 127.0.0.1: "
                    + out);
        }
        return Integer.parseInt(last.substring(last.lastIndexOf(':') + 1));
    }
}
