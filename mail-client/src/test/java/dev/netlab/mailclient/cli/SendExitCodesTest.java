package dev.netlab.mailclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.RefusingPort;
import dev.netlab.mailclient.testing.ScriptedSmtpServer;
import dev.netlab.mailclient.testing.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every exit code of {@code send}, each from a server scripted to behave that way on a loopback socket. */
class SendExitCodesTest {

    private static final Map<String, String> ENV = Map.of("SMTP_PASSWORD", "hunter2-secret");
    private static final String EHLO_TLS = "250-localhost";

    private static TestPki.Issued certificate;
    private static Path caFile;
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws IOException {
        TestPki pki = TestPki.create("Exit Code CA");
        certificate = pki.issue("localhost", true);
        caFile = pki.writeCaPem(dir.resolve("ca.pem"));
    }

    private static SendRunner.Result plainSend(ScriptedSmtpServer server, String... extra) {
        List<String> args = new ArrayList<>(List.of("--server", "127.0.0.1:" + server.port(), "--tls", "none",
                "--from", "alice@example.org", "--to", "bob@example.org", "--timeout", "5s"));
        args.addAll(List.of(extra));
        return SendRunner.run(ENV, args.toArray(String[]::new));
    }

    @Test
    void deliveredToEveryRecipientExits0() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.reply("220 scripted ESMTP");
            c.acceptTransactionUntilQuit();
        })) {
            SendRunner.Result result = plainSend(server);
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.out()).contains("queued as SCRIPTED1");
        }
    }

    @Test
    void someRecipientsRejectedExits1AndReportsEachRecipient() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.reply("220 scripted ESMTP");
            c.readLine();
            c.reply("250 localhost");
            c.readLine();
            c.reply("250 Ok");
            c.readLine();
            c.reply("250 Ok");
            c.readLine();
            c.reply("550 5.1.1 <nobody@example.org>: Recipient address rejected");
            c.acceptTransactionUntilQuit();
        })) {
            SendRunner.Result result = plainSend(server, "--to", "nobody@example.org");
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
            assertThat(result.err()).contains("*** recipient nobody@example.org rejected: 550",
                    "*** partial delivery: 1 of 2 recipients accepted");
        }
    }

    @Test
    void badOptionsExit2AndNothingIsSent() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> c.drain())) {
            List<String[]> bad = List.of(
                    new String[] {"--subject", "evil\r\nBcc: victim@example.org"},
                    new String[] {"--header", "X-Evil: a\nRCPT TO:<victim@example.org>"},
                    new String[] {"--header", "From: evil@example.net"},
                    new String[] {"--header", "Date: Thu, 1 Jan 1970 00:00:00 +0000"},
                    new String[] {"--server", "::1:25"},
                    new String[] {"--to", "victim@example.org\r\nRCPT TO:<x@example.org>"},
                    new String[] {"--from", "not an address"},
                    new String[] {"--from", "\"a b\"@example.org"},
                    new String[] {"--tls", "sometimes"},
                    new String[] {"--auth", "cram-md5", "--user", "u", "--password-env", "SMTP_PASSWORD"},
                    new String[] {"--quit-after", "dinner"},
                    new String[] {"--timeout", "soon"},
                    new String[] {"--body", "x", "--body-file", "y"},
                    new String[] {"--attach", dir.resolve("missing.bin").toString()},
                    new String[] {"--user", "u"},
                    new String[] {"--user", "u", "--password-env", "SMTP_PASSWORD"},
                    new String[] {"--no-such-option"});
            for (String[] extra : bad) {
                SendRunner.Result result = plainSend(server, extra);
                assertThat(result.exitCode()).as(String.join(" ", extra) + "\n" + result).isEqualTo(2);
                assertThat(result.err()).as(String.join(" ", extra)).isNotBlank();
            }
        }
        // No connection was ever made: the server never accepted one, so its script never ran.
    }

    @Test
    void closedPortExits20() throws Exception {
        try (RefusingPort refusing = RefusingPort.open()) {
            int port = refusing.port();
            SendRunner.Result result = SendRunner.run(ENV, "--server", "127.0.0.1:" + port, "--tls", "none",
                    "--from", "alice@example.org", "--to", "bob@example.org", "--timeout", "5s");
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(20);
            assertThat(result.err()).contains("*** cannot connect to 127.0.0.1:" + port);
        }
    }

    @Test
    void greeting554Exits21() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.reply("554 5.7.1 no SMTP service here");
            c.drain();
        })) {
            SendRunner.Result result = plainSend(server);
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(21);
            assertThat(result.err()).contains("*** greeting refused: 554");
            assertThat(server.lines()).containsExactly("QUIT");
        }
    }

    /** relay.test: 127.0.0.2 first, then 127.0.0.1 (both loopback on Linux). */
    private static final Resolver TWO_ADDRESSES = host -> {
        assertThat(host).isEqualTo("relay.test");
        return List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1"));
    };

    private static SendRunner.Result sendToRelayTest(int port) {
        return SendRunner.runResolvedBy(TWO_ADDRESSES, ENV, "--server", "relay.test:" + port, "--tls", "none",
                "--from", "alice@example.org", "--to", "bob@example.org", "--timeout", "5s");
    }

    @Test
    void aGreetingRefusedAtTheFirstAddressIsSkippedAndTheSecondDelivers() throws Exception {
        try (ScriptedSmtpServer second = ScriptedSmtpServer.start(c -> {
            c.reply("220 second ESMTP");
            c.acceptTransactionUntilQuit();
        }); ScriptedSmtpServer first = ScriptedSmtpServer.startOn(InetAddress.getByName("127.0.0.2"), second.port(),
                c -> {
                    c.reply("554 5.7.1 no SMTP service here");
                    c.drain();
                })) {
            int port = second.port();
            SendRunner.Result result = sendToRelayTest(port);
            first.awaitScript();
            second.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.err()).as(result.toString()).isEmpty();
            assertThat(result.out().lines().toList()).as(result.toString()).containsSubsequence(
                    "=== Trying relay.test:" + port + "...", "=== Connected to 127.0.0.2:" + port + ".",
                    "<-  554 5.7.1 no SMTP service here", " -> QUIT",
                    "=== skipping 127.0.0.2:" + port + " (greeting refused: 554 5.7.1 no SMTP service here): trying"
                            + " the next address",
                    "=== Connected to 127.0.0.1:" + port + ".", "<-  220 second ESMTP", " -> EHLO [127.0.0.1]");
            assertThat(result.out()).contains("queued as SCRIPTED1");
            assertThat(first.lines()).containsExactly("QUIT");
            assertThat(second.lines()).contains("DATA");
        }
    }

    @Test
    void whenEveryAddressGreetsWith421TheLastRefusalExits21InOneLine() throws Exception {
        ScriptedSmtpServer.Script busy = c -> {
            c.reply("421 4.3.2 busy, try later");
            c.drain();
        };
        try (ScriptedSmtpServer second = ScriptedSmtpServer.start(busy);
             ScriptedSmtpServer first = ScriptedSmtpServer.startOn(InetAddress.getByName("127.0.0.2"),
                     second.port(), busy)) {
            int port = second.port();
            SendRunner.Result result = sendToRelayTest(port);
            first.awaitScript();
            second.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(21);
            assertThat(result.err()).isEqualTo("*** greeting refused: 421 4.3.2 busy, try later (tried 2 addresses)"
                    + System.lineSeparator());
            assertThat(result.out().lines().toList()).as(result.toString()).containsSubsequence(
                    "=== Connected to 127.0.0.2:" + port + ".", "<-  421 4.3.2 busy, try later",
                    "=== Connected to 127.0.0.1:" + port + ".", "<-  421 4.3.2 busy, try later");
            assertThat(first.lines()).containsExactly("QUIT");
            assertThat(second.lines()).containsExactly("QUIT");
        }
    }

    @Test
    void ehloAndHeloRefusedExits22() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("502 5.5.1 EHLO not implemented");
            c.readLine();
            c.reply("550 5.7.1 go away");
            c.drain();
        })) {
            SendRunner.Result result = plainSend(server, "--ehlo", "client.example.org");
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(22);
            assertThat(server.lines()).containsExactly("EHLO client.example.org", "HELO client.example.org", "QUIT");
        }
    }

    @Test
    void mailFromRefusedExits23() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250 localhost");
            c.readLine();
            c.reply("553 5.7.1 sender rejected");
            c.acceptTransactionUntilQuit();
        })) {
            SendRunner.Result result = plainSend(server);
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(23);
            assertThat(server.lines()).noneMatch(l -> l.startsWith("RCPT"));
        }
    }

    @Test
    void noRecipientAcceptedExits24() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250 localhost");
            c.readLine();
            c.reply("250 Ok");
            c.readLine();
            c.reply("550 5.1.1 no such user");
            c.acceptTransactionUntilQuit();
        })) {
            SendRunner.Result result = plainSend(server);
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(24);
            assertThat(server.lines()).doesNotContain("DATA");
        }
    }

    @Test
    void dataRefusedExits25AndSoDoesARefusalAfterTheFinalDot() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250 localhost");
            c.answer("250 Ok", "250 Ok", "554 5.3.4 no data today");
            c.acceptTransactionUntilQuit();
        })) {
            SendRunner.Result result = plainSend(server);
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(25);
        }
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.reply("220 scripted");
            c.answer("250 Ok", "250 Ok", "250 Ok", "354 go on");
            c.readData();
            c.reply("552 5.3.4 message looks like spam");
            c.acceptTransactionUntilQuit();
        })) {
            SendRunner.Result result = plainSend(server);
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(25);
            assertThat(result.err()).contains("*** message refused: 552 5.3.4 message looks like spam");
        }
    }

    @Test
    void aServerAnsweringDataWith250IsReportedAsAProtocolViolationNotARefusal() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250 localhost");
            c.answer("250 Ok", "250 Ok", "250 sure");
            c.drain();
        })) {
            SendRunner.Result result = plainSend(server);
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(25);
            assertThat(result.err()).contains("*** protocol error: the server answered DATA with 250 instead of 354"
                    + " (250 sure)").doesNotContain("message refused");
        }
    }

    @Test
    void aMissingAttachmentIsOneLineNamingTheOptionThePathOnceAndTheReason() {
        String missing = dir.resolve("no-such-file.bin").toString();
        SendRunner.Result result = SendRunner.run(ENV, "--dry-run", "--from", "alice@example.org", "--to",
                "bob@example.org", "--attach", missing);
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("send: --attach: cannot read " + missing + ": no such file\n");
    }

    @Test
    void aLineBreakInTheSubjectFileNamesTheSubjectFile() throws IOException {
        Path subject = Files.writeString(dir.resolve("subject-cr.txt"), "first\rBcc: victim@example.org\n");
        SendRunner.Result result = SendRunner.run(ENV, "--dry-run", "--from", "alice@example.org", "--to",
                "bob@example.org", "--subject-file", subject.toString());
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).startsWith("send: --subject-file: ").contains(subject.toString(), "CR")
                .hasLineCount(1);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void controlCharactersFromTheServerReachTheTerminalEscaped() throws Exception {
        String evil = "\u001b]0;pwned\u0007hi\u001b[2J\rX\u009b31m\u202e";
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.reply("220 " + evil);
            c.readLine();
            c.reply("250-localhost " + evil, "250 SIZE 1000000");
            c.readLine();
            c.reply("553 5.7.1 " + evil);
            c.acceptTransactionUntilQuit();
        })) {
            SendRunner.Result result = plainSend(server);
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(23);
            for (String printed : List.of(result.out(), result.err())) {
                assertThat(printed.chars().filter(ch -> (ch < 0x20 && ch != '\n') || (ch >= 0x7f && ch < 0xa0)
                        || ch == 0x202e)).as(printed).isEmpty();
            }
            assertThat(result.out()).contains("<-  220 \\x1b]0;pwned\\x07hi\\x1b[2J\\rX\\x9b31m\\u202e",
                    "<-  250-localhost \\x1b]0;pwned");
            assertThat(result.err()).contains("*** MAIL FROM refused: 553 5.7.1 \\x1b]0;pwned\\x07");
        }
    }

    @Test
    void authenticationFailureExits28NamingTheCodeAndTextButNeverTheSecret() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250-STARTTLS", "250 ENHANCEDSTATUSCODES");
            c.readLine();
            c.reply("220 2.0.0 go ahead");
            c.startTls(certificate.serverContext());
            c.readLine();
            c.reply(EHLO_TLS, "250-AUTH PLAIN LOGIN", "250 ENHANCEDSTATUSCODES");
            c.readLine();
            c.reply("535 5.7.8 Authentication credentials invalid");
            c.acceptTransactionUntilQuit();
        })) {
            SendRunner.Result result = SendRunner.run(ENV, "--server", "localhost:" + server.port(), "--ca-file",
                    caFile.toString(), "--user", "alice", "--password-env", "SMTP_PASSWORD", "--from",
                    "alice@example.org", "--to", "bob@example.org", "--timeout", "5s");
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(28);
            assertThat(result.err()).contains(
                    "*** authentication failed: 535 5.7.8 Authentication credentials invalid");
            assertThat(result.out() + result.err()).doesNotContain("hunter2");
            assertThat(server.lines()).last().isEqualTo("QUIT");
        }
    }

    @Test
    void serverWithoutStartTlsGetsQuitExits29AndNoAuthLineLeavesTheClient() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250-AUTH PLAIN LOGIN", "250 SIZE 1000000");
            c.drain();
        })) {
            SendRunner.Result result = SendRunner.run(ENV, "--server", "localhost:" + server.port(), "--user",
                    "alice", "--password-env", "SMTP_PASSWORD", "--from", "alice@example.org", "--to",
                    "bob@example.org", "--timeout", "5s");
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(29);
            assertThat(result.err()).contains("*** the server does not offer STARTTLS");
            assertThat(server.lines()).containsExactly("EHLO [127.0.0.1]", "QUIT");
            assertThat(new String(server.bytes(), StandardCharsets.ISO_8859_1))
                    .doesNotContain("AUTH").doesNotContain("hunter2");
        }
    }

    @Test
    void quitAfterStopsAtEachStageWithQuitAndExits0() throws Exception {
        for (String stage : List.of("greeting", "ehlo", "mail", "rcpt")) {
            try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
                c.reply("220 scripted");
                c.acceptTransactionUntilQuit();
            })) {
                SendRunner.Result result = plainSend(server, "--quit-after", stage);
                server.awaitScript();
                assertThat(result.exitCode()).as(stage + "\n" + result).isZero();
                List<String> lines = server.lines();
                assertThat(lines).as(stage).last().isEqualTo("QUIT");
                assertThat(lines).as(stage).doesNotContain("DATA");
                switch (stage) {
                    case "greeting" -> assertThat(lines).containsExactly("QUIT");
                    case "ehlo" -> assertThat(lines).hasSize(2);
                    case "mail" -> assertThat(lines).noneMatch(l -> l.startsWith("RCPT"));
                    default -> assertThat(lines).anyMatch(l -> l.startsWith("RCPT"));
                }
            }
        }
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> c.drain())) {
            SendRunner.Result result = plainSend(server, "--quit-after", "connect");
            server.awaitScript();
            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(server.lines()).isEmpty();
        }
    }

    @Test
    void dryRunPrintsTheMessageAndConnectsNowhere() throws IOException {
        Path body = Files.writeString(dir.resolve("dry.txt"), "dry body\n");
        SendRunner.Result result = SendRunner.run(ENV, "--dry-run", "--from", "alice@example.org", "--to",
                "bob@example.org", "--bcc", "hidden@example.org", "--subject", "dry", "--body-file", body.toString());
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("Subject: dry\r\n", "To: bob@example.org\r\n", "dry body")
                .doesNotContain("hidden@");
    }
}
