package dev.netlab.mailclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.mailclient.smtp.TlsConnector;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The send command against SubEthaSMTP: STARTTLS with AUTH, implicit TLS, certificates made in the test. */
class SendThroughSubEthaSmtpTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret-pa55";
    private static final Map<String, String> ENV = Map.of("SMTP_PASSWORD", PASSWORD, "WRONG_PASSWORD", "nope");

    private static TestPki pki;
    private static TestPki otherPki;
    private static TestPki.Issued localhost;
    private static EmbeddedSmtpServer startTls;
    private static EmbeddedSmtpServer implicit;
    @TempDir
    static Path dir;
    private static Path caFile;

    @BeforeAll
    static void startServers() throws Exception {
        pki = TestPki.create("Netlab Test CA");
        otherPki = TestPki.create("Someone Else's CA");
        localhost = pki.issue("localhost", true);
        caFile = pki.writeCaPem(dir.resolve("ca.pem"));
        startTls = EmbeddedSmtpServer.startTlsWithAuth(localhost.serverContext(), USER, PASSWORD);
        implicit = EmbeddedSmtpServer.implicitTlsWithAuth(localhost.serverContext(), USER, PASSWORD);
    }

    @AfterAll
    static void stopServers() {
        startTls.close();
        implicit.close();
    }

    private static List<String> base(EmbeddedSmtpServer server, String... more) {
        List<String> args = new ArrayList<>(List.of("--server", "localhost:" + server.port(), "--ca-file",
                caFile.toString(), "--user", USER, "--password-env", "SMTP_PASSWORD", "--from", "alice@example.org",
                "--timeout", "10s"));
        args.addAll(List.of(more));
        return args;
    }

    private static SendRunner.Result send(List<String> args) {
        return SendRunner.run(ENV, args.toArray(String[]::new));
    }

    private static String lastData(EmbeddedSmtpServer server) {
        List<EmbeddedSmtpServer.Received> all = server.received();
        return new String(all.get(all.size() - 1).data(), StandardCharsets.UTF_8);
    }

    @Test
    void startTlsWithAuthDeliversAndTheServerReceivesTheMessageByteForByte() throws Exception {
        int before = startTls.received().size();
        Path body = Files.writeString(dir.resolve("body.txt"), ".leading dot\nline two\n..two dots\n.\nend\n");
        SendRunner.Result result = send(base(startTls, "--to", "bob@example.org", "--cc", "carol@example.org",
                "--bcc", "dave@example.org", "--subject", "Grüße aus Gebze", "--body-file", body.toString()));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(startTls.received()).hasSize(before + 1);
        EmbeddedSmtpServer.Received got = startTls.received().get(before);
        assertThat(got.from()).isEqualTo("alice@example.org");
        assertThat(got.recipients()).containsExactly("bob@example.org", "carol@example.org", "dave@example.org");
        assertThat(got.authenticated()).isTrue();
        String data = new String(got.data(), StandardCharsets.US_ASCII);
        // CRLF everywhere, never a bare LF.
        assertThat(data.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
        assertThat(data).contains("From: alice@example.org\r\n", "To: bob@example.org\r\n",
                "Cc: carol@example.org\r\n", "Date: Tue, 24 Nov 2026 12:00:00 +0000", "MIME-Version: 1.0\r\n",
                "Subject: =?UTF-8?");
        assertThat(data).containsPattern("Message-ID: <[0-9a-f]{32}@example\\.org>\r\n");
        // The Message-ID's 32 random hex digits hold "bcc" in about one message in 140: the search skips them.
        assertThat(data.replaceFirst("Message-ID: <[0-9a-f]{32}@", "Message-ID: <@").toLowerCase())
                .doesNotContain("bcc").doesNotContain("dave@");
        // The server removed our dot-stuffing: what arrives is exactly what the user wrote.
        assertThat(data).endsWith("\r\n\r\n.leading dot\r\nline two\r\n..two dots\r\n.\r\nend\r\n");
        assertThat(result.out()).contains(" -> STARTTLS", "=== TLS started with cipher TLS",
                "=== TLS peer certificate verified against CA file", "~> AUTH PLAIN <redacted>", "<~  235",
                "~> MAIL FROM:<alice@example.org>", "~> RCPT TO:<dave@example.org>", "=== delivered to 3 of 3");
        assertThat(result.out()).contains(" -> STARTTLS").contains(" ~> EHLO ");
        assertThat(result.out() + result.err()).doesNotContain(PASSWORD)
                .doesNotContain(Base64.getEncoder().encodeToString(("\0" + USER + "\0" + PASSWORD).getBytes()));
    }

    @Test
    void authLoginCanBeForcedAndItsPasswordLineIsRedacted() {
        SendRunner.Result result = send(base(startTls, "--auth", "login", "--to", "bob@example.org", "--body", "hi"));
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("~> AUTH LOGIN", "~> <redacted>",
                "~> " + Base64.getEncoder().encodeToString(USER.getBytes()));
        assertThat(result.out()).doesNotContain(Base64.getEncoder().encodeToString(PASSWORD.getBytes()));
    }

    @Test
    void implicitTlsDeliversOverTlsFromTheFirstByte() {
        int before = implicit.received().size();
        SendRunner.Result result = send(base(implicit, "--tls", "implicit", "--to", "bob@example.org",
                "--body", "over implicit TLS"));
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(implicit.received()).hasSize(before + 1);
        assertThat(lastData(implicit)).endsWith("\r\n\r\nover implicit TLS\r\n");
        // Nothing went in the clear: every line we sent is a TLS line.
        assertThat(result.out()).doesNotContain(" -> ").contains("<~  220", " ~> EHLO");
    }

    @Test
    void wrongPasswordExits28WithTheServersCodeAndText() {
        List<String> args = base(startTls, "--to", "bob@example.org");
        args.set(args.indexOf("SMTP_PASSWORD"), "WRONG_PASSWORD");
        SendRunner.Result result = send(args);
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(28);
        assertThat(result.err()).contains("*** authentication failed: 535");
    }

    @Test
    void certificateFromAnUntrustedCaExits29() {
        List<String> args = base(startTls, "--to", "bob@example.org");
        int ca = args.indexOf("--ca-file");
        args.remove(ca + 1);
        args.remove(ca);
        SendRunner.Result result = send(args);
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(29);
        assertThat(result.err()).contains("*** TLS handshake failed");
        assertThat(result.out()).doesNotContain("AUTH");
    }

    @Test
    void implicitTlsWithAnUntrustedCertificateExits29BeforeAnySmtpLine() {
        List<String> args = base(implicit, "--tls", "implicit", "--to", "bob@example.org");
        int ca = args.indexOf("--ca-file");
        args.remove(ca + 1);
        args.remove(ca);
        SendRunner.Result result = send(args);
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(29);
        assertThat(result.out()).doesNotContain("<~ ").doesNotContain("~> ");
        assertThat(result.err()).contains("*** TLS handshake failed");
    }

    @Test
    void certificateForAnotherHostNameExits29EvenWithTheRightCa() {
        try (EmbeddedSmtpServer wrongName = EmbeddedSmtpServer.startTlsWithAuth(
                pki.issue("mail.example.net", false).serverContext(), USER, PASSWORD)) {
            SendRunner.Result result = send(base(wrongName, "--to", "bob@example.org"));
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(29);
            assertThat(wrongName.received()).isEmpty();
        }
    }

    @Test
    void insecureAcceptsAnUntrustedCertificateAndWarnsEveryTime() {
        try (EmbeddedSmtpServer untrusted = EmbeddedSmtpServer.startTlsWithAuth(
                otherPki.issue("mail.example.net", false).serverContext(), USER, PASSWORD)) {
            List<String> args = new ArrayList<>(List.of("--server", "localhost:" + untrusted.port(), "--insecure",
                    "--user", USER, "--password-env", "SMTP_PASSWORD", "--from", "alice@example.org",
                    "--to", "bob@example.org", "--timeout", "10s"));
            for (int run = 0; run < 2; run++) {
                SendRunner.Result result = send(args);
                assertThat(result.exitCode()).as(result.toString()).isZero();
                assertThat(result.err()).contains("*** WARNING: --insecure");
                assertThat(result.out()).contains("NOT verified (--insecure)");
            }
            assertThat(untrusted.received()).hasSize(2);
        }
    }

    @Test
    void pinnedPublicKeyReplacesTheCaCheckAndAnotherKeyExits29() {
        TestPki.Issued untrustedCertificate = otherPki.issue("mail.example.net", false);
        try (EmbeddedSmtpServer untrusted = EmbeddedSmtpServer.startTlsWithAuth(
                untrustedCertificate.serverContext(), USER, PASSWORD)) {
            String pin = Base64.getEncoder().encodeToString(TlsConnector.spkiSha256(untrustedCertificate.certificate()));
            String otherPin = Base64.getEncoder().encodeToString(TlsConnector.spkiSha256(localhost.certificate()));
            List<String> args = new ArrayList<>(List.of("--server", "localhost:" + untrusted.port(), "--pin-sha256",
                    pin, "--user", USER, "--password-env", "SMTP_PASSWORD", "--from", "alice@example.org",
                    "--to", "bob@example.org", "--timeout", "10s"));
            SendRunner.Result pinned = send(args);
            assertThat(pinned.exitCode()).as(pinned.toString()).isZero();
            assertThat(pinned.out()).contains("public key matches the pinned SHA-256");

            args.set(args.indexOf(pin), otherPin);
            SendRunner.Result mismatch = send(args);
            assertThat(mismatch.exitCode()).as(mismatch.toString()).isEqualTo(29);
            assertThat(mismatch.err()).contains("does not match --pin-sha256");
            assertThat(mismatch.out()).doesNotContain("AUTH");
            assertThat(untrusted.received()).hasSize(1);
        }
    }

    @Test
    void severalRecipientsEachGetAnRcptAndTheHtmlAttachmentsAndInlineImagesArrive() throws Exception {
        int before = startTls.received().size();
        Path html = Files.writeString(dir.resolve("page.html"), "<p>Hi <img src=\"cid:logo.png\"></p>");
        Path png = Files.write(dir.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
            '\n', 0, 0, 0, 13});
        Path pdf = Files.write(dir.resolve("report.pdf"), "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII));
        SendRunner.Result result = send(base(startTls, "--to", "bob@example.org", "--to", "eve@example.org",
                "--subject", "pictures", "--body", "plain text", "--html-file", html.toString(),
                "--inline", png.toString(), "--attach", pdf.toString(), "--header", "X-Lab: mail"));
        assertThat(result.exitCode()).as(result.toString()).isZero();
        EmbeddedSmtpServer.Received got = startTls.received().get(before);
        assertThat(got.recipients()).containsExactly("bob@example.org", "eve@example.org");
        String data = new String(got.data(), StandardCharsets.US_ASCII);
        assertThat(data).contains("X-Lab: mail\r\n", "multipart/mixed", "multipart/alternative",
                "multipart/related", "Content-Type: image/png", "Content-ID: <logo.png>",
                "Content-Type: application/pdf", "filename=report.pdf", "text/html; charset=UTF-8");
    }
}
