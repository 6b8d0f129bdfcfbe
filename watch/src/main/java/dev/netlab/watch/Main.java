package dev.netlab.watch;

import dev.netlab.kit.cli.ServiceCommand;
import dev.netlab.kit.cli.VersionProvider;
import dev.netlab.kit.config.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.InfoCmp.Capability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code watch}: RTT and loss live in the terminal, read from the services' admin endpoints. */
@Command(name = "watch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Shows the ping-client's targets (RTT, loss, a sparkline of the last 60 probes), the"
                + " ping-server's listeners, the web-server and the mail-client live, read from their admin"
                + " endpoints (/api/targets, /metrics).",
            "Keys: q quit, p pause, j/k or arrows scroll, PgUp/PgDn, g/G first/last target."},
        footerHeading = "%n",
        footer = {"When standard output is not a terminal, --once is implied. NO_COLOR set and non-empty: no colours.",
            "Exit codes: 0 quit with q (or --once printed a frame with at least one service up), 1 runtime failure,"
                + " 2 usage error, 3 --once and no service answered, 130 interrupted (Ctrl-C)."})
public final class Main implements Callable<Integer> {

    static final int EXIT_FAILURE = 1;
    static final int EXIT_NOTHING_UP = 3;
    /** Held so that the level set on it stays: JLine's warnings must not land on the screen it draws. */
    private static final Logger JLINE = Logger.getLogger("org.jline");

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Time between readings (250ms, 1s, 5s...; at least 100ms). Default: ${DEFAULT-VALUE}.")
    private Duration interval;

    @Option(names = "--admin", paramLabel = "SERVICE=HOST:PORT",
            description = "Where a service's admin socket listens (repeatable). Default: the contract ports on"
                    + " 127.0.0.1: ping-client 9082, ping-server 9081, web-server 9080, mail-client 9083.")
    private List<String> admin = new ArrayList<>();

    @Option(names = "--once", description = "Print one frame as plain text (no escape sequences) and exit; the"
            + " rates cover one interval, so this takes one interval.")
    private boolean once;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, or json: the same figures as one JSON object (implies --once).")
    private String format;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(ServiceCommand.execute(new Main(), args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        JLINE.setLevel(Level.OFF);
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw usage("--interval " + Durations.format(interval) + " is too short (at least 100ms)");
        }
        if (!format.equals("text") && !format.equals("json")) {
            throw usage("--format '" + format + "': text or json");
        }
        // JSON is for scripts: one frame, whatever standard output is.
        once |= format.equals("json");
        AdminAddresses addresses;
        try {
            addresses = AdminAddresses.of(admin);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        // Long enough for a busy machine's admin socket, short enough that a hung one does not freeze the view.
        Duration timeout = interval.compareTo(Duration.ofSeconds(2)) <= 0 ? Duration.ofSeconds(2)
                : interval.compareTo(Duration.ofSeconds(5)) < 0 ? interval : Duration.ofSeconds(5);
        Collector collector = new Collector(addresses, new AdminClient(timeout), Clock.systemUTC(), System::nanoTime);
        if (!once) {
            Terminal terminal = TerminalBuilder.builder().system(true).systemOutput(TerminalBuilder.SystemOutput.SysOut)
                    .nativeSignals(true).signalHandler(Terminal.SignalHandler.SIG_DFL).dumb(true).build();
            try (terminal) {
                if (!isDumb(terminal)) {
                    Integer colours = terminal.getNumericCapability(Capability.max_colors);
                    boolean colour = !noColour() && colours != null && colours >= 8;
                    FrameRenderer renderer = new FrameRenderer(Glyphs.forCharset(terminal.encoding()), colour, interval);
                    return new LiveView(terminal, collector, interval, renderer).run();
                }
            }
        }
        return printOnce(collector, System.out);
    }

    /** Two readings one interval apart (so that rates are real), then one plain frame. */
    private int printOnce(Collector collector, PrintStream out) throws InterruptedException {
        collector.collect();
        Thread.sleep(interval);
        Figures figures = collector.collect();
        if (format.equals("json")) {
            out.println(JsonFrame.of(figures));
        } else {
            FrameRenderer renderer = new FrameRenderer(Glyphs.forCharset(out.charset()), false, interval);
            for (AttributedString line : renderer.renderAll(figures, columns())) {
                out.println(line);
            }
        }
        out.flush();
        boolean anyUp = figures.pingClient() instanceof Reading.Up || figures.pingServer() instanceof Reading.Up
                || figures.webServer() instanceof Reading.Up || figures.mailClient() instanceof Reading.Up;
        return anyUp ? 0 : EXIT_NOTHING_UP;
    }

    private static boolean isDumb(Terminal terminal) {
        return Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
    }

    private static boolean noColour() {
        String noColor = System.getenv("NO_COLOR");
        return noColor != null && !noColor.isEmpty();
    }

    /** The width of a plain frame: {@code COLUMNS} when set, else 80. */
    private static int columns() {
        String columns = System.getenv("COLUMNS");
        if (columns != null && columns.matches("\\d{2,4}")) {
            return Integer.parseInt(columns);
        }
        return 80;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** {@code 250ms}, {@code 1s}, {@code PT1S}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Durations.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "'" + value + "' is not " + Durations.ALLOWED));
        }
    }
}
