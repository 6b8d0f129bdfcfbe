package dev.netlab.mailclient.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import dev.netlab.mailclient.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jar's {@code send} through a real Exim with STARTTLS and AUTH, read back from the maildir. */
class EximEndToEndIT {

    private static final Path JAR = Path.of("target/mail-client.jar");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static EximServer exim;
    private static Path caFile;

    @BeforeAll
    static void startExim() throws Exception {
        TestPki pki = TestPki.create("Exim Test CA");
        caFile = pki.writeCaPem(dir.resolve("ca.pem"));
        exim = EximServer.start(dir, pki.issueRsa("localhost", true));
    }

    @AfterAll
    static void stopExim() {
        if (exim != null) {
            exim.close();
        }
    }

    private static ServiceProcessResult send(Map<String, String> env, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("send", "--server", "localhost:" + exim.port(), "--ca-file",
                caFile.toString(), "--user", EximServer.USER, "--password-env", "SMTP_PASSWORD", "--from",
                "alice@example.org", "--timeout", "30s"));
        args.addAll(List.of(extra));
        try (ServiceProcess process = ServiceProcess.startJar(JAR, args, env)) {
            int code = process.awaitExit(WAIT);
            return new ServiceProcessResult(code, process.stdout(), process.stderr());
        }
    }

    record ServiceProcessResult(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @Test
    void authPlainOverStartTlsDeliversIntoTheMaildir() throws Exception {
        Path body = Files.writeString(dir.resolve("body.txt"), "Hello through Exim.\n.a line with a leading dot\n");
        ServiceProcessResult result = send(Map.of("SMTP_PASSWORD", EximServer.PASSWORD), "--to", "bob@example.org",
                "--bcc", "hidden@example.org", "--subject", "Exim marker PLAIN", "--body-file", body.toString());
        assertThat(result.exitCode()).as(result + exim.mainLog()).isZero();
        assertThat(result.out()).contains("~> AUTH PLAIN <redacted>", "<~  235", "250 OK id=");
        String delivered = exim.awaitDelivered("Exim marker PLAIN", WAIT)
                .orElseThrow(() -> new AssertionError("nothing delivered" + exim.mainLog()));
        assertThat(delivered).contains("From: alice@example.org", "To: bob@example.org",
                "\n\nHello through Exim.\n.a line with a leading dot\n");
        // Bcc is in the envelope only: Exim's Envelope-to names the recipient, no header of the message does.
        assertThat(delivered.substring(delivered.indexOf("\nDate:"))).doesNotContain("hidden@");
        assertThat(delivered).containsPattern("Received: from .*\\n.*with esmtpsa");
        assertThat(result.out() + result.err()).doesNotContain(EximServer.PASSWORD);
    }

    @Test
    void authLoginForcedAlsoDelivers() throws Exception {
        ServiceProcessResult result = send(Map.of("SMTP_PASSWORD", EximServer.PASSWORD), "--auth", "login",
                "--to", "bob@example.org", "--subject", "Exim marker LOGIN", "--body", "login body");
        assertThat(result.exitCode()).as(result + exim.mainLog()).isZero();
        assertThat(result.out()).contains("~> AUTH LOGIN", "~> <redacted>");
        assertThat(exim.awaitDelivered("Exim marker LOGIN", WAIT)).isPresent();
    }

    @Test
    void aWrongPasswordExits28AndAnUntrustedCertificateExits29() throws Exception {
        ServiceProcessResult wrong = send(Map.of("SMTP_PASSWORD", "not-the-password"), "--to", "bob@example.org");
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(28);
        assertThat(wrong.err()).contains("*** authentication failed: 535");

        List<String> args = new ArrayList<>(List.of("send", "--server", "localhost:" + exim.port(), "--user",
                EximServer.USER, "--password-env", "SMTP_PASSWORD", "--from", "alice@example.org", "--to",
                "bob@example.org", "--timeout", "30s"));
        try (ServiceProcess process = ServiceProcess.startJar(JAR, args,
                Map.of("SMTP_PASSWORD", EximServer.PASSWORD))) {
            assertThat(process.awaitExit(WAIT)).as(process.stdout()).isEqualTo(29);
            assertThat(process.stderr()).contains("*** TLS handshake failed: certificate not trusted");
            assertThat(process.stdout()).doesNotContain("AUTH");
        }
    }

    @Test
    void withoutCredentialsEximRefusesToRelayAndTheCommandExits24() throws Exception {
        List<String> args = List.of("send", "--server", "localhost:" + exim.port(), "--ca-file", caFile.toString(),
                "--from", "alice@example.org", "--to", "bob@example.org", "--timeout", "30s");
        try (ServiceProcess process = ServiceProcess.startJar(JAR, args, Map.of())) {
            assertThat(process.awaitExit(WAIT)).as(process.stdout()).isEqualTo(24);
            assertThat(process.stdout()).contains("relay not permitted");
        }
    }
}
