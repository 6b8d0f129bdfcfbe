package dev.netlab.mailclient.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.mailclient.testing.RefusingPort;
import dev.netlab.mailclient.testing.ScriptedSmtpServer;
import dev.netlab.mailclient.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine's rules, each against a server scripted on a loopback socket. */
class SmtpSessionTest {

    private static TestPki pki;
    private static TestPki.Issued certificate;
    private static java.nio.file.Path caFile;

    @BeforeAll
    static void certificates(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        pki = TestPki.create("Session CA");
        certificate = pki.issue("localhost", true);
        caFile = pki.writeCaPem(dir.resolve("ca.pem"));
    }

    private static SessionOptions plain(ScriptedSmtpServer server, Timeouts timeouts) {
        return new SessionOptions("127.0.0.1", server.port(), TlsOptions.verified(TlsMode.NONE), Optional.empty(),
                Optional.empty(), Optional.of("client.test"), timeouts);
    }

    private static SessionOptions plain(ScriptedSmtpServer server) {
        return plain(server, Timeouts.all(Duration.ofSeconds(5)));
    }

    private static OutgoingMessage message(String content, String... recipients) {
        return new OutgoingMessage("alice@example.org", List.of(recipients),
                content.getBytes(StandardCharsets.UTF_8));
    }

    private static final class Recorder implements SmtpObserver {
        final List<String> lines = new ArrayList<>();

        @Override
        public void sent(String line, boolean tls) {
            lines.add((tls ? "~> " : "-> ") + line);
        }

        @Override
        public void received(String line, boolean tls) {
            lines.add((tls ? "<~ " : "<- ") + line);
        }
    }

