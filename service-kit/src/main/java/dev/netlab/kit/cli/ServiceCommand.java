package dev.netlab.kit.cli;

import dev.netlab.kit.lifecycle.Service;
import dev.netlab.kit.lifecycle.ServiceMain;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line every service jar shares: {@code --config FILE}, {@code --bind ADDR}, {@code --help},
 * {@code --version}. A service subclasses it, adds its own options (annotated fields) and maps them to
 * configuration keys in {@link #addOverrides}; subcommands ({@code ping}, {@code send}) are ordinary picocli
 * subcommands of the subclass.
 */
@Command(mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        showDefaultValues = true,
        footerHeading = "%n",
        footer = {
            "Configuration, lowest to highest precedence: the bundled application.yaml, --config FILE, the environment"
                + " (FOO_BAR sets foo.bar, FOO_BAR_dash_BAZ sets foo.bar-baz), these options.",
            "Exit codes: 0 stopped cleanly (SIGTERM), 1 runtime failure (a port that cannot be bound),"
                + " 2 usage or configuration error."})
public abstract class ServiceCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration layered over the defaults; the environment overrides it.")
    private Path config;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Address every listener binds, the admin socket included (default 127.0.0.1).")
    private String bind;

    /** The service this command runs: the command itself when it implements {@link Service}, as most do. */
    protected Service service() {
        if (this instanceof Service service) {
            return service;
        }
        throw new IllegalStateException(getClass().getName() + " must implement Service or override service()");
    }

    /** The {@code --config} file, if given (a service that re-reads its configuration reads it again). */
    protected Optional<Path> configFile() {
        return Optional.ofNullable(config);
    }

    /** Puts the configuration keys that this service's own options set. */
    protected void addOverrides(Map<String, String> overrides) {
    }

    @Override
    public final Integer call() {
        Service service = service();
        Map<String, String> overrides = new LinkedHashMap<>();
        if (bind != null) {
            overrides.put("admin.bind-address", bind);
            service.bindAddressKeys().forEach(key -> overrides.put(key, bind));
        }
        addOverrides(overrides);
        return ServiceMain.serve(service, Optional.ofNullable(config), overrides, System.out, System.err);
    }

    /**
     * Parses {@code args} and runs the command or subcommand they name. A usage error prints one line and returns
     * 2; {@code --help} and {@code --version} print and return 0.
     */
    public static int execute(Object command, String[] args) {
        Logging.configure();
        CommandLine commandLine = new CommandLine(command);
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            CommandLine failed = exception.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println(failed.getCommandName() + ": " + exception.getMessage() + " (see --help)");
            err.flush();
            return ServiceMain.EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            PrintWriter err = failed.getErr();
            err.println(failed.getCommandName() + ": " + exception);
            err.flush();
            return ServiceMain.EXIT_FAILURE;
        });
        return commandLine.execute(args);
    }
}
