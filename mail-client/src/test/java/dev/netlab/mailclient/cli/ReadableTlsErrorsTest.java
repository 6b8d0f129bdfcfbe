package dev.netlab.mailclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.mailclient.smtp.TlsConnector;
import dev.netlab.mailclient.testing.LegacyTlsServer;
import dev.netlab.mailclient.testing.ScriptedSmtpServer;
import dev.netlab.mailclient.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS failures against real TLS servers on loopback, each reported as one line on standard error in words a mail user
 * knows, with the JDK's own text only under {@code -v}.
 */
class ReadableTlsErrorsTest {

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static Path caFile;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.create("Readable Errors CA");
        caFile = pki.writeCaPem(dir.resolve("ca.pem"));
    }

    /** Implicit TLS with {@code certificate}, then the happy path. */
    private static ScriptedSmtpServer implicitTls(TestPki.Issued certificate) throws Exception {
        return ScriptedSmtpServer.start(c -> {
            c.startTls(certificate.serverContext());
            c.reply("220 tls ESMTP");
            c.acceptTransactionUntilQuit();
        });
    }

    private static SendRunner.Result send(int port, String... extra) {
        List<String> args = new ArrayList<>(List.of("--server", "localhost:" + port, "--tls", "implicit",
                "--from", "alice@example.org", "--to", "bob@example.org", "--timeout", "5s"));
        args.addAll(List.of(extra));
        return SendRunner.run(Map.of(), args.toArray(String[]::new));
    }

    private static List<String> errorLines(SendRunner.Result result) {
        return result.err().lines().filter(l -> l.startsWith("*** ") && !l.startsWith("*** WARNING")).toList();
    }

    @Test
    void anUntrustedCertificateSaysWhichOptionTrustsItAndKeepsTheJdkTextForVerbose() throws Exception {
        TestPki.Issued selfMade = TestPki.create("Nobody Trusts Me").issue("localhost", true);
        try (ScriptedSmtpServer server = implicitTls(selfMade)) {
            SendRunner.Result result = send(server.port());
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(29);
            assertThat(errorLines(result)).as(result.toString())
                    .containsExactly("*** TLS handshake failed: certificate not trusted: pass --ca-file or --pin-sha256");
            assertThat(result.out() + result.err()).doesNotContain("PKIX").doesNotContain("sun.security");
        }
        try (ScriptedSmtpServer server = implicitTls(selfMade)) {
            SendRunner.Result verbose = send(server.port(), "-v");
            assertThat(verbose.exitCode()).as(verbose.toString()).isEqualTo(29);
            assertThat(verbose.err()).contains("certificate not trusted", "PKIX path building failed");
        }
    }

    @Test
    void aCertificateForAnotherNameSaysSoOnce() throws Exception {
        try (ScriptedSmtpServer server = implicitTls(pki.issue("mail.example.org", false))) {
            SendRunner.Result result = send(server.port(), "--ca-file", caFile.toString());
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(29);
            List<String> errors = errorLines(result);
            assertThat(errors).as(result.toString()).hasSize(1);
            assertThat(errors.get(0)).contains("certificate is not valid for localhost").doesNotContain("(");
        }
    }

    @Test
    void aWrongPinSaysSoOnceWithTheServersKeyHash() throws Exception {
        TestPki.Issued certificate = pki.issue("localhost", true);
        String actual = Base64.getEncoder().encodeToString(TlsConnector.spkiSha256(certificate.certificate()));
        String wrong = Base64.getEncoder().encodeToString(new byte[32]);
        try (ScriptedSmtpServer server = implicitTls(certificate)) {
            SendRunner.Result result = send(server.port(), "--pin-sha256", wrong);
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(29);
            assertThat(errorLines(result)).as(result.toString()).containsExactly("*** TLS handshake failed: the"
                    + " server's public key does not match --pin-sha256 (its SHA-256 is " + actual + ")");
        }
    }

    @Test
    void aPinnedKeyWithAnExpiredCertificateIsAcceptedWithAWarningNamingTheExpiry() throws Exception {
        TestPki.Issued expired = pki.issueExpired("localhost", Instant.parse("2026-01-31T12:00:00Z"));
        String pin = Base64.getEncoder().encodeToString(TlsConnector.spkiSha256(expired.certificate()));
        try (ScriptedSmtpServer server = implicitTls(expired)) {
            SendRunner.Result result = send(server.port(), "--pin-sha256", pin, "-q");
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.err()).contains("*** WARNING: ").contains("expired on 2026-01-31");
        }
    }

    @Test
    void aServerSpeakingOnlyTls11IsNamedAsSuch() throws Exception {
        try (LegacyTlsServer server = LegacyTlsServer.start(pki.issue("localhost", true), dir)) {
            SendRunner.Result result = send(server.port(), "--ca-file", caFile.toString());
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(29);
            assertThat(errorLines(result)).as(result.toString())
                    .containsExactly("*** TLS handshake failed: the server speaks only TLS 1.1 or older");
        }
    }

    @Test
    void aPlaintextServerOnTheImplicitTlsPortSuggestsStartTls() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.reply("220 plain ESMTP");
            c.drain();
        })) {
            SendRunner.Result result = send(server.port(), "--ca-file", caFile.toString());
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(29);
            assertThat(errorLines(result)).as(result.toString())
                    .containsExactly("*** TLS handshake failed: this port does not speak TLS: try --tls starttls");
        }
    }

    @Test
    void aHandshakeTimeoutIsWrittenInSecondsNotIso8601() throws Exception {
        try (ScriptedSmtpServer silent = ScriptedSmtpServer.start(c -> c.drain())) {
            SendRunner.Result result = send(silent.port(), "--ca-file", caFile.toString(), "--timeout", "tls=1s");
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(29);
            assertThat(errorLines(result)).as(result.toString())
                    .containsExactly("*** TLS handshake timed out after 1 s");
        }
    }

    @Test
    void aCaFileThatIsUnreadableEmptyOrNotPemIsAUsageError() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        Path text = Files.writeString(dir.resolve("notes.pem"), "this is not a certificate\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        Path broken = Files.writeString(dir.resolve("broken.pem"),
                "-----BEGIN CERTIFICATE-----\nbm90IGRlcg==\n-----END CERTIFICATE-----\n");
        Path directory = Files.createDirectories(dir.resolve("a-directory"));
        for (Path bad : List.of(empty, text, key, broken, directory)) {
            SendRunner.Result result = send(1, "--ca-file", bad.toString());
            assertThat(result.exitCode()).as(bad + "\n" + result).isEqualTo(2);
            assertThat(result.err()).as(bad.toString()).startsWith("send: --ca-file: ").contains(bad.toString())
                    .hasLineCount(1);
            assertThat(result.out()).as(bad.toString()).doesNotContain("Trying");
        }
    }
}
