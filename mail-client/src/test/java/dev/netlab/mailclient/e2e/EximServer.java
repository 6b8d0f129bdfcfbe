package dev.netlab.mailclient.e2e;

import dev.netlab.kit.testing.ServiceProcess;
import dev.netlab.mailclient.testing.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Exim (Debian's exim4-daemon-light) on 127.0.0.1 and a free port, run in the foreground with a configuration
 * this class writes: STARTTLS with a test certificate, AUTH PLAIN and LOGIN (only under TLS) for one user, relaying
 * only for authenticated clients, delivering every recipient to one maildir. As root (CI) Exim runs as Debian does,
 * receiving and delivering as Debian-exim; as an ordinary user, Exim gives up its setuid privilege for {@code -C}
 * and runs, receives and delivers as that user, which is all a test on a high port needs.
 */
final class EximServer implements AutoCloseable {

    static final String USER = "tester";
    static final String PASSWORD = "t3st-pass";
    private static final String DEBIAN_EXIM = "Debian-exim";

    private final Path dir;
    private final Path config;
    private final Path maildir;
    private final int port;
    private final ServiceProcess process;

    private EximServer(Path dir, Path config, Path maildir, int port, ServiceProcess process) {
        this.dir = dir;
        this.config = config;
        this.maildir = maildir;
        this.port = port;
        this.process = process;
    }

    /** The Exim binary, or an AssertionError that says how to install it: this test must not skip silently. */
    static Path binary() {
        for (String candidate : List.of("/usr/sbin/exim4", "/usr/sbin/exim")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new AssertionError("Exim is not installed: apt-get install exim4-daemon-light (.ci/run installs it);"
                + " this end-to-end test needs a real MTA");
    }

    static EximServer start(Path dir, TestPki.Issued certificate) throws IOException, InterruptedException {
        Path exim = binary();
        boolean root = "root".equals(System.getProperty("user.name"));
        // Exim's delivery and receiving processes run as Debian-exim under root: they must reach the files.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path spool = Files.createDirectories(dir.resolve("spool"));
        Path log = Files.createDirectories(dir.resolve("log"));
        Path maildir = Files.createDirectories(dir.resolve("Maildir"));
        String user = root ? DEBIAN_EXIM : System.getProperty("user.name");
        String group = root ? DEBIAN_EXIM
                : Files.readAttributes(dir, PosixFileAttributes.class).group().getName();
        if (root) {
            for (Path owned : List.of(spool, log, maildir)) {
                giveToExim(owned);
            }
        }
        Path certificateFile = dir.resolve("server.pem");
        Path keyFile = dir.resolve("server.key");
        certificate.writePem(certificateFile, keyFile);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        Path config = dir.resolve("exim.conf");
        AssertionError last = null;
        // The free port is found by binding and closing: another process may take it first, so try a few.
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Files.writeString(config, configuration(dir, spool, log, maildir, certificateFile, keyFile, port, user,
                    group));
            ServiceProcess process = ServiceProcess.start(List.of(exim.toString(), "-C", config.toString(), "-bdf"),
                    Map.of(), dir);
            EximServer server = new EximServer(dir, config, maildir, port, process);
            try {
                server.awaitListening(Duration.ofSeconds(20));
                return server;
            } catch (AssertionError e) {
                server.close();
                last = e;
            }
        }
        throw last;
    }

    private static void giveToExim(Path path) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(lookup.lookupPrincipalByName(DEBIAN_EXIM));
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(DEBIAN_EXIM);
        view.setGroup(group);
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return probe.getLocalPort();
        }
    }

    private static String configuration(Path dir, Path spool, Path log, Path maildir, Path certificate, Path key,
                                        int port, String user, String group) {
        return """
                primary_hostname = localhost
                exim_user = %7$s
                exim_group = %11$s
                spool_directory = %1$s
                log_file_path = %2$s/%%slog
                pid_file_path = %8$s/exim.pid
                daemon_smtp_ports = %6$d
                local_interfaces = 127.0.0.1
                host_lookup =
                rfc1413_hosts =
                keep_environment =
                tls_advertise_hosts = *
                tls_certificate = %4$s
                tls_privatekey = %5$s
                acl_smtp_rcpt = acl_check_rcpt

                begin acl
                acl_check_rcpt:
                  accept authenticated = *
                  deny message = relay not permitted: authenticate first

                begin routers
                everything:
                  driver = accept
                  transport = maildir_delivery

                begin transports
                maildir_delivery:
                  driver = appendfile
                  directory = %3$s
                  maildir_format
                  create_directory
                  envelope_to_add
                  return_path_add
                  user = %7$s
                  group = %11$s

                begin authenticators
                PLAIN:
                  driver = plaintext
                  public_name = PLAIN
                  server_prompts = :
                  server_condition = ${if and {{eq{$auth2}{%9$s}}{eq{$auth3}{%10$s}}}}
                  server_set_id = $auth2
                  server_advertise_condition = ${if def:tls_in_cipher}
                LOGIN:
                  driver = plaintext
                  public_name = LOGIN
                  server_prompts = Username:: : Password::
                  server_condition = ${if and {{eq{$auth1}{%9$s}}{eq{$auth2}{%10$s}}}}
                  server_set_id = $auth1
                  server_advertise_condition = ${if def:tls_in_cipher}
                """.formatted(spool, log, maildir, certificate, key, port, user, dir, USER, PASSWORD, group);
    }

    private void awaitListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.process().isAlive()) {
                throw new AssertionError("Exim exited with " + process.process().exitValue() + ": "
                        + process.stderr() + process.stdout() + mainLog());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                // Exim is still starting: poll again until the deadline.
                process.process().waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
        throw new AssertionError("Exim did not listen on 127.0.0.1:" + port + " within " + timeout + mainLog());
    }

    int port() {
        return port;
    }

    /** Every delivered message file, newest last. */
    List<Path> delivered() throws IOException {
        Path fresh = maildir.resolve("new");
        if (!Files.isDirectory(fresh)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(fresh)) {
            return files.sorted().toList();
        }
    }

    /** Waits for a delivered message containing {@code marker}. */
    Optional<String> awaitDelivered(String marker, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Path file : delivered()) {
                String content = Files.readString(file, StandardCharsets.ISO_8859_1);
                if (content.contains(marker)) {
                    return Optional.of(content);
                }
            }
            process.process().waitFor(50, TimeUnit.MILLISECONDS);
        }
        return Optional.empty();
    }

    String mainLog() {
        try {
            Path log = dir.resolve("log/mainlog");
            return Files.exists(log) ? "\nExim mainlog:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Kills the daemon and every process still running with this test's configuration (deliveries it forked). */
    @Override
    public void close() {
        process.close();
        String configPath = config.toString();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(configPath)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }
}
