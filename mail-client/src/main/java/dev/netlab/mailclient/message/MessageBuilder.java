package dev.netlab.mailclient.message;

import dev.netlab.mailclient.smtp.OutgoingMessage;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Builds an RFC 5322 message with Jakarta Mail's MIME classes (Eclipse Angus): From, To, Cc, Subject (encoded words
 * when not ASCII), Date, Message-ID, the text body, an HTML alternative with its inline images
 * ({@code multipart/related}), attachments ({@code multipart/mixed}). Bcc recipients join the envelope only. Every
 * header value and address is checked for CR and LF before anything is built, so nothing can be smuggled into the
 * header or onto the wire. Lines longer than 998 octets are encoded (quoted-printable or base64) by the library.
 */
public final class MessageBuilder {

    // Headers the builder owns, with what sets them instead: a second From or Date is a spoofing shape, a second
    // Content-Type breaks the structure, a Bcc header leaks the blind copies.
    private static final Map<String, String> OWNED = Map.ofEntries(
            Map.entry("from", "use --from"), Map.entry("to", "use --to"), Map.entry("cc", "use --cc"),
            Map.entry("bcc", "use --bcc: it never becomes a header"), Map.entry("subject", "use --subject"),
            Map.entry("date", "it is the time of sending"),
            Map.entry("mime-version", "it describes the message's structure"),
            Map.entry("content-type", "it describes the message's structure"),
            Map.entry("content-transfer-encoding", "it describes the message's structure"),
            Map.entry("content-disposition", "it describes the message's structure"),
            Map.entry("content-id", "it describes the message's structure"));
    private static final String MESSAGE_ID = "message-id";
    // RFC 5322 section 3.6.4 msg-id, in its common dot-atom form: <left@right>.
    private static final Pattern MSG_ID = Pattern.compile("<[^<>@\\s]+@[^<>@\\s]+>");
    // Jakarta Mail looks its stream provider up through ServiceLoader on every part it writes (jakartaee/mail-api
    // issue 861) unless this property names the class: then it is one Class.forName of a loaded class.
    private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

