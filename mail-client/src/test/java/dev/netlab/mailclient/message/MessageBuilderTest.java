package dev.netlab.mailclient.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.mailclient.smtp.OutgoingMessage;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MessageBuilderTest {

    private static final Pattern BOUNDARY = Pattern.compile("----=_Part_[0-9]+_[0-9]+\\.[0-9]+");
    // Jakarta Mail folds a Content-Type line before its boundary parameter when the line passes 76 characters, and a
    // boundary's length varies (its counter and an identity hash), so the fold is undone with the boundary's text.
    private static final Pattern FOLDED_BOUNDARY = Pattern.compile(";[ \\t]*\\r\\n[ \\t]+boundary=\"");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T09:30:00Z"), ZoneOffset.UTC);

    private final MessageBuilder builder = new MessageBuilder(CLOCK, new SplittableRandom(42));

    private static MessageSpec spec(String subject, String text, Optional<String> html, List<Attachment> attachments,
                                    List<Attachment> inline, List<String> headers) {
        return new MessageSpec("Alice <alice@example.org>", List.of("bob@example.org"), List.of("carol@example.org"),
                List.of("dave@example.org"), subject, text, html, attachments, inline, headers);
    }

    private static MessageSpec simple(String subject, String text) {
        return spec(subject, text, Optional.empty(), List.of(), List.of(), List.of());
    }

    private static String text(OutgoingMessage message) {
        return new String(message.content(), StandardCharsets.US_ASCII);
    }

    private static MimeMessage parse(OutgoingMessage message) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message.content()));
    }

    @Test
    void headersAreThereAndBccIsOnlyInTheEnvelope() throws Exception {
        OutgoingMessage message = builder.build(simple("Hello", "Hi Bob"));
        String content = text(message);
        assertThat(message.sender()).isEqualTo("alice@example.org");
        assertThat(message.recipients()).containsExactly("bob@example.org", "carol@example.org", "dave@example.org");
        assertThat(content).contains("From: Alice <alice@example.org>\r\n", "To: bob@example.org\r\n",
                "Cc: carol@example.org\r\n", "Subject: Hello\r\n", "Date: Tue, 24 Nov 2026 09:30:00 +0000 (UTC)",
                "MIME-Version: 1.0\r\n", "Content-Type: text/plain; charset=UTF-8\r\n");
        assertThat(content).containsPattern("Message-ID: <[0-9a-f]{32}@example\\.org>\r\n");
        assertThat(content.toLowerCase()).doesNotContain("bcc:").doesNotContain("dave");
        assertThat(content).endsWith("\r\n\r\nHi Bob");
    }

    @Test
    void aUtf8SubjectBecomesEncodedWordsAndDecodesBackIntact() throws Exception {
        String subject = "Grüße aus Gebze – 日本語のテスト with a rather long tail to force folding of the header";
        OutgoingMessage message = builder.build(simple(subject, "x"));
        assertThat(text(message)).contains("Subject: =?UTF-8?");
        assertThat(new String(message.content(), StandardCharsets.ISO_8859_1)).matches("\\p{ASCII}*");
        assertThat(parse(message).getSubject()).isEqualTo(subject);
    }

    @Test
    void nonAsciiDisplayNamesAreEncodedWordsAndUtf8AddressesNeedSmtputf8() throws Exception {
        OutgoingMessage named = builder.build(new MessageSpec("Jürgen Müller <juergen@example.org>",
                List.of("Zoë <zoe@example.org>"), List.of(), List.of(), "s", "b", Optional.empty(), List.of(),
                List.of(), List.of()));
        assertThat(new String(named.content(), StandardCharsets.ISO_8859_1)).matches("\\p{ASCII}*")
                .contains("From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.org>");
        assertThat(((jakarta.mail.internet.InternetAddress) parse(named).getFrom()[0]).getPersonal()).isEqualTo("Jürgen Müller");
        assertThat(named.needsSmtpUtf8()).isFalse();

        OutgoingMessage header = builder.build(spec("s", "b", Optional.empty(), List.of(), List.of(),
                List.of("X-Note: Grüße " + "und mehr ".repeat(150))));
        String headerText = new String(header.content(), StandardCharsets.ISO_8859_1);
        assertThat(headerText).matches("\\p{ASCII}*").contains("X-Note: =?UTF-8?");
        assertThat(headerText.split("\r\n")).allMatch(line -> line.length() <= 998);
        assertThat(MimeUtilityDecode.decode(parse(header).getHeader("X-Note", null)))
                .isEqualTo("Grüße " + ("und mehr ".repeat(150)).strip());

        OutgoingMessage utf8 = builder.build(new MessageSpec("alice@example.org", List.of("jürgen@example.org"),
                List.of(), List.of(), "s", "b", Optional.empty(), List.of(), List.of(), List.of()));
        assertThat(utf8.recipients()).containsExactly("jürgen@example.org");
        assertThat(utf8.needsSmtpUtf8()).isTrue();
    }

    @Test
    void aUtf8MessageAndAnAsciiOneBuiltInTurnEachKeepTheirHeaderMode() throws Exception {
        // The builder keeps one Session per header mode: neither may leak into the next message.
        MessageSpec utf8 = new MessageSpec("Jürgen <alice@example.org>", List.of("jürgen@example.org"), List.of(),
                List.of(), "s", "b", Optional.empty(), List.of(), List.of(), List.of());
        MessageSpec ascii = new MessageSpec("Jürgen <alice@example.org>", List.of("bob@example.org"), List.of(),
                List.of(), "s", "b", Optional.empty(), List.of(), List.of(), List.of());
        for (int round = 0; round < 2; round++) {
            assertThat(new String(builder.build(utf8).content(), StandardCharsets.UTF_8))
                    .contains("Jürgen").doesNotContain("=?UTF-8?");
            assertThat(new String(builder.build(ascii).content(), StandardCharsets.ISO_8859_1))
                    .matches("\\p{ASCII}*").contains("From: =?UTF-8?");
        }
    }

    @Test
    void crOrLfInAnyHeaderValueOrAddressIsRefused() {
        List<MessageSpec> evil = List.of(
                simple("hi\r\nBcc: x@example.org", "body"),
                simple("hi\nX-Injected: yes", "body"),
                spec("s", "b", Optional.empty(), List.of(), List.of(), List.of("X-A: b\r\nX-B: c")),
                new MessageSpec("alice@example.org\r\nRCPT TO:<x@example.org>", List.of("b@example.org"), List.of(),
                        List.of(), "s", "b", Optional.empty(), List.of(), List.of(), List.of()),
                new MessageSpec("alice@example.org", List.of("b@example.org\n"), List.of(), List.of(), "s", "b",
                        Optional.empty(), List.of(), List.of(), List.of()),
                spec("s", "b", Optional.empty(), List.of(new Attachment("a\r\nb.txt", new byte[1])), List.of(),
                        List.of()));
        for (MessageSpec spec : evil) {
            assertThatThrownBy(() -> builder.build(spec)).isInstanceOf(MessageException.class)
                    .hasMessageContaining("refused");
        }
    }

    @Test
    void badAddressesAndHeadersAreMessageErrors() {
        assertThatThrownBy(() -> builder.build(new MessageSpec("not an address", List.of("b@example.org"), List.of(),
                List.of(), "s", "b", Optional.empty(), List.of(), List.of(), List.of())))
                .isInstanceOf(MessageException.class).hasMessageContaining("--from");
        assertThatThrownBy(() -> builder.build(new MessageSpec("a@example.org", List.of(), List.of(), List.of(), "s",
                "b", Optional.empty(), List.of(), List.of(), List.of())))
                .hasMessageContaining("no recipient");
        assertThatThrownBy(() -> builder.build(spec("s", "b", Optional.empty(), List.of(), List.of(),
                List.of("Bcc: leak@example.org")))).hasMessageContaining("cannot set Bcc");
        assertThatThrownBy(() -> builder.build(spec("s", "b", Optional.empty(), List.of(), List.of(),
                List.of("no colon")))).hasMessageContaining("Name: value");
        assertThatThrownBy(() -> builder.build(spec("s", "b", Optional.empty(), List.of(),
                List.of(new Attachment("a.png", new byte[] {1})), List.of()))).hasMessageContaining("--html-file");
    }

    @Test
    void anExtraHeaderCannotDuplicateAHeaderTheBuilderSets() {
        for (String name : List.of("From", "to", "CC", "Subject", "Date", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding", "Content-Disposition", "Bcc")) {
            assertThatThrownBy(() -> builder.build(spec("s", "b", Optional.empty(), List.of(), List.of(),
                    List.of(name + ": evil@example.net"))))
                    .as(name).isInstanceOf(MessageException.class).hasMessageContaining("--header")
                    .hasMessageContaining(name);
        }
    }

    @Test
    void anExtraMessageIdReplacesTheBuildersOwnAndMustBeAMessageId() throws Exception {
        OutgoingMessage message = builder.build(spec("s", "b", Optional.empty(), List.of(), List.of(),
                List.of("Message-ID: <thread-1@example.org>", "X-Trace: kept")));
        assertThat(parse(message).getHeader("Message-ID")).containsExactly("<thread-1@example.org>");
        assertThat(text(message)).contains("X-Trace: kept\r\n");
        for (String bad : List.of("Message-ID: thread-1", "Message-ID: <no-at-sign>", "Message-ID: <a@b> <c@d>")) {
            assertThatThrownBy(() -> builder.build(spec("s", "b", Optional.empty(), List.of(), List.of(),
                    List.of(bad)))).as(bad).isInstanceOf(MessageException.class).hasMessageContaining("Message-ID");
        }
        assertThatThrownBy(() -> builder.build(spec("s", "b", Optional.empty(), List.of(), List.of(),
                List.of("Message-ID: <a@example.org>", "message-id: <b@example.org>"))))
                .isInstanceOf(MessageException.class).hasMessageContaining("once");
    }

    @Test
    void linesLongerThan998OctetsAreEncodedAndTheTextSurvives() throws Exception {
        String longLine = "word ".repeat(400);
        OutgoingMessage message = builder.build(simple("long", longLine + "\nshort line"));
        for (String line : text(message).split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
        }
        assertThat(text(message)).contains("Content-Transfer-Encoding: quoted-printable");
        assertThat(((String) parse(message).getContent()).replace("\r\n", "\n")).isEqualTo(longLine + "\nshort line");
    }

    @Test
    void htmlAlternativeWithInlineImagesAndAttachmentsHasTheRightStructure() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3};
        byte[] csv = "a,b\n1,2\n".getBytes(StandardCharsets.US_ASCII);
        OutgoingMessage message = builder.build(spec("pics", "plain version",
                Optional.of("<p><img src=\"cid:logo.png\"></p>"), List.of(new Attachment("data.csv", csv)),
                List.of(new Attachment("logo.png", png)), List.of()));
        MimeMessage parsed = parse(message);
        assertThat(parsed.getContentType()).startsWith("multipart/mixed");
        Multipart mixed = (Multipart) parsed.getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
        assertThat(mixed.getBodyPart(0).getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("plain version");
        Multipart related = (Multipart) alternative.getBodyPart(1).getContent();
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("multipart/related");
        assertThat(related.getBodyPart(0).getContentType()).startsWith("text/html");
        MimeBodyPart image = (MimeBodyPart) related.getBodyPart(1);
        assertThat(image.getContentType()).startsWith("image/png");
        assertThat(image.getContentID()).isEqualTo("<logo.png>");
        assertThat(image.getDisposition()).isEqualTo(Part.INLINE);
        assertThat(image.getInputStream().readAllBytes()).isEqualTo(png);
        MimeBodyPart attachment = (MimeBodyPart) mixed.getBodyPart(1);
        assertThat(attachment.getContentType()).startsWith("text/csv");
        assertThat(attachment.getFileName()).isEqualTo("data.csv");
        assertThat(attachment.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(new String(message.content(), StandardCharsets.ISO_8859_1)).matches("\\p{ASCII}*");
    }

    @Test
    void messageIdsComeFromTheInjectedRandomness() throws Exception {
        String first = parse(new MessageBuilder(CLOCK, new SplittableRandom(7)).build(simple("a", "b")))
                .getMessageID();
        String again = parse(new MessageBuilder(CLOCK, new SplittableRandom(7)).build(simple("a", "b")))
                .getMessageID();
        String other = parse(new MessageBuilder(CLOCK, new SplittableRandom(8)).build(simple("a", "b")))
                .getMessageID();
        assertThat(first).isEqualTo(again).isNotEqualTo(other);
    }

    /** Unfolds and decodes a header value as a reader would. */
    private static final class MimeUtilityDecode {
        static String decode(String raw) throws Exception {
            return jakarta.mail.internet.MimeUtility.decodeText(jakarta.mail.internet.MimeUtility.unfold(raw)).strip();
        }
    }
    @Test
    void textsNamedSevenBitByTheBuilderGiveTheBytesJakartaMailWouldHaveChosen() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        String[] pieces = {"a", "Z", "0", " ", ".", "\t", "\r\n", "\n", "\r", "\u0001", "\u007f", "é", "~",
                "a".repeat(997), "b".repeat(999)};
        int sevenBit = 0;
        int other = 0;
        for (int round = 0; round < 300; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(1, 12);
            // Most texts stay printable ASCII, so the 7bit path is taken often and its edges (long lines) reached.
            int alphabet = random.nextInt(4) == 0 ? pieces.length : pieces.length - 6;
            for (int i = 0; i < length; i++) {
                String piece = pieces[random.nextInt(alphabet)];
                text.append(random.nextInt(6) == 0 ? pieces[13 + random.nextInt(2)] : piece);
            }
            String body = text.toString();
            if (MessageBuilder.isSevenBit(body)) {
                sevenBit++;
            } else {
                other++;
            }
            for (MessageSpec spec : List.of(simple("s", body), spec("s", body, Optional.of("<p>" + body + "</p>"),
                    List.of(new Attachment("a.txt", body.getBytes(StandardCharsets.UTF_8), Optional.of("text/plain"))),
                    List.of(), List.of()))) {
                byte[] named = new MessageBuilder(CLOCK, new SplittableRandom(round), true).build(spec).content();
                byte[] chosen = new MessageBuilder(CLOCK, new SplittableRandom(round), false).build(spec).content();
                // Multipart boundaries are unique per build (a counter, a hash and the time): set equal first.
                assertThat(withBoundariesEqual(named)).as("seed %d, round %d", seed, round)
                        .isEqualTo(withBoundariesEqual(chosen));
            }
        }
        assertThat(sevenBit).as("seed %d", seed).isGreaterThan(50);
        assertThat(other).as("seed %d", seed).isGreaterThan(50);
    }

    @Test
    void thePlainestMessagesWrittenDirectlyAreTheBytesJakartaMailWrites() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        String[] locals = {"a", "bob", "x.y", "first_last+tag", "a-b", "o'brien", "j\u00f6rg", "Alice <alice",
            "l".repeat(30)};
        String[] domains = {"example.org", "mail.example-host.co.uk", "d".repeat(40) + ".org"};
        String[] subjects = {"", "bench", "hello world", "trailing ", " leading", "tab\there", "caf\u00e9",
            "=?utf-8?q?x?=", "two  spaces", "s".repeat(66), "s".repeat(67), "s".repeat(68), "w ".repeat(40)};
        String[] pieces = {"a", "Z", " ", ".", "\t", "\r\n", "\n", "\u0001", "\u00e9", "a".repeat(997),
            "b".repeat(999)};
        int direct = 0;
        int jakarta = 0;
        // About one message in thirteen qualifies for the direct path (random addresses and subjects rarely do).
        for (int round = 0; round < 1500; round++) {
            List<String> to = addresses(random, locals, domains, random.nextInt(4));
            List<String> cc = addresses(random, locals, domains, random.nextInt(3));
            List<String> bcc = addresses(random, locals, domains, to.isEmpty() && cc.isEmpty() ? 1 : random.nextInt(2));
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(0, 8);
            for (int i = 0; i < length; i++) {
                // Mostly printable ASCII, so the direct path is taken often; sometimes a piece it must refuse.
                text.append(pieces[random.nextInt(random.nextInt(5) == 0 ? pieces.length : 4)]);
            }
            String from = addresses(random, locals, domains, 1).get(0);
            MessageSpec spec = new MessageSpec(from, to, cc, bcc, subjects[random.nextInt(subjects.length)],
                    text.toString(), Optional.empty(), List.of(), List.of(), List.of());
            byte[] shortcut = new MessageBuilder(CLOCK, new SplittableRandom(round), true).build(spec).content();
            byte[] jakartaOnly = new MessageBuilder(CLOCK, new SplittableRandom(round), false).build(spec).content();
            assertThat(new String(shortcut, StandardCharsets.ISO_8859_1)).as("seed %d, round %d", seed, round)
                    .isEqualTo(new String(jakartaOnly, StandardCharsets.ISO_8859_1));
            if (PlainTextMessage.fits(spec, new InternetAddress(from), parsed(to), parsed(cc))) {
                direct++;
            } else {
                jakarta++;
            }
        }
        assertThat(direct).as("seed %d", seed).isGreaterThan(50);
        assertThat(jakarta).as("seed %d", seed).isGreaterThan(500);
    }

    private static List<String> addresses(SplittableRandom random, String[] locals, String[] domains, int n) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String local = locals[random.nextInt(locals.length)];
            String address = local.replace("Alice <", "") + "@" + domains[random.nextInt(domains.length)];
            out.add(local.startsWith("Alice <") ? "Alice <" + address + ">" : address);
        }
        return out;
    }

    private static List<InternetAddress> parsed(List<String> addresses) throws Exception {
        List<InternetAddress> out = new java.util.ArrayList<>();
        for (String address : addresses) {
            out.add(new InternetAddress(address));
        }
        return out;
    }

    @Test
    void theDateHeaderFollowsTheClockFromSecondToSecondAndZoneToZone() throws Exception {
        Instant start = Instant.parse("2026-11-24T09:30:00.100Z");
        AtomicReference<Clock> now = new AtomicReference<>(Clock.fixed(start, ZoneOffset.UTC));
        Clock moving = new Clock() {
            @Override
            public ZoneId getZone() {
                return now.get().getZone();
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return now.get().instant();
            }
        };
        MessageBuilder dated = new MessageBuilder(moving, new SplittableRandom(1));
        assertThat(text(dated.build(simple("s", "x")))).contains("Date: Tue, 24 Nov 2026 09:30:00 +0000 (UTC)");
        now.set(Clock.fixed(start.plusMillis(800), ZoneOffset.UTC));
        assertThat(text(dated.build(simple("s", "x")))).contains("Date: Tue, 24 Nov 2026 09:30:00 +0000 (UTC)");
        now.set(Clock.fixed(start.plusMillis(900), ZoneOffset.UTC));
        assertThat(text(dated.build(simple("s", "x")))).contains("Date: Tue, 24 Nov 2026 09:30:01 +0000 (UTC)");
        now.set(Clock.fixed(start.plusMillis(900), ZoneOffset.ofHours(2)));
        assertThat(text(dated.build(simple("s", "x")))).contains("Date: Tue, 24 Nov 2026 11:30:01 +0200");
    }

    // A built message's text with every multipart boundary, and the header fold its length may cause, made the same.
    private static String withBoundariesEqual(byte[] content) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        return BOUNDARY.matcher(FOLDED_BOUNDARY.matcher(text).replaceAll("; boundary=\"")).replaceAll("boundary");
    }
}
