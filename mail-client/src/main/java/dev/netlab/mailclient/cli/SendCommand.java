package dev.netlab.mailclient.cli;

import dev.netlab.kit.text.TerminalText;
import dev.netlab.kit.config.Durations;
import dev.netlab.mailclient.message.Attachment;
import dev.netlab.mailclient.message.MessageBuilder;
import dev.netlab.mailclient.message.MessageException;
import dev.netlab.mailclient.message.MessageSpec;
import dev.netlab.mailclient.smtp.AuthMechanism;
import dev.netlab.mailclient.smtp.Credentials;
import dev.netlab.mailclient.smtp.DeliveryOutcome;
import dev.netlab.mailclient.smtp.OutgoingMessage;
import dev.netlab.mailclient.smtp.RecipientResult;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.smtp.SessionOptions;
import dev.netlab.mailclient.smtp.SmtpFailure;
import dev.netlab.mailclient.smtp.SmtpSession;
import dev.netlab.mailclient.smtp.Stage;
import dev.netlab.mailclient.smtp.Timeouts;
import dev.netlab.mailclient.smtp.TlsMode;
import dev.netlab.mailclient.smtp.TlsOptions;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mail-client send}: one message over SMTP with the whole dialogue shown. */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Send one message over SMTP and show the dialogue (-> sent, <- received, ~> <~ under TLS).",
        footerHeading = "%nExit codes:%n",
        footer = {
            "   0  delivered to every recipient (or stopped as --quit-after asked)",
            "   1  delivered to some recipients only",
            "   2  usage or message error (nothing was sent)",
            "  20  cannot connect",
            "  21  greeting refused",
            "  22  EHLO/HELO refused",
            "  23  MAIL FROM refused",
            "  24  no recipient accepted",
            "  25  message refused at or after DATA",
            "  28  authentication failed",
            "  29  TLS failure (not offered, handshake, certificate)"})
public final class SendCommand implements Callable<Integer> {

    /** Where the command reads passwords and environment and resolves the server's name; tests replace it. */
    record Environment(PrintStream out, PrintStream err, Function<String, String> getenv, Optional<Console> console,
                       Clock clock, String jnuEncoding, Resolver resolver) {
        static Environment system() {
            return new Environment(System.out, System.err, System::getenv, Optional.ofNullable(System.console()),
                    Clock.systemUTC(), System.getProperty("sun.jnu.encoding"), Resolver.system());
        }
    }

    enum QuitAfter { CONNECT, GREETING, EHLO, TLS, AUTH, MAIL, RCPT }

    @Spec
    private CommandSpec spec;

    @Option(names = "--server", paramLabel = "HOST[:PORT]",
            description = "SMTP server; the port defaults by --tls: 587 starttls, 465 implicit, 25 none.")
    private String server;

    @Option(names = "--tls", paramLabel = "MODE", defaultValue = "starttls",
            description = "starttls (default), implicit (RFC 8314, port 465) or none (only when asked).")
    private String tls;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust these CA certificates instead of the JDK's.")
    private Path caFile;

    @Option(names = "--pin-sha256", paramLabel = "BASE64",
            description = "Accept only this server public key (SHA-256 of its SubjectPublicKeyInfo), instead of a CA.")
    private String pinSha256;

    @Option(names = "--insecure", description = "Do not verify the certificate at all (warned on every run).")
    private boolean insecure;

    @Option(names = "--user", paramLabel = "NAME", description = "Authenticate as NAME (only ever under TLS).")
    private String user;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Read the password (or token) from $VAR.")
    private String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password (or token) from FILE.")
    private Path passwordFile;

    @Option(names = "--auth", paramLabel = "MECH", defaultValue = "auto",
            description = "auto (strongest offered: PLAIN, then LOGIN), plain, login or xoauth2 (OAuth2 token).")
    private String auth;

    @Option(names = "--ehlo", paramLabel = "NAME", description = "Name to greet with (default: our address literal).")
    private String ehlo;

    @Option(names = "--from", paramLabel = "ADDR", description = "Sender: From header and MAIL FROM.")
    private String from;

    @Option(names = "--to", paramLabel = "ADDR", description = "Recipient (repeatable).")
    private List<String> to = new ArrayList<>();

    @Option(names = "--cc", paramLabel = "ADDR", description = "Copy recipient (repeatable).")
    private List<String> cc = new ArrayList<>();

    @Option(names = "--bcc", paramLabel = "ADDR", description = "Blind copy recipient, envelope only (repeatable).")
    private List<String> bcc = new ArrayList<>();

    @Option(names = "--subject", paramLabel = "TEXT", description = "Subject (UTF-8 is sent as encoded words).")
    private String subject;

