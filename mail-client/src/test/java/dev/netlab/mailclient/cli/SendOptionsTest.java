package dev.netlab.mailclient.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.mailclient.smtp.TlsMode;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.ScriptedSmtpServer;
import dev.netlab.mailclient.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options of {@code send} beyond the happy path: password file, quiet, body display, files, stage timeouts. */
class SendOptionsTest {

    @TempDir
    static Path dir;
    private static Path caFile;
    private static EmbeddedSmtpServer server;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = TestPki.create("Options CA");
        caFile = pki.writeCaPem(dir.resolve("ca.pem"));
        server = EmbeddedSmtpServer.startTlsWithAuth(pki.issue("localhost", true).serverContext(), "bob", "pw-from-file");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SendRunner.Result send(String... extra) throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("password"), "pw-from-file\n");
        List<String> args = new java.util.ArrayList<>(List.of("--server", "localhost:" + server.port(), "--ca-file",
                caFile.toString(), "--user", "bob", "--password-file", passwordFile.toString(), "--from",
                "bob@example.org", "--to", "ann@example.org", "--timeout", "10s"));
        args.addAll(List.of(extra));
        return SendRunner.run(Map.of(), args.toArray(String[]::new));
    }

    @Test
    void thePasswordComesFromAFileWithoutItsNewline() throws Exception {
        SendRunner.Result result = send("--body", "x");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).doesNotContain("pw-from-file");
    }

    @Test
    void quietPrintsNothingOnSuccessAndOnlyTheErrorOnFailure() throws Exception {
        SendRunner.Result ok = send("-q", "--body", "x");
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).isEmpty();
        SendRunner.Result bad = send("-q", "--auth", "xoauth2");
        assertThat(bad.exitCode()).isEqualTo(28);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).startsWith("*** ").contains("does not offer AUTH XOAUTH2").hasLineCount(1);
    }

    @Test
    void showBodyPrintsTheDataAsSentDotStuffed() throws Exception {
        SendRunner.Result result = send("--show-body", "--body", "first\n.dot line");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains(" ~> first\n", " ~> ..dot line\n", " ~> .\n", " ~> Subject: \n");
        assertThat(send("--body", "first").out()).contains("octets of message data; --show-body prints them>");
    }

    @Test
    void subjectAndBodyComeFromUtf8Files() throws Exception {
        int before = server.received().size();
        Path subject = Files.writeString(dir.resolve("subject.txt"), "Ünïcödé from a file\n");
        Path body = Files.writeString(dir.resolve("b.txt"), "Körper\n");
        SendRunner.Result result = send("--subject-file", subject.toString(), "--body-file", body.toString());
        assertThat(result.exitCode()).as(result.toString()).isZero();
        String data = new String(server.received().get(before).data(), StandardCharsets.US_ASCII);
        assertThat(data).contains("Subject: =?UTF-8?").doesNotContain("\nSubject: =?UTF-8?Q?=C3=9Cn=C3=AFc=C3=B6d=C3=A9"
                + "_from_a_file=0A");
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'K', (byte) 0xf6, 'r'});
        assertThat(send("--body-file", latin1.toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void quitAfterTlsAndAuthStopThereWithExit0() throws Exception {
        SendRunner.Result tls = send("--quit-after", "tls");
        assertThat(tls.exitCode()).as(tls.toString()).isZero();
        assertThat(tls.out()).contains(" ~> EHLO", "stopping after tls").doesNotContain("~> AUTH").contains(" ~> QUIT");
        SendRunner.Result auth = send("--quit-after", "auth");
        assertThat(auth.exitCode()).as(auth.toString()).isZero();
        assertThat(auth.out()).contains("<~  235").doesNotContain("MAIL FROM").contains(" ~> QUIT");
    }

    @Test
    void aStageTimeoutCanBeSetAloneAndASilentServerTimesOutAtTheGreeting() throws Exception {
        try (ScriptedSmtpServer silent = ScriptedSmtpServer.start(c -> c.drain())) {
            long started = System.nanoTime();
            SendRunner.Result result = SendRunner.run(Map.of(), "--server", "127.0.0.1:" + silent.port(), "--tls",
                    "none", "--from", "a@example.org", "--to", "b@example.org", "--timeout", "greeting=300ms");
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(21);
            assertThat(result.err()).contains("timed out after 300 ms");
            // Every other stage keeps its default of a minute or more: well under that, the 300 ms fired (a loaded
            // machine may take seconds over the command's first run in this JVM).
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void serverAddressesTakeNamesIpv4AndBracketedIpv6WithThePortByTlsMode() throws Exception {
        assertThat(ServerAddress.parse("smtp.gmail.com", TlsMode.STARTTLS)).isEqualTo(
                new ServerAddress("smtp.gmail.com", 587));
        assertThat(ServerAddress.parse("smtp.gmail.com", TlsMode.IMPLICIT).port()).isEqualTo(465);
        assertThat(ServerAddress.parse("mx.example.org", TlsMode.NONE).port()).isEqualTo(25);
        assertThat(ServerAddress.parse("127.0.0.1:2525", TlsMode.NONE)).isEqualTo(new ServerAddress("127.0.0.1", 2525));
        assertThat(ServerAddress.parse("[::1]:2525", TlsMode.NONE)).isEqualTo(new ServerAddress("::1", 2525));
        assertThat(ServerAddress.parse("[::1]", TlsMode.IMPLICIT)).isEqualTo(new ServerAddress("::1", 465));
        assertThatThrownBy(() -> ServerAddress.parse("host:99999", TlsMode.NONE)).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> ServerAddress.parse(":25", TlsMode.NONE)).hasMessageContaining("no host");
    }

    @Test
    void anUnbracketedIpv6AddressFollowedByAPortIsAUsageErrorAndABareOneTakesTheDefaultPort() throws Exception {
        assertThatThrownBy(() -> ServerAddress.parse("::1:25", TlsMode.NONE))
                .hasMessageContaining("--server").hasMessageContaining("[::1]:25");
        assertThatThrownBy(() -> ServerAddress.parse("2001:db8::7:2525", TlsMode.NONE))
                .hasMessageContaining("[2001:db8::7]:2525");
        assertThat(ServerAddress.parse("::1", TlsMode.NONE)).isEqualTo(new ServerAddress("::1", 25));
        assertThat(ServerAddress.parse("2001:db8::1", TlsMode.STARTTLS)).isEqualTo(
                new ServerAddress("2001:db8::1", 587));
        assertThat(ServerAddress.parse("[::1:25]", TlsMode.NONE)).isEqualTo(new ServerAddress("::1:25", 25));
        assertThatThrownBy(() -> ServerAddress.parse("mail:x:25", TlsMode.NONE)).hasMessageContaining("--server");
        SendRunner.Result result = SendRunner.run(Map.of(), "--server", "::1:25", "--tls", "none", "--from",
                "a@example.org", "--to", "b@example.org");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("[::1]:25");
        assertThat(result.out()).doesNotContain("Trying");
    }

    @Test
    void theArgumentCharsetWarningNeedsANonUtf8CharsetAndANonAsciiArgument() {
        assertThat(ArgumentEncoding.warning("UTF-8", List.of("Grüße"))).isEmpty();
        assertThat(ArgumentEncoding.warning("ANSI_X3.4-1968", List.of("plain"))).isEmpty();
        assertThat(ArgumentEncoding.warning("ANSI_X3.4-1968", List.of("Gr\uFFFD\uFFFDe"))).get().asString()
                .contains("--subject-file");
        SendRunner.Result result = SendRunner.runDecodedAs("ISO-8859-1", Map.of(), "--dry-run", "--from",
                "a@example.org", "--to", "b@example.org", "--subject", "GrÃ¼Ã\u009fe");
        assertThat(result.err()).contains("arguments were decoded as ISO-8859-1");
    }
}