    @Test
    void everyAddressOfTheServerNameIsTriedInOrderBeforeAConnectionErrorCounts() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250 localhost");
            c.readLine();
            c.reply("221 bye");
            c.drain();
        })) {
            // 127.0.0.2 is loopback too, but nothing listens there on this port: the first address refuses.
            Resolver twoAddresses = host -> List.of(java.net.InetAddress.getByName("127.0.0.2"),
                    java.net.InetAddress.getByName("127.0.0.1"));
            SessionOptions options = new SessionOptions("relay.test", server.port(), TlsOptions.verified(TlsMode.NONE),
                    Optional.empty(), Optional.empty(), Optional.of("client.test"),
                    Timeouts.all(Duration.ofSeconds(5)));
            List<String> notes = new ArrayList<>();
            SmtpObserver noter = new SmtpObserver() {
                @Override
                public void note(String text) {
                    notes.add(text);
                }
            };
            try (SmtpSession session = SmtpSession.open(options, noter, twoAddresses)) {
                assertThat(session.isUsable()).isTrue();
            }
            server.awaitScript();
            assertThat(notes).anyMatch(n -> n.startsWith("cannot connect to 127.0.0.2:" + server.port()))
                    .contains("Connected to 127.0.0.1:" + server.port() + ".");
        }
    }

    @Test
    void whenEveryAddressRefusesTheFailureSaysHowManyWereTried() throws Exception {
        // The port is held (bound, never listening) on every address, so both addresses refuse.
        try (RefusingPort refusing = RefusingPort.open()) {
            int closedPort = refusing.port();
            Resolver twoAddresses = host -> List.of(java.net.InetAddress.getByName("127.0.0.2"),
                    java.net.InetAddress.getByName("127.0.0.1"));
            SessionOptions options = new SessionOptions("relay.test", closedPort, TlsOptions.verified(TlsMode.NONE),
                    Optional.empty(), Optional.empty(), Optional.empty(), Timeouts.all(Duration.ofSeconds(5)));
            assertThatThrownBy(() -> SmtpSession.open(options, SmtpObserver.none(), twoAddresses))
                    .isInstanceOfSatisfying(SmtpFailure.class, f -> {
                        assertThat(f.stage()).isEqualTo(Stage.CONNECT);
                        assertThat(f.isTransient()).isTrue();
                        assertThat(f.getMessage()).startsWith("cannot connect to relay.test:" + closedPort
                                + " (tried 2 addresses)");
                    });
        }
    }

    /** The relay's name, resolving to 127.0.0.2 first and then 127.0.0.1 (both loopback on Linux). */
    private static final Resolver SECOND_THEN_FIRST = host -> List.of(java.net.InetAddress.getByName("127.0.0.2"),
            java.net.InetAddress.getByName("127.0.0.1"));

    private static SessionOptions relayTest(int port) {
        return new SessionOptions("relay.test", port, TlsOptions.verified(TlsMode.NONE), Optional.empty(),
                Optional.empty(), Optional.of("client.test"), Timeouts.all(Duration.ofSeconds(5)));
    }

    /** Notes and wire lines in order, the way a transcript shows them. */
    private static final class Transcript implements SmtpObserver {
        final List<String> lines = new ArrayList<>();

        @Override
        public void sent(String line, boolean tls) {
            lines.add("-> " + line);
        }

        @Override
        public void received(String line, boolean tls) {
            lines.add("<- " + line);
        }

        @Override
        public void note(String text) {
            lines.add("=== " + text);
        }
    }

    @Test
    void aGreetingRefusedWith554OrAConnectionClosedBeforeTheGreetingEndsMovesOnToTheNextAddress() throws Exception {
        // postfix with smtp_skip_5xx_greeting: a refusing server is one host of the name, not the relay.
        for (ScriptedSmtpServer.Script refusing : List.<ScriptedSmtpServer.Script>of(c -> {
            c.reply("554 5.3.2 not now, too busy");
            c.drain();
        }, c -> c.raw("220-half a greeting, then gone\r\n".getBytes(StandardCharsets.US_ASCII)))) {
            try (ScriptedSmtpServer good = ScriptedSmtpServer.start(c -> {
                c.greet("250 second.test");
                c.acceptTransactionUntilQuit();
            }); ScriptedSmtpServer first = ScriptedSmtpServer.startOn(java.net.InetAddress.getByName("127.0.0.2"),
                    good.port(), refusing)) {
                Transcript transcript = new Transcript();
                DeliveryOutcome outcome;
                try (SmtpSession session = SmtpSession.open(relayTest(good.port()), transcript, SECOND_THEN_FIRST)) {
                    outcome = session.send(message("Subject: x\r\n\r\nbody\r\n", "bob@example.org"));
                }
                good.awaitScript();
                first.awaitScript();
                assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
                assertThat(good.lines()).contains("EHLO client.test", "DATA", "QUIT");
                // Nothing but QUIT (when it still listened) reached the refusing address.
                assertThat(first.lines()).isSubsetOf("QUIT");
                int port = good.port();
                assertThat(transcript.lines).containsSubsequence("=== Trying relay.test:" + port + "...",
                        "=== Connected to 127.0.0.2:" + port + ".", "=== Connected to 127.0.0.1:" + port + ".",
                        "<- 220 scripted", "-> EHLO client.test");
                assertThat(transcript.lines).anyMatch(l -> l.startsWith("=== skipping 127.0.0.2:" + port + " ("))
                        .filteredOn(l -> l.startsWith("-> EHLO")).hasSize(1);
            }
        }
    }

    @Test
    void whenEveryAddressGreetsWith421TheLastRefusalIsTheFailureAfterBothWereTried() throws Exception {
        ScriptedSmtpServer.Script busy = c -> {
            c.reply("421 4.3.2 busy, try later");
            c.drain();
        };
        try (ScriptedSmtpServer second = ScriptedSmtpServer.start(busy);
             ScriptedSmtpServer first = ScriptedSmtpServer.startOn(java.net.InetAddress.getByName("127.0.0.2"),
                     second.port(), busy)) {
            Transcript transcript = new Transcript();
            assertThatThrownBy(() -> SmtpSession.open(relayTest(second.port()), transcript, SECOND_THEN_FIRST))
                    .isInstanceOfSatisfying(SmtpFailure.class, f -> {
                        assertThat(f.stage()).isEqualTo(Stage.GREETING);
                        assertThat(f.isTransient()).isTrue();
                        assertThat(f.reply().orElseThrow().code()).isEqualTo(421);
                        assertThat(f.getMessage()).isEqualTo("greeting refused: 421 4.3.2 busy, try later"
                                + " (tried 2 addresses)");
                    });
            first.awaitScript();
            second.awaitScript();
            assertThat(first.lines()).containsExactly("QUIT");
            assertThat(second.lines()).containsExactly("QUIT");
            int port = second.port();
            assertThat(transcript.lines).containsSubsequence("=== Connected to 127.0.0.2:" + port + ".",
                    "<- 421 4.3.2 busy, try later", "=== skipping 127.0.0.2:" + port
                            + " (greeting refused: 421 4.3.2 busy, try later): trying the next address",
                    "=== Connected to 127.0.0.1:" + port + ".", "<- 421 4.3.2 busy, try later");
        }
    }

    @Test
    void pipeliningSendsMailEveryRcptAndDataAsOneGroupBeforeReadingAReply() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250 PIPELINING");
            // Not a single reply until the whole group has arrived: a client that waits would time out here.
            for (int i = 0; i < 4; i++) {
                c.readLine();
            }
            c.reply("250 sender ok", "250 bob ok", "550 5.1.1 eve unknown", "354 go ahead");
            c.readData();
            c.reply("250 queued as P1");
            c.drain();
        })) {
            DeliveryOutcome outcome;
            try (SmtpSession session = SmtpSession.open(plain(server), SmtpObserver.none())) {
                outcome = session.send(message("Subject: x\r\n\r\nbody\r\n", "bob@example.org", "eve@example.org"));
            }
            server.awaitScript();
            assertThat(server.lines()).containsSequence("MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.org>",
                    "RCPT TO:<eve@example.org>", "DATA");
            assertThat(outcome).isInstanceOf(DeliveryOutcome.PartiallyDelivered.class);
            assertThat(outcome.recipients()).extracting(RecipientResult::accepted).containsExactly(true, false);
            assertThat(outcome.finalReply().orElseThrow().text()).isEqualTo("queued as P1");
        }
    }

    @Test
    void pipelinedDataAcceptedAfterEveryRcptFailedIsEndedWithALoneDot() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250 PIPELINING");
            for (int i = 0; i < 3; i++) {
                c.readLine();
            }
            c.reply("250 ok", "550 no such user", "354 go ahead");
            c.readData();
            c.reply("554 no valid recipients");
            c.drain();
        })) {
            DeliveryOutcome outcome;
            try (SmtpSession session = SmtpSession.open(plain(server), SmtpObserver.none())) {
                outcome = session.send(message("body\r\n", "nobody@example.org"));
            }
            server.awaitScript();
            assertThat(outcome).isInstanceOf(DeliveryOutcome.Refused.class);
            assertThat(((DeliveryOutcome.Refused) outcome).stage()).isEqualTo(Stage.RCPT);
            assertThat(server.lines()).containsSequence("DATA", ".", "QUIT");
        }
    }

    /** Records the wire and the replies as the observer sees them, in one list. */
    private static final class EventRecorder implements SmtpObserver {
        final List<String> events = new ArrayList<>();

        @Override
        public void sent(String line, boolean tls) {
            events.add("-> " + line);
        }

        @Override
        public void reply(SmtpCommand command, Reply reply) {
            events.add(command + " " + reply.code());
        }

        @Override
        public void messageData(byte[] encoded, int lines, boolean tls) {
            events.add("data " + lines);
        }
    }

    @Test
    void sendAllWritesTheNextTransactionBehindTheDataAndReadsEveryReplyInOrder() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250 PIPELINING");
            for (int i = 0; i < 4; i++) {
                c.readLine();
            }
            c.reply("250 sender ok", "250 bob ok", "550 5.1.1 eve unknown", "354 go ahead");
            c.readData();
            // Not a reply yet: the second transaction's group must already be on its way behind the data.
            for (int i = 0; i < 4; i++) {
                c.readLine();
            }
            c.reply("250 queued as P1", "250 reset", "250 sender ok", "250 carol ok", "354 go ahead");
            c.readData();
            c.reply("250 queued as P2");
            c.drain();
        })) {
            EventRecorder recorder = new EventRecorder();
            List<DeliveryOutcome> outcomes;
            try (SmtpSession session = SmtpSession.open(plain(server), recorder)) {
                outcomes = session.sendAll(List.of(message("one\r\n", "bob@example.org", "eve@example.org"),
                        message("two\r\n", "carol@example.org")));
            }
            server.awaitScript();
            assertThat(server.lines()).containsSequence("MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.org>",
                    "RCPT TO:<eve@example.org>", "DATA", "one", ".", "RSET", "MAIL FROM:<alice@example.org>",
                    "RCPT TO:<carol@example.org>", "DATA", "two", ".", "QUIT");
            assertThat(outcomes.get(0)).isInstanceOf(DeliveryOutcome.PartiallyDelivered.class);
            assertThat(outcomes.get(0).recipients()).extracting(RecipientResult::accepted).containsExactly(true, false);
            assertThat(outcomes.get(0).finalReply().orElseThrow().text()).isEqualTo("queued as P1");
            assertThat(outcomes.get(1)).isInstanceOf(DeliveryOutcome.Delivered.class);
            assertThat(outcomes.get(1).finalReply().orElseThrow().text()).isEqualTo("queued as P2");
            // The observer sees the wire as it went: each group sent before its replies, the replies in order.
            assertThat(recorder.events).containsSequence("-> MAIL FROM:<alice@example.org>",
                    "-> RCPT TO:<bob@example.org>", "-> RCPT TO:<eve@example.org>", "-> DATA", "MAIL 250", "RCPT 250",
                    "RCPT 550", "DATA 354", "data 1", "-> RSET", "-> MAIL FROM:<alice@example.org>",
                    "-> RCPT TO:<carol@example.org>", "-> DATA", "DOT 250", "RSET 250", "MAIL 250", "RCPT 250",
                    "DATA 354", "data 1", "DOT 250", "-> QUIT");
        }
    }

    @Test
    void whenEveryPipelinedRcptIsRefusedNoDataIsSentAndTheNextMessageStartsWithRset() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250 PIPELINING");
            for (int i = 0; i < 3; i++) {
                c.readLine();
            }
            // RFC 2920 section 3.1: a server refuses DATA when no RCPT succeeded.
            c.reply("250 ok", "550 5.1.1 nobody here", "554 5.5.1 no valid recipients");
            for (int i = 0; i < 4; i++) {
                c.readLine();
            }
            c.reply("250 reset", "250 ok", "250 ok", "354 go ahead");
            c.readData();
            c.reply("250 queued as P2");
            c.drain();
        })) {
            List<DeliveryOutcome> outcomes;
            try (SmtpSession session = SmtpSession.open(plain(server), SmtpObserver.none())) {
                outcomes = session.sendAll(List.of(message("secret one\r\n", "nobody@example.org"),
                        message("two\r\n", "bob@example.org")));
            }
            server.awaitScript();
            assertThat(outcomes.get(0)).isInstanceOfSatisfying(DeliveryOutcome.Refused.class, r -> {
                assertThat(r.stage()).isEqualTo(Stage.RCPT);
                assertThat(r.reply().code()).isEqualTo(550);
            });
            assertThat(outcomes.get(0).recipients()).extracting(RecipientResult::accepted).containsExactly(false);
            assertThat(outcomes.get(1)).isInstanceOf(DeliveryOutcome.Delivered.class);
            assertThat(server.lines()).doesNotContain("secret one").containsSequence("DATA", "RSET",
                    "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.org>", "DATA", "two", ".", "QUIT");
        }
    }

    @Test
    void aServerWithoutPipeliningGetsOneCommandAtATimeAlsoInABatch() throws Exception {
        List<String> pipelinedAfter = new ArrayList<>();
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250 localhost");
            String line;
            while ((line = c.readLine()) != null) {
                // A lock-step client waits for this reply: nothing of the next command can have arrived yet.
                if (c.hasPendingBytes()) {
                    pipelinedAfter.add(line);
                }
                if (line.equals("DATA")) {
                    c.reply("354 go ahead");
                    c.readData();
                    c.reply("250 queued");
                } else if (line.equals("QUIT")) {
                    c.reply("221 bye");
                    return;
                } else {
                    c.reply(line.startsWith("RCPT TO:<eve") ? "550 no such user" : "250 ok");
                }
            }
        })) {
            List<DeliveryOutcome> outcomes;
            try (SmtpSession session = SmtpSession.open(plain(server), SmtpObserver.none())) {
                outcomes = session.sendAll(List.of(message("one\r\n", "bob@example.org", "eve@example.org"),
                        message("two\r\n", "carol@example.org")));
            }
            server.awaitScript();
            assertThat(pipelinedAfter).isEmpty();
            assertThat(outcomes).extracting(o -> o.getClass().getSimpleName())
                    .containsExactly("PartiallyDelivered", "Delivered");
            assertThat(server.lines()).containsExactly("EHLO client.test", "MAIL FROM:<alice@example.org>",
                    "RCPT TO:<bob@example.org>", "RCPT TO:<eve@example.org>", "DATA", "one", ".", "RSET",
                    "MAIL FROM:<alice@example.org>", "RCPT TO:<carol@example.org>", "DATA", "two", ".", "QUIT");
        }
    }

    @Test
    void aConnectionLostInABatchFailsTheRestUnsent() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250 PIPELINING");
            for (int i = 0; i < 3; i++) {
                c.readLine();
            }
            c.reply("250 ok", "250 ok", "354 go ahead");
            c.readData();
            // The server goes away before answering the data.
        })) {
            List<DeliveryOutcome> outcomes;
            try (SmtpSession session = SmtpSession.open(plain(server), SmtpObserver.none())) {
                outcomes = session.sendAll(List.of(message("one\r\n", "bob@example.org"),
                        message("two\r\n", "carol@example.org"), message("three\r\n", "dave@example.org")));
                assertThat(session.isUsable()).isFalse();
            }
            server.awaitScript();
            assertThat(outcomes).allSatisfy(o -> {
                assertThat(o).isInstanceOf(DeliveryOutcome.Failed.class);
                assertThat(o.isTransient()).isTrue();
                assertThat(o.recipients()).allMatch(r -> r.reply().isEmpty());
            });
            assertThat(((DeliveryOutcome.Failed) outcomes.get(0)).stage()).isEqualTo(Stage.DATA);
        }
    }

    @Test
    void severalMessagesOnOneConnectionAreSeparatedByRset() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.reply("220 scripted");
            c.acceptTransactionUntilQuit();
        })) {
            List<DeliveryOutcome> outcomes = new ArrayList<>();
            try (SmtpSession session = SmtpSession.open(plain(server), SmtpObserver.none())) {
                outcomes.add(session.send(message("one\r\n", "bob@example.org")));
                outcomes.add(session.send(message("two\r\n", "carol@example.org")));
            }
            server.awaitScript();
            assertThat(outcomes).allMatch(o -> o instanceof DeliveryOutcome.Delivered);
            assertThat(server.lines()).containsExactly("EHLO client.test", "MAIL FROM:<alice@example.org>",
                    "RCPT TO:<bob@example.org>", "DATA", "one", ".", "RSET", "MAIL FROM:<alice@example.org>",
                    "RCPT TO:<carol@example.org>", "DATA", "two", ".", "QUIT");
        }
    }

    @Test
    void theWireCarriesCrlfAndDotStuffing() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.reply("220 scripted");
            c.acceptTransactionUntilQuit();
        })) {
            try (SmtpSession session = SmtpSession.open(plain(server), SmtpObserver.none())) {
                session.send(message("Subject: dots\n\n.hidden\n..two\nend", "bob@example.org"));
            }
            server.awaitScript();
            String wire = new String(server.bytes(), StandardCharsets.US_ASCII);
            assertThat(wire).contains("DATA\r\nSubject: dots\r\n\r\n..hidden\r\n...two\r\nend\r\n.\r\nQUIT\r\n");
        }
    }

    @Test
    void heloIsTriedWhenEhloIsRefusedAndThenNoExtensionIsUsed() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.reply("220 old server");
            c.readLine();
            c.reply("500 5.5.2 what is EHLO");
            c.readLine();
            c.reply("250 old server");
            c.acceptTransactionUntilQuit();
        })) {
            DeliveryOutcome outcome;
            try (SmtpSession session = SmtpSession.open(plain(server), SmtpObserver.none())) {
                assertThat(session.capabilities().extended()).isFalse();
                outcome = session.send(message("x\r\n", "bob@example.org"));
            }
            server.awaitScript();
            assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
            assertThat(server.lines()).startsWith("EHLO client.test", "HELO client.test",
                    "MAIL FROM:<alice@example.org>");
        }
    }

    @Test
    void aMessageOverTheServersSizeIsRefusedLocallyAndSizeIsDeclaredOtherwise() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250 SIZE 100");
            c.acceptTransactionUntilQuit();
        })) {
            DeliveryOutcome big;
            DeliveryOutcome small;
            try (SmtpSession session = SmtpSession.open(plain(server), SmtpObserver.none())) {
                big = session.send(message("x".repeat(200) + "\r\n", "bob@example.org"));
                small = session.send(message("tiny\r\n", "bob@example.org"));
            }
            server.awaitScript();
            assertThat(big).isInstanceOf(DeliveryOutcome.Failed.class);
            assertThat(((DeliveryOutcome.Failed) big).stage()).isEqualTo(Stage.MESSAGE);
            assertThat(((DeliveryOutcome.Failed) big).reason()).contains("205 octets exceed", "SIZE limit of 100");
            assertThat(small).isInstanceOf(DeliveryOutcome.Delivered.class);
            assertThat(server.lines()).filteredOn(l -> l.startsWith("MAIL"))
                    .containsExactly("MAIL FROM:<alice@example.org> SIZE=9");
        }
    }

    @Test
    void eightBitContentUses8bitmimeWhenOfferedAndIsRefusedLocallyOtherwise() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250-8BITMIME", "250 SMTPUTF8");
            c.acceptTransactionUntilQuit();
        })) {
            try (SmtpSession session = SmtpSession.open(plain(server), SmtpObserver.none())) {
                session.send(message("Grüße\r\n", "bob@example.org"));
                session.send(new OutgoingMessage("alice@example.org", List.of("jürgen@example.org"),
                        "x\r\n".getBytes(StandardCharsets.US_ASCII)));
            }
            server.awaitScript();
            assertThat(server.lines()).contains("MAIL FROM:<alice@example.org> BODY=8BITMIME",
                    "MAIL FROM:<alice@example.org> SMTPUTF8", "RCPT TO:<jürgen@example.org>");
        }
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.reply("220 scripted");
            c.acceptTransactionUntilQuit();
        })) {
            DeliveryOutcome eightBit;
            DeliveryOutcome utf8;
            try (SmtpSession session = SmtpSession.open(plain(server), SmtpObserver.none())) {
                eightBit = session.send(message("Grüße\r\n", "bob@example.org"));
                utf8 = session.send(new OutgoingMessage("alice@example.org", List.of("jürgen@example.org"),
                        "x\r\n".getBytes(StandardCharsets.US_ASCII)));
            }
            server.awaitScript();
            assertThat(eightBit).isInstanceOf(DeliveryOutcome.Failed.class);
            assertThat(((DeliveryOutcome.Failed) eightBit).reason()).contains("8BITMIME");
            assertThat(((DeliveryOutcome.Failed) utf8).reason()).contains("SMTPUTF8");
            assertThat(server.lines()).noneMatch(l -> l.startsWith("MAIL"));
        }
    }

    @Test
    void aReplyLineOver512OctetsIsAProtocolError() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.reply("220 " + "x".repeat(600));
            c.drain();
        })) {
            assertThatThrownBy(() -> SmtpSession.open(plain(server), SmtpObserver.none()))
                    .isInstanceOf(SmtpFailure.class).hasMessageContaining("longer than 512 octets")
                    .extracting(e -> ((SmtpFailure) e).stage()).isEqualTo(Stage.GREETING);
        }
    }

    @Test
    void aReplyThatNeverEndsIsATimeoutOfItsStage() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.reply("220-first of many lines");
            c.drain();
        })) {
            // Every other stage has a minute: ending well before that shows the greeting's 300 ms fired, also on a
            // loaded machine (a cold first answer there has taken 11 s).
            Timeouts timeouts = Timeouts.all(Duration.ofMinutes(1)).with(Timeouts.Stage.GREETING,
                    Duration.ofMillis(300));
            long started = System.nanoTime();
            assertThatThrownBy(() -> SmtpSession.open(plain(server, timeouts), SmtpObserver.none()))
                    .isInstanceOf(SmtpFailure.class).hasMessageContaining("timed out after 300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void aServerThatStopsReadingTheDataMakesTheDataBlockTimeOut() throws Exception {
        java.util.concurrent.CountDownLatch testDone = new java.util.concurrent.CountDownLatch(1);
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            // Between EHLO and MAIL the client encodes 32 MB, which a loaded machine has taken over 10 s to do.
            c.readTimeout(Duration.ofMinutes(1));
            c.reply("220 scripted");
            for (String reply : List.of("250 localhost", "250 ok", "250 ok", "354 go ahead")) {
                c.readLine();
                c.reply(reply);
            }
            // Read nothing more: the client's writes fill the socket buffers and block.
            testDone.await(30, TimeUnit.SECONDS);
        })) {
            // Every other stage has a minute: ending well before that shows the 300 ms block timeout fired, also on a
            // loaded machine where building and encoding 32 MB takes seconds.
            Timeouts timeouts = Timeouts.all(Duration.ofMinutes(1)).with(Timeouts.Stage.DATA_BLOCK,
                    Duration.ofMillis(300));
            String content = ("x".repeat(98) + "\r\n").repeat(320_000);
            DeliveryOutcome outcome;
            long started = System.nanoTime();
            try (SmtpSession session = SmtpSession.open(plain(server, timeouts), SmtpObserver.none())) {
                outcome = session.send(message(content, "bob@example.org"));
            } finally {
                testDone.countDown();
            }
            assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
            assertThat(((DeliveryOutcome.Failed) outcome).stage()).as(outcome.toString()).isEqualTo(Stage.DATA);
            assertThat(((DeliveryOutcome.Failed) outcome).reason()).isEqualTo("sending timed out after 300 ms");
            assertThat(outcome.isTransient()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void repliesAreReadWithoutASocketTimeoutInTheClearAndAfterStartTls() throws Exception {
        // The watchdog bounds reads: a socket read timeout would park every read of a virtual thread with a timer.
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250 8BITMIME");
            c.drain();
        }); SmtpSession session = SmtpSession.open(plain(server), SmtpObserver.none())) {
            assertThat(session.socket().getSoTimeout()).isZero();
        }
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250 STARTTLS");
            c.readLine();
            c.reply("220 go");
            c.startTls(certificate.serverContext());
            c.readLine();
            c.reply("250-localhost", "250 8BITMIME");
            c.drain();
        })) {
            SessionOptions options = new SessionOptions("localhost", server.port(),
                    new TlsOptions(TlsMode.STARTTLS, Optional.of(caFile), Optional.empty(), false), Optional.empty(),
                    Optional.empty(), Optional.empty(), Timeouts.all(Duration.ofSeconds(5)));
            try (SmtpSession session = SmtpSession.open(options, SmtpObserver.none())) {
                assertThat(session.socket()).isInstanceOf(javax.net.ssl.SSLSocket.class);
                assertThat(session.socket().getSoTimeout()).isZero();
            }
        }
    }

    @Test
    void aSilentServerAfterStartTlsIsATimeoutOfTheStage() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250 STARTTLS");
            c.readLine();
            c.reply("220 go");
            c.startTls(certificate.serverContext());
            // Reads the EHLO sent through TLS and never answers it.
            c.drain();
        })) {
            // Every other stage has a minute: ending well before that shows the 300 ms command timeout fired through
            // TLS (the watchdog closes the TCP socket under the TLS one).
            Timeouts timeouts = Timeouts.all(Duration.ofMinutes(1)).with(Timeouts.Stage.COMMAND,
                    Duration.ofMillis(300));
            SessionOptions options = new SessionOptions("localhost", server.port(),
                    new TlsOptions(TlsMode.STARTTLS, Optional.of(caFile), Optional.empty(), false), Optional.empty(),
                    Optional.empty(), Optional.empty(), timeouts);
            long started = System.nanoTime();
            assertThatThrownBy(() -> SmtpSession.open(options, SmtpObserver.none()))
                    .isInstanceOf(SmtpFailure.class).hasMessageContaining("timed out after 300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void bytesSentAfterTheStartTlsReplyAreRefusedAsInjection() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250 STARTTLS");
            c.readLine();
            c.reply("220 ready", "250 injected in the clear");
            c.drain();
        })) {
            SessionOptions options = new SessionOptions("localhost", server.port(),
                    new TlsOptions(TlsMode.STARTTLS, Optional.of(caFile), Optional.empty(), false), Optional.empty(),
                    Optional.empty(), Optional.empty(), Timeouts.all(Duration.ofSeconds(5)));
            assertThatThrownBy(() -> SmtpSession.open(options, SmtpObserver.none()))
                    .isInstanceOf(SmtpFailure.class).hasMessageContaining("sent data after its STARTTLS reply");
        }
    }

    @Test
    void xoauth2SendsTheBearerTokenAndReadsTheErrorChallengeBefore535() throws Exception {
        List<String> initialResponse = new ArrayList<>();
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250 STARTTLS");
            c.readLine();
            c.reply("220 go");
            c.startTls(certificate.serverContext());
            c.readLine();
            c.reply("250-localhost", "250-AUTH LOGIN PLAIN XOAUTH2", "250 ENHANCEDSTATUSCODES");
            String auth = c.readLine();
            initialResponse.add(auth);
            c.reply("334 " + Base64.getEncoder().encodeToString(
                    "{\"status\":\"401\",\"schemes\":\"Bearer\"}".getBytes(StandardCharsets.UTF_8)));
            c.readLine();
            c.reply("535 5.7.8 Username and Password not accepted");
            c.drain();
        })) {
            Recorder recorder = new Recorder();
            SessionOptions options = new SessionOptions("localhost", server.port(),
                    new TlsOptions(TlsMode.STARTTLS, Optional.of(caFile), Optional.empty(), false),
                    Optional.of(Credentials.of("alice@example.org", "ya29.token-value".toCharArray())),
                    Optional.of(AuthMechanism.XOAUTH2), Optional.empty(), Timeouts.all(Duration.ofSeconds(5)));
            assertThatThrownBy(() -> SmtpSession.open(options, recorder))
                    .isInstanceOf(SmtpFailure.class)
                    .hasMessage("authentication failed: 535 5.7.8 Username and Password not accepted")
                    .extracting(e -> ((SmtpFailure) e).stage()).isEqualTo(Stage.AUTH);
            server.awaitScript();
            String sent = initialResponse.get(0);
            assertThat(sent).startsWith("AUTH XOAUTH2 ");
            assertThat(new String(Base64.getDecoder().decode(sent.substring(13)), StandardCharsets.UTF_8))
                    .isEqualTo("user=alice@example.org\u0001auth=Bearer ya29.token-value\u0001\u0001");
            assertThat(server.lines()).containsSubsequence(sent, "", "QUIT");
            assertThat(recorder.lines).contains("~> AUTH XOAUTH2 <redacted>")
                    .noneMatch(l -> l.contains("ya29") || l.contains(sent.substring(13)));
        }
    }

    @Test
    void credentialsAreNeverSentWithoutTls() {
        assertThatThrownBy(() -> new SessionOptions("localhost", 25, TlsOptions.verified(TlsMode.NONE),
                Optional.of(Credentials.of("u", "p".toCharArray())), Optional.empty(), Optional.empty(),
                Timeouts.rfcDefaults())).hasMessageContaining("never sent without TLS");
        assertThat(Credentials.of("u", "topsecret".toCharArray()).toString()).doesNotContain("topsecret");
    }
}