    @Option(names = "--body", paramLabel = "TEXT", description = "Plain text body.")
    private String body;

    @Option(names = "--body-file", paramLabel = "FILE", description = "Plain text body from a UTF-8 file.")
    private Path bodyFile;

    @Option(names = "--subject-file", paramLabel = "FILE", description = "Subject from a UTF-8 file (one line).")
    private Path subjectFile;

    @Option(names = "--html-file", paramLabel = "FILE", description = "HTML alternative from a UTF-8 file.")
    private Path htmlFile;

    @Option(names = "--attach", paramLabel = "FILE", description = "Attach FILE (repeatable).")
    private List<Path> attach = new ArrayList<>();

    @Option(names = "--inline", paramLabel = "FILE",
            description = "Inline image for the HTML, referenced as cid:<file name> (repeatable).")
    private List<Path> inline = new ArrayList<>();

    @Option(names = "--header", paramLabel = "\"Name: value\"", description = "Extra header (repeatable).")
    private List<String> headers = new ArrayList<>();

    @Option(names = "--quit-after", paramLabel = "STAGE",
            description = "Stop after connect, greeting, ehlo, tls, auth, mail or rcpt (QUIT, exit 0).")
    private String quitAfter;

    @Option(names = "--dry-run", description = "Print the message that would be sent; send nothing.")
    private boolean dryRun;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Timeout of every stage (30s), or of one: connect, greeting, command, tls, mail, rcpt,"
                    + " data-init, data-block, data-end (data-end=10m); repeatable. Default: RFC 5321's.")
    private List<String> timeouts = new ArrayList<>();

    @Option(names = "-q", description = "Quiet: print only errors and warnings.")
    private boolean quiet;

    @Option(names = "--show-body", description = "Show the message data in the transcript instead of a summary.")
    private boolean showBody;

    @Option(names = {"-v", "--verbose"}, description = "After an error, also print the JDK's own text of its cause.")
    private boolean verbose;

    private final Environment environment;

    public SendCommand() {
        this(Environment.system());
    }

    SendCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        PrintStream err = environment.err();
        List<String> original = spec.commandLine().getParseResult() == null
                ? List.of() : spec.commandLine().getParseResult().originalArgs();
        ArgumentEncoding.warning(environment.jnuEncoding(), original)
                .ifPresent(w -> err.println("*** WARNING: " + TerminalText.escape(w)));
        Credentials credentials = null;
        try {
            Optional<QuitAfter> quit = choice("--quit-after", QuitAfter.class, quitAfter);
            boolean needsMessage = dryRun || quit.isEmpty() || quit.get() == QuitAfter.MAIL
                    || quit.get() == QuitAfter.RCPT;
            OutgoingMessage message = needsMessage ? buildMessage() : null;
            if (dryRun) {
                byte[] content = message.content();
                environment.out().write(content, 0, content.length);
                environment.out().flush();
                return ExitCodes.DELIVERED;
            }
            TlsMode mode = choice("--tls", TlsMode.class, tls).orElseThrow();
            if (server == null) {
                throw new UsageException("--server is required (or --dry-run)");
            }
            ServerAddress address = ServerAddress.parse(server, mode);
            TlsOptions tlsOptions = tlsOptions(mode);
            if (quit.isPresent() && quit.get() == QuitAfter.TLS && mode == TlsMode.NONE) {
                throw new UsageException("--quit-after tls needs --tls starttls or implicit");
            }
            credentials = credentials(mode);
            Optional<AuthMechanism> mechanism = "auto".equalsIgnoreCase(auth)
                    ? Optional.empty() : choice("--auth", AuthMechanism.class, auth);
            if (mechanism.isPresent() && credentials == null) {
                throw new UsageException("--auth " + auth + " needs --user");
            }
            SessionOptions options;
            try {
                options = new SessionOptions(address.host(), address.port(), tlsOptions,
                        Optional.ofNullable(credentials), mechanism, Optional.ofNullable(ehlo), parseTimeouts());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            TranscriptPrinter printer = new TranscriptPrinter(environment.out(), err, quiet, showBody);
            return run(options, message, quit, printer);
        } catch (UsageException | MessageException e) {
            err.println("send: " + TerminalText.escape(e.getMessage()));
            err.flush();
            return ExitCodes.USAGE;
        } finally {
            if (credentials != null) {
                credentials.wipe();
            }
        }
    }

    private int run(SessionOptions options, OutgoingMessage message, Optional<QuitAfter> quit,
                    TranscriptPrinter printer) {
        SmtpSession session = null;
        try {
            if (stopsAt(quit, QuitAfter.CONNECT)) {
                session = SmtpSession.connect(options, printer, environment.resolver());
                session.abort();
                return stopped(printer, "connect");
            }
            // An address that refuses the greeting is skipped for the next one; only the last one's failure counts.
            session = SmtpSession.greeted(options, printer, environment.resolver());
            if (stopsAt(quit, QuitAfter.GREETING)) {
                return stopped(printer, "greeting");
            }
            session.hello();
            if (stopsAt(quit, QuitAfter.EHLO)) {
                return stopped(printer, "ehlo");
            }
            if (options.tls().mode() == TlsMode.STARTTLS) {
                session.startTls();
            }
            if (stopsAt(quit, QuitAfter.TLS)) {
                return stopped(printer, "tls");
            }
            if (options.credentials().isPresent()) {
                session.authenticate();
            }
            if (stopsAt(quit, QuitAfter.AUTH)) {
                return stopped(printer, "auth");
            }
            Stage stopAfter = quit.map(q -> q == QuitAfter.MAIL ? Stage.MAIL : Stage.RCPT).orElse(Stage.DATA);
            DeliveryOutcome outcome = session.send(message, stopAfter);
            report(outcome, printer);
            return ExitCodes.forOutcome(outcome);
        } catch (SmtpFailure e) {
            printer.error(e.getMessage());
            if (verbose) {
                for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                    printer.error("  cause: " + cause);
                }
            }
            return ExitCodes.forStage(e.stage());
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    private static boolean stopsAt(Optional<QuitAfter> quit, QuitAfter stage) {
        return quit.isPresent() && quit.get() == stage;
    }

    private static int stopped(TranscriptPrinter printer, String stage) {
        printer.note("stopping after " + stage + " as asked (--quit-after)");
        return ExitCodes.DELIVERED;
    }

    private static void report(DeliveryOutcome outcome, TranscriptPrinter printer) {
        for (RecipientResult recipient : outcome.recipients()) {
            if (recipient.reply().isPresent() && !recipient.accepted()) {
                printer.error("recipient " + recipient.address() + " rejected: " + recipient.reply().get());
            }
        }
        switch (outcome) {
            case DeliveryOutcome.Delivered d -> printer.note("delivered to " + d.recipients().size() + " of "
                    + d.recipients().size() + " recipients: " + d.reply());
            case DeliveryOutcome.PartiallyDelivered p -> printer.error("partial delivery: "
                    + p.recipients().stream().filter(RecipientResult::accepted).count() + " of "
                    + p.recipients().size() + " recipients accepted: " + p.reply());
            case DeliveryOutcome.Refused r -> printer.error(switch (r.stage()) {
                case MAIL -> "MAIL FROM refused: " + r.reply();
                case RCPT -> "no recipient accepted";
                // A refused final dot is never positive: a positive reply here answered DATA, where only 354 fits.
                default -> r.reply().isPositive()
                        ? "protocol error: the server answered DATA with " + r.reply().code() + " instead of 354 ("
                                + r.reply() + ")"
                        : "message refused: " + r.reply();
            });
            case DeliveryOutcome.Failed f -> printer.error(f.reason());
            case DeliveryOutcome.Stopped s -> printer.note("stopping after " + s.stage().name().toLowerCase(Locale.ROOT)
                    + " as asked (--quit-after)");
        }
    }

    private OutgoingMessage buildMessage() throws UsageException, MessageException {
        if (from == null) {
            throw new UsageException("--from is required");
        }
        if (body != null && bodyFile != null) {
            throw new UsageException("give --body or --body-file, not both");
        }
        if (subject != null && subjectFile != null) {
            throw new UsageException("give --subject or --subject-file, not both");
        }
        String subjectText = subjectFile != null ? subjectFromFile() : Optional.ofNullable(subject).orElse("");
        String text = bodyFile != null ? readText("--body-file", bodyFile) : Optional.ofNullable(body).orElse("");
        Optional<String> html = htmlFile == null ? Optional.empty() : Optional.of(readText("--html-file", htmlFile));
        MessageSpec messageSpec = new MessageSpec(from, to, cc, bcc, subjectText, text, html,
                files("--attach", attach), files("--inline", inline), headers);
        return new MessageBuilder(environment.clock(), new SecureRandom()).build(messageSpec);
    }

    /** The subject file's one line: a CR, LF or NUL before its final line end is refused, naming the file. */
    private String subjectFromFile() throws UsageException {
        String text = stripFinalNewline(readText("--subject-file", subjectFile));
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\r' || ch == '\n' || ch == 0) {
                throw new UsageException("--subject-file: " + subjectFile + " holds a " + (ch == '\r' ? "CR"
                        : ch == '\n' ? "LF" : "NUL") + " inside its text: a subject is one line (refused, nothing"
                        + " was sent)");
            }
        }
        return text;
    }

    private static String stripFinalNewline(String text) {
        String out = text;
        if (out.endsWith("\n")) {
            out = out.substring(0, out.length() - 1);
        }
        if (out.endsWith("\r")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    private static List<Attachment> files(String option, List<Path> paths) throws UsageException {
        List<Attachment> out = new ArrayList<>();
        for (Path path : paths) {
            try {
                out.add(new Attachment(String.valueOf(path.getFileName()), Files.readAllBytes(path)));
            } catch (IOException e) {
                throw FileProblem.unreadable(option, path, e);
            }
        }
        return out;
    }

    private static String readText(String option, Path path) throws UsageException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(path)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new UsageException(option + ": " + path + " is not UTF-8 text");
        } catch (IOException e) {
            throw FileProblem.unreadable(option, path, e);
        }
    }

    private TlsOptions tlsOptions(TlsMode mode) throws UsageException {
        boolean anyTlsOption = caFile != null || pinSha256 != null || insecure;
        if (mode == TlsMode.NONE && anyTlsOption) {
            throw new UsageException("--ca-file, --pin-sha256 and --insecure need --tls starttls or implicit");
        }
        if (insecure && (caFile != null || pinSha256 != null)) {
            throw new UsageException("--insecure turns verification off: it cannot go with --ca-file or --pin-sha256");
        }
        if (caFile != null && pinSha256 != null) {
            throw new UsageException("--pin-sha256 replaces the CA check: give it or --ca-file, not both");
        }
        if (caFile != null) {
            CaFile.check(caFile);
        }
        Optional<byte[]> pin;
        try {
            pin = Optional.ofNullable(pinSha256).map(TlsOptions::decodePin);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--pin-sha256: " + e.getMessage());
        }
        return new TlsOptions(mode, Optional.ofNullable(caFile), pin, insecure);
    }

    /** The credentials, from --password-env, --password-file or a prompt without echo; never from an argument. */
    private Credentials credentials(TlsMode mode) throws UsageException {
        if (user == null) {
            if (passwordEnv != null || passwordFile != null) {
                throw new UsageException("--password-env and --password-file need --user");
            }
            return null;
        }
        if (mode == TlsMode.NONE) {
            throw new UsageException("--user with --tls none: credentials are never sent without TLS");
        }
        if (passwordEnv != null && passwordFile != null) {
            throw new UsageException("give --password-env or --password-file, not both");
        }
        char[] secret;
        if (passwordEnv != null) {
            String value = environment.getenv().apply(passwordEnv);
            if (value == null || value.isEmpty()) {
                throw new UsageException("--password-env: environment variable " + passwordEnv + " is not set");
            }
            secret = value.toCharArray();
        } else if (passwordFile != null) {
            secret = stripFinalNewline(readText("--password-file", passwordFile)).toCharArray();
            if (secret.length == 0) {
                throw new UsageException("--password-file: " + passwordFile + " is empty");
            }
        } else if (environment.console().isPresent()) {
            secret = environment.console().get().readPassword("Password for %s: ", user);
            if (secret == null || secret.length == 0) {
                throw new UsageException("no password entered");
            }
        } else {
            throw new UsageException("--user needs --password-env VAR or --password-file FILE (no terminal to prompt"
                    + " on; a password is never an argument)");
        }
        try {
            return Credentials.of(user, secret);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private Timeouts parseTimeouts() throws UsageException {
        Timeouts result = Timeouts.rfcDefaults();
        for (String value : timeouts) {
            int eq = value.indexOf('=');
            String durationText = eq < 0 ? value : value.substring(eq + 1);
            Duration duration = Durations.parse(durationText).filter(d -> !d.isNegative() && !d.isZero())
                    .orElseThrow(() -> new UsageException("--timeout: '" + durationText + "' is not "
                            + Durations.ALLOWED + " above zero"));
            if (eq < 0) {
                result = Timeouts.all(duration);
            } else {
                try {
                    result = result.with(Timeouts.Stage.named(value.substring(0, eq)), duration);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--timeout: " + e.getMessage());
                }
            }
        }
        return result;
    }

    private static <E extends Enum<E>> Optional<E> choice(String option, Class<E> type, String value)
            throws UsageException {
        if (value == null) {
            return Optional.empty();
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.replace('-', '_'))) {
                return Optional.of(constant);
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name().toLowerCase(Locale.ROOT));
        }
        if (type == AuthMechanism.class) {
            allowed.add(0, "auto");
        }
        throw new UsageException(option + ": '" + value + "' is not one of " + String.join(", ", allowed));
    }
}
