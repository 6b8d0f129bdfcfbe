package dev.netlab.kit.lifecycle;

import dev.netlab.kit.cli.ServiceCommand;
import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.ConfigSchema;
import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.metrics.MetricTags;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs a service from its command line until it is stopped; exit codes as docs/architecture.md lists them. */
public final class ServiceMain {

    /** A clean stop. */
    public static final int EXIT_OK = 0;
    /** A failure at runtime, a port that cannot be bound included. */
    public static final int EXIT_FAILURE = 1;
    /** A usage or configuration error. */
    public static final int EXIT_USAGE = 2;

    private ServiceMain() {
    }

    /**
     * Serves until SIGTERM or SIGINT: prints the start line on {@code out} once every listener is bound, or one line
     * on {@code err} when it cannot start.
     *
     * @return the process's exit code
     */
    public static int serve(Service service, Optional<Path> configFile, Map<String, String> overrides,
                            PrintStream out, PrintStream err) {
        RunningService running;
        try {
            // No local holds the settings: this frame lives as long as the service, and the parsed configuration
            // tree (about 90 nodes per ping-client target) would live with it.
            running = RunningService.start(service,
                    ConfigLoader.load(configFile, System.getenv(), overrides, schema(service)), Clock.systemUTC());
        } catch (InvalidConfigException e) {
            err.println(service.name() + ": " + e.getMessage());
            return EXIT_USAGE;
        } catch (StartupException e) {
            err.println(service.name() + ": " + e.getMessage());
            return EXIT_FAILURE;
        }
        Signals.onTermination(running::requestStop);
        out.println(running.startLine());
        out.flush();
        try {
            return running.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILURE;
        }
    }

    /** The keys {@code service} knows: its {@code application.yaml}'s, the kit's own optional ones, and its own. */
    public static ConfigSchema schema(Service service) {
        List<String> optional = new ArrayList<>(List.of(MetricTags.KEY + ".*"));
        optional.addAll(service.optionalKeys());
        return ConfigSchema.ofClasspath(optional, service.longLists());
    }

    /** The entry point of every service jar: {@code System.exit(ServiceMain.run(new XCommand(), args))}. */
    public static int run(ServiceCommand command, String[] args) {
        return ServiceCommand.execute(command, args);
    }
}
