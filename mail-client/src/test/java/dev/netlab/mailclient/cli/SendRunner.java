package dev.netlab.mailclient.cli;

import dev.netlab.kit.cli.ServiceCommand;
import dev.netlab.mailclient.smtp.Resolver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/** Runs the {@code send} command in-process with captured output, a fixed clock and a given environment. */
final class SendRunner {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private SendRunner() {
    }

    static Result run(Map<String, String> env, String... args) {
        return runDecodedAs("UTF-8", env, args);
    }

    static Result runDecodedAs(String jnuEncoding, Map<String, String> env, String... args) {
        return run(jnuEncoding, Resolver.system(), env, args);
    }

    /** With {@code resolver} turning the server's name into addresses (several, to see each tried). */
    static Result runResolvedBy(Resolver resolver, Map<String, String> env, String... args) {
        return run("UTF-8", resolver, env, args);
    }

    private static Result run(String jnuEncoding, Resolver resolver, Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        SendCommand command = new SendCommand(new SendCommand.Environment(outStream, errStream, env::get,
                Optional.empty(), CLOCK, jnuEncoding, resolver));
        PrintStream systemErr = System.err;
        int code;
        // picocli reports option errors on System.err: capture it too.
        System.setErr(errStream);
        try {
            code = ServiceCommand.execute(command, args);
        } finally {
            System.setErr(systemErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
