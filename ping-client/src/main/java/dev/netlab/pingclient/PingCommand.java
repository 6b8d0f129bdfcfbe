package dev.netlab.pingclient;

import dev.netlab.pingclient.probe.ProbeCodec;
import dev.netlab.pingclient.probe.ProbeMemory;
import dev.netlab.pingprotocol.Mode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ping TARGET [options]}: probes one target a number of times and prints ping's report. */
@Command(name = "ping", sortOptions = false, usageHelpAutoWidth = true, showDefaultValues = true,
        description = "Probes TARGET (HOST, HOST:PORT or [IPV6]:PORT) over UDP and prints RTT and loss like ping.",
        footerHeading = "%n",
        footer = "Exit codes: 0 at least one reply arrived in time, 1 none did (an ICMP port unreachable is no reply),"
                + " 2 usage error, a host that does not resolve, or a local socket error.")
final class PingCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "TARGET", description = "HOST, HOST:PORT or [IPV6]:PORT; the port defaults to the mode's"
            + " (lab 12000, echo 7007, stamp 8620).")
    private String target;

    @Option(names = "-c", paramLabel = "COUNT", description = "Probes to send (default 10; no limit with -w alone).")
    private Long count;

    @Option(names = "-i", paramLabel = "SECONDS", defaultValue = "1", converter = Seconds.class,
            description = "Interval between sends; fractions allowed.")
    private Duration interval;

    @Option(names = "-W", paramLabel = "SECONDS", defaultValue = "1", converter = Seconds.class,
            description = "How long each probe waits for its reply.")
    private Duration timeout;

    @Option(names = "-s", paramLabel = "BYTES",
            description = "Payload size (default: lab the line's length, echo 56, stamp 44).")
    private Integer size;

    @Option(names = "-w", paramLabel = "SECONDS", converter = Seconds.class,
            description = "Deadline for the whole run.")
    private Duration deadline;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "lab", converter = ModeConverter.class,
            description = "lab, echo or stamp.")
    private Mode mode;

    @Option(names = "-q", description = "Summary only.")
    private boolean quiet;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, or json: one JSON object at the end and nothing else on standard output.")
    private String format;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() {
        return PingRun.run(options(), spec.commandLine().getOut(), spec.commandLine().getErr(), Clock.systemUTC());
    }

    PingOptions options() {
        CommandLine cl = spec.commandLine();
        if (count != null && count < 1) {
            throw new CommandLine.ParameterException(cl, "-c must be at least 1, got " + count);
        }
        if (interval.compareTo(Duration.ofMillis(1)) < 0) {
            throw new CommandLine.ParameterException(cl, "-i must be at least 0.001 seconds");
        }
        if (timeout.compareTo(Duration.ofMillis(1)) < 0) {
            throw new CommandLine.ParameterException(cl, "-W must be at least 0.001 seconds");
        }
        String misfit = ProbeMemory.misfit(interval, timeout, ProbeMemory.DEFAULT_MAX_OUTSTANDING, "-W", "-i");
        if (misfit != null) {
            throw new CommandLine.ParameterException(cl, misfit);
        }
        if (deadline != null && deadline.isZero()) {
            throw new CommandLine.ParameterException(cl, "-w must be more than 0 seconds");
        }
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("text") && !fmt.equals("json")) {
            throw new CommandLine.ParameterException(cl, "--format must be text or json, got '" + format + "'");
        }
        int minimum = ProbeCodec.minimumSize(mode);
        int bytes = size != null ? size : ProbeCodec.defaultSize(mode);
        if (size != null && (size < Math.max(minimum, 1) || size > 65_507)) {
            throw new CommandLine.ParameterException(cl, "-s must be from " + Math.max(minimum, 1) + " to 65507 bytes in "
                    + mode.label() + " mode, got " + size);
        }
        long probes = count != null ? count : deadline != null ? 0 : 10;
        return new PingOptions(target, mode, probes, interval, timeout, bytes, deadline, quiet, fmt.equals("json"));
    }

    /** Seconds with fractions ({@code 0.2}) as a duration. */
    static final class Seconds implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            BigDecimal seconds;
            try {
                seconds = new BigDecimal(value.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a number of seconds (0.2, 1)");
            }
            if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(86_400L * 365)) > 0) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is out of range: expected seconds from 0 to 31536000 (365 days)");
            }
            return Duration.ofNanos(seconds.movePointRight(9).longValue());
        }
    }

    /** {@code lab}, {@code echo}, {@code stamp}, in any case. */
    static final class ModeConverter implements CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            Mode mode = Mode.byLabel(value);
            if (mode != null) {
                return mode;
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a mode (lab, echo, stamp)");
        }
    }
}