    static {
        if (System.getProperty(STREAM_PROVIDER) == null) {
            System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    // A Session reads provider and address-map files from the class path and the JDK on creation: make the two
    // this builder needs once, not one per message. Each only reads its properties afterwards, so threads share it.
    private static final Session ASCII_HEADERS = session(false);
    private static final Session UTF8_HEADERS = session(true);

    /** The Date header's text for one second in one zone. */
    private record FormattedDate(long epochSecond, ZoneId zone, String text) {
    }

    private final Clock clock;
    private final RandomGenerator random;
    private final boolean shortcuts;
    private volatile FormattedDate lastDate;

    public MessageBuilder(Clock clock, RandomGenerator random) {
        this(clock, random, true);
    }

    /**
     * With {@code shortcuts} false, Jakarta Mail writes every message and chooses every transfer encoding itself;
     * true names 7bit texts and writes the plainest messages directly ({@link PlainTextMessage}). Tests compare.
     */
    MessageBuilder(Clock clock, RandomGenerator random, boolean shortcuts) {
        this.clock = clock;
        this.random = random;
        this.shortcuts = shortcuts;
    }

    /**
     * @throws MessageException when an address or header is malformed or carries CR/LF, or the parts do not fit
     */
    public OutgoingMessage build(MessageSpec spec) throws MessageException {
        checkNoLineBreaks(spec);
        InternetAddress from = address("--from", spec.from());
        List<InternetAddress> to = addresses("--to", spec.to());
        List<InternetAddress> cc = addresses("--cc", spec.cc());
        List<InternetAddress> bcc = addresses("--bcc", spec.bcc());
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
            throw new MessageException("no recipient: give --to, --cc or --bcc");
        }
        if (!spec.inline().isEmpty() && spec.html().isEmpty()) {
            throw new MessageException("--inline images are shown by the HTML body: give --html-file too");
        }
        List<String[]> extra = parseHeaders(spec.headers());
        boolean utf8Addresses = !isAscii(from.getAddress())
                || to.stream().anyMatch(a -> !isAscii(a.getAddress()))
                || cc.stream().anyMatch(a -> !isAscii(a.getAddress()))
                || bcc.stream().anyMatch(a -> !isAscii(a.getAddress()));
        // UTF-8 in headers only where the addresses themselves are UTF-8 (then the transaction uses SMTPUTF8).
        Session session = utf8Addresses ? UTF8_HEADERS : ASCII_HEADERS;
        String messageId = messageId(extra).orElseGet(
                () -> "<" + HexFormat.of().formatHex(randomBytes(16)) + "@" + domainOf(from.getAddress()) + ">");
        if (shortcuts && PlainTextMessage.fits(spec, from, to, cc)) {
            return new OutgoingMessage(from.getAddress(), envelope(to, cc, bcc), PlainTextMessage.write(dateHeader(),
                    from, to, cc, messageId, spec.subject(), spec.text()));
        }
        try {
            MimeMessage message = new FixedIdMessage(session, messageId);
            message.setFrom(from);
            if (!to.isEmpty()) {
                message.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
            }
            if (!cc.isEmpty()) {
                message.setRecipients(Message.RecipientType.CC, cc.toArray(InternetAddress[]::new));
            }
            message.setSubject(spec.subject(), StandardCharsets.UTF_8.name());
            message.setHeader("Date", dateHeader());
            for (String[] header : extra) {
                if (header[0].equalsIgnoreCase(MESSAGE_ID)) {
                    continue;
                }
                // Extra header values are unstructured text: non-ASCII becomes encoded words, long values are folded.
                String value = MimeUtility.encodeText(header[1], StandardCharsets.UTF_8.name(), null);
                message.addHeader(header[0], MimeUtility.fold(header[0].length() + 2, value));
            }
            setContent(message, spec);
            message.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return new OutgoingMessage(from.getAddress(), envelope(to, cc, bcc), out.toByteArray());
        } catch (IllegalArgumentException e) {
            // An address valid in a header but not on the envelope (a quoted local part with a space).
            throw new MessageException(e.getMessage(), e);
        } catch (MessagingException | IOException e) {
            throw new MessageException("cannot build the message: " + e.getMessage(), e);
        }
    }

    private static List<String> envelope(List<InternetAddress> to, List<InternetAddress> cc,
                                         List<InternetAddress> bcc) {
        List<String> envelope = new ArrayList<>(to.size() + cc.size() + bcc.size());
        to.forEach(a -> envelope.add(a.getAddress()));
        cc.forEach(a -> envelope.add(a.getAddress()));
        bcc.forEach(a -> envelope.add(a.getAddress()));
        return envelope;
    }

    // The clock's zone, not the JVM's default: the same clock gives the same header everywhere. The header has
    // whole seconds, so the text is made once per second, not once per message.
    private String dateHeader() {
        Instant now = clock.instant();
        ZoneId zone = clock.getZone();
        FormattedDate last = lastDate;
        if (last != null && last.epochSecond() == now.getEpochSecond() && last.zone().equals(zone)) {
            return last.text();
        }
        MailDateFormat dateFormat = new MailDateFormat();
        dateFormat.setTimeZone(TimeZone.getTimeZone(zone));
        String text = dateFormat.format(Date.from(now));
        lastDate = new FormattedDate(now.getEpochSecond(), zone, text);
        return text;
    }

    private void setContent(MimeMessage message, MessageSpec spec) throws MessagingException, MessageException {
        if (spec.html().isEmpty() && spec.attachments().isEmpty()) {
            setText(message, spec.text(), "plain");
            return;
        }
        MimeBodyPart textPart = new MimeBodyPart();
        setText(textPart, spec.text(), "plain");
        MimeMultipart alternative = null;
        if (spec.html().isPresent()) {
            MimeBodyPart htmlPart = new MimeBodyPart();
            setText(htmlPart, spec.html().get(), "html");
            if (!spec.inline().isEmpty()) {
                htmlPart = wrap(related(htmlPart, spec.inline()));
            }
            alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(textPart);
            alternative.addBodyPart(htmlPart);
        }
        if (spec.attachments().isEmpty()) {
            message.setContent(alternative);
            return;
        }
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(alternative == null ? textPart : wrap(alternative));
        for (Attachment attachment : spec.attachments()) {
            mixed.addBodyPart(filePart(attachment, Part.ATTACHMENT));
        }
        message.setContent(mixed);
    }

    /**
     * Sets a UTF-8 text body. Left alone, Jakarta Mail picks the transfer encoding by writing the whole text once
     * more through its content handler before the real write; a text it would call 7bit (printable ASCII, tabs and
     * line breaks, no line over 998 characters) is named 7bit here instead, so it is encoded once.
     */
    private void setText(MimePart part, String text, String subtype) throws MessagingException {
        part.setText(text, StandardCharsets.UTF_8.name(), subtype);
        if (shortcuts && isSevenBit(text)) {
            part.setHeader("Content-Transfer-Encoding", "7bit");
        }
    }

    /** What Jakarta Mail's own check calls all-ASCII: no byte it counts as non-ASCII and no line over 998. */
    static boolean isSevenBit(String text) {
        int line = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\r' || ch == '\n') {
                line = 0;
                continue;
            }
            if (ch >= 0x7f || (ch < 0x20 && ch != '\t') || ++line > 998) {
                return false;
            }
        }
        return true;
    }

    /** The HTML and the images it shows: each image's Content-ID is its file name, so HTML says cid:logo.png. */
    private static MimeMultipart related(MimeBodyPart html, List<Attachment> images)
            throws MessagingException, MessageException {
        MimeMultipart related = new MimeMultipart("related");
        related.addBodyPart(html);
        Set<String> ids = new HashSet<>();
        for (Attachment image : images) {
            if (!ids.add(image.name().toLowerCase(Locale.ROOT))) {
                throw new MessageException("two --inline files are named " + image.name() + ": their cid: would clash");
            }
            MimeBodyPart part = filePart(image, Part.INLINE);
            part.setContentID("<" + image.name() + ">");
            related.addBodyPart(part);
        }
        return related;
    }

    private static MimeBodyPart wrap(MimeMultipart multipart) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setContent(multipart);
        return part;
    }

    private static MimeBodyPart filePart(Attachment file, String disposition) throws MessagingException {
        String type = file.contentType();
        if (ContentTypes.isText(type)) {
            type += "; charset=UTF-8";
        }
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(file.content(), type)));
        part.setFileName(file.name());
        part.setDisposition(disposition);
        return part;
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** CR or LF in any value that reaches a header or the envelope is refused outright (header injection). */
    private static void checkNoLineBreaks(MessageSpec spec) throws MessageException {
        checkValue("--from", spec.from());
        for (String a : spec.to()) {
            checkValue("--to", a);
        }
        for (String a : spec.cc()) {
            checkValue("--cc", a);
        }
        for (String a : spec.bcc()) {
            checkValue("--bcc", a);
        }
        checkValue("--subject", spec.subject());
        for (String h : spec.headers()) {
            checkValue("--header", h);
        }
        for (Attachment a : spec.attachments()) {
            checkValue("--attach file name", a.name());
        }
        for (Attachment a : spec.inline()) {
            checkValue("--inline file name", a.name());
        }
    }

    private static void checkValue(String what, String value) throws MessageException {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\r' || ch == '\n' || ch == 0) {
                throw new MessageException(what + " contains a " + (ch == '\r' ? "CR" : ch == '\n' ? "LF" : "NUL")
                        + " character: refused, nothing was sent");
            }
        }
    }

    private static List<String[]> parseHeaders(List<String> headers) throws MessageException {
        List<String[]> parsed = new ArrayList<>();
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new MessageException("--header must be \"Name: value\", got: " + header);
            }
            String name = header.substring(0, colon);
            for (int i = 0; i < name.length(); i++) {
                char ch = name.charAt(i);
                if (ch < 33 || ch > 126) {
                    throw new MessageException("--header name must be printable ASCII without spaces: " + name);
                }
            }
            String owner = OWNED.get(name.toLowerCase(Locale.ROOT));
            if (owner != null) {
                throw new MessageException("--header cannot set " + name + ": the message builder sets it (" + owner
                        + ")");
            }
            parsed.add(new String[] {name, header.substring(colon + 1).strip()});
        }
        return parsed;
    }

    /** A {@code --header Message-ID} replaces the builder's own (for threading tests); once, and a real msg-id. */
    private static Optional<String> messageId(List<String[]> headers) throws MessageException {
        Optional<String> found = Optional.empty();
        for (String[] header : headers) {
            if (!header[0].equalsIgnoreCase(MESSAGE_ID)) {
                continue;
            }
            if (found.isPresent()) {
                throw new MessageException("--header Message-ID may be given only once");
            }
            if (!MSG_ID.matcher(header[1]).matches()) {
                throw new MessageException("--header Message-ID must be one <left@right>, got: " + header[1]);
            }
            found = Optional.of(header[1]);
        }
        return found;
    }

    private static List<InternetAddress> addresses(String option, List<String> values) throws MessageException {
        List<InternetAddress> out = new ArrayList<>();
        for (String value : values) {
            out.add(address(option, value));
        }
        return out;
    }

    private static InternetAddress address(String option, String value) throws MessageException {
        try {
            InternetAddress address = new InternetAddress(value, true);
            address.validate();
            if (address.isGroup() || address.getAddress().indexOf('@') < 1) {
                throw new MessageException(option + " is not a mailbox address: " + value);
            }
            if (address.getPersonal() == null) {
                return address;
            }
            // Parsing keeps the display name as typed; rebuilt, a non-ASCII name becomes an RFC 2047 encoded word.
            return new InternetAddress(address.getAddress(), address.getPersonal(), StandardCharsets.UTF_8.name());
        } catch (java.io.UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        } catch (AddressException e) {
            throw new MessageException(option + " is not a valid address: " + value + " (" + e.getMessage() + ")");
        }
    }

    private static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    private static boolean isAscii(String s) {
        return StandardCharsets.US_ASCII.newEncoder().canEncode(s);
    }

    /** A session whose headers may carry UTF-8 ({@code mail.mime.allowutf8}) or not. */
    private static Session session(boolean allowUtf8) {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.allowutf8", Boolean.toString(allowUtf8));
        return Session.getInstance(properties);
    }

    /** A message whose Message-ID is ours (Jakarta Mail would otherwise derive one from the local host name). */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
