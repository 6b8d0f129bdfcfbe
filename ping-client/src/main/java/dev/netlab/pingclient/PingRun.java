package dev.netlab.pingclient;

import dev.netlab.kit.text.TerminalText;
import dev.netlab.pingclient.probe.ProbeEvents;
import dev.netlab.pingclient.probe.ProbeStream;
import dev.netlab.pingclient.probe.StreamSpec;
import dev.netlab.pingclient.probe.StreamStats;
import dev.netlab.pingclient.probe.TargetAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/** One run of the {@code ping} command: resolve, probe, report. Exit codes as iputils'. */
final class PingRun {

    static final int EXIT_REPLIED = 0;
    static final int EXIT_NO_REPLY = 1;
    static final int EXIT_ERROR = 2;
    /** Per-probe records and RTT samples kept when the run has no count. */
    private static final int UNBOUNDED_MEMORY = 100_000;

    private PingRun() {
    }

    /** Runs the command; {@code out} gets the report, {@code err} one line on failure. */
    static int run(PingOptions options, PrintWriter out, PrintWriter err, Clock clock) {
        TargetAddress target;
        try {
            target = TargetAddress.parse(options.target(), options.mode().defaultPort());
        } catch (IllegalArgumentException e) {
            err.println("ping: " + TerminalText.escape(e.getMessage()));
            err.flush();
            return EXIT_ERROR;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(target.host());
        } catch (UnknownHostException e) {
            err.println("ping: " + TerminalText.escape(target.host()) + ": Name or service not known");
            err.flush();
            return EXIT_ERROR;
        }
        StreamSpec spec = new StreamSpec(options.target(), new InetSocketAddress(address, target.port()),
                options.mode(), options.interval(), options.timeout(), options.size(), options.count(),
                options.deadline());
        int memory = options.count() == 0 ? UNBOUNDED_MEMORY : (int) Math.min(options.count(), UNBOUNDED_MEMORY);
        StreamStats stats = new StreamStats(memory, memory);
        TextOutput text = new TextOutput(out, options.mode(), spec.addressLabel(), !options.quiet() && !options.json());
        ProbeEvents events = options.json() ? stats : ProbeEvents.all(stats, text);
        ProbeStream stream;
        try {
            stream = ProbeStream.open(spec, events, clock, new SecureRandom().nextLong());
        } catch (IOException e) {
            err.println("ping: local socket error: " + TerminalText.escape(e.getMessage()));
            err.flush();
            return EXIT_ERROR;
        }
        // Ctrl-C ends the run early, and the summary still prints, as ping's does.
        java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger exit = new java.util.concurrent.atomic.AtomicInteger(EXIT_NO_REPLY);
        Thread interrupt = new Thread(() -> {
            stream.stop();
            try {
                if (reported.await(2, TimeUnit.SECONDS)) {
                    // ping's exit code after Ctrl-C, not the signal's: the summary is out, nothing else to run.
                    Runtime.getRuntime().halt(exit.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ping-interrupt");
        boolean hooked = addHook(interrupt);
        long start = System.nanoTime();
        if (!options.json()) {
            text.header(options.target(), Math.max(options.size(), 0));
        }
        try {
            stream.run();
        } catch (IOException e) {
            err.println("ping: local socket error: " + TerminalText.escape(e.getMessage()));
            err.flush();
            reported.countDown();
            return EXIT_ERROR;
        } finally {
            stream.close();
        }
        try {
            int code = report(options, out, text, spec, stats, start);
            exit.set(code);
            return code;
        } finally {
            reported.countDown();
            if (hooked) {
                removeHook(interrupt);
            }
        }
    }

    private static int report(PingOptions options, PrintWriter out, TextOutput text, StreamSpec spec,
                              StreamStats stats, long start) {
        long elapsedMillis = (System.nanoTime() - start + 500_000) / 1_000_000;
        StreamStats.Snapshot snapshot = stats.snapshot();
        if (options.json()) {
            out.println(JsonOutput.command(options.target(), spec.addressLabel(), options.mode().label(), snapshot));
        } else {
            text.summary(options.target(), snapshot, elapsedMillis);
        }
        out.flush();
        return snapshot.received() > 0 ? EXIT_REPLIED : EXIT_NO_REPLY;
    }

    private static boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already
        }
    }
}
