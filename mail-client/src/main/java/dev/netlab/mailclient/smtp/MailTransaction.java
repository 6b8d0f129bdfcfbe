package dev.netlab.mailclient.smtp;

import dev.netlab.mailclient.smtp.DeliveryOutcome.Delivered;
import dev.netlab.mailclient.smtp.DeliveryOutcome.Failed;
import dev.netlab.mailclient.smtp.DeliveryOutcome.PartiallyDelivered;
import dev.netlab.mailclient.smtp.DeliveryOutcome.Refused;
import dev.netlab.mailclient.smtp.DeliveryOutcome.Stopped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One mail transaction (RFC 5321 section 3.3): local checks against the server's capabilities, MAIL, every RCPT,
 * DATA and the message. With PIPELINING, MAIL, every RCPT and DATA go out in one write (RFC 2920 section 3.1).
 */
final class MailTransaction {

    private static final int DATA_CHUNK = 64 * 1024;

    private final SmtpConnection connection;
    private final OutgoingMessage message;
    private final Stage stopAfter;
    private final List<RecipientResult> unasked;

    private MailTransaction(SmtpConnection connection, OutgoingMessage message, Stage stopAfter) {
        this.connection = connection;
        this.message = message;
        this.stopAfter = stopAfter;
        this.unasked = message.recipients().stream().map(r -> new RecipientResult(r, Optional.empty())).toList();
    }

    /** Runs the transaction; RSET first when {@code reset} (a session's second and later messages). */
    static DeliveryOutcome run(SmtpConnection connection, OutgoingMessage message, Stage stopAfter, boolean reset) {
        MailTransaction transaction = new MailTransaction(connection, message, stopAfter);
        try {
            return transaction.run(reset);
        } catch (SmtpFailure e) {
            return new Failed(e.stage(), e.getMessage(), e.isTransient(), transaction.unasked);
        }
    }

    /** The outcome when nothing could be attempted. */
    static Failed unusable(OutgoingMessage message) {
        return new Failed(Stage.MAIL, "the session is no longer usable", true,
                message.recipients().stream().map(r -> new RecipientResult(r, Optional.empty())).toList());
    }

    private DeliveryOutcome run(boolean reset) throws SmtpFailure {
        if (reset) {
            Reply rset = connection.command(Stage.MAIL, SmtpCommand.RSET, "RSET", Timeouts.Stage.COMMAND);
            if (rset.code() != 250) {
                return new Refused(Stage.MAIL, rset, unasked);
            }
        }
        DataEncoder.Encoded data;
        try {
            data = DataEncoder.encode(message.content());
        } catch (IllegalArgumentException e) {
            return new Failed(Stage.MESSAGE, "message not sent: " + e.getMessage(), false, unasked);
        }
        Capabilities capabilities = connection.capabilities();
        boolean utf8 = message.needsSmtpUtf8();
        boolean eightBit = message.needsEightBit();
        if (utf8 && !capabilities.smtpUtf8()) {
            return new Failed(Stage.MESSAGE, "message not sent: a non-ASCII address needs SMTPUTF8, which the server"
                    + " does not offer", false, unasked);
        }
        if (eightBit && !utf8 && !capabilities.eightBitMime()) {
            return new Failed(Stage.MESSAGE, "message not sent: 8-bit content needs 8BITMIME, which the server does"
                    + " not offer", false, unasked);
        }
        long size = data.bytes().length;
        if (capabilities.size().isPresent() && capabilities.size().getAsLong() > 0
                && size > capabilities.size().getAsLong()) {
            return new Failed(Stage.MESSAGE, "message not sent: " + size + " octets exceed the server's SIZE limit of "
                    + capabilities.size().getAsLong(), false, unasked);
        }
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(message.sender()).append('>');
        if (capabilities.size().isPresent()) {
            mail.append(" SIZE=").append(size);
        }
        if (eightBit && capabilities.eightBitMime()) {
            mail.append(" BODY=8BITMIME");
        }
        if (utf8) {
            mail.append(" SMTPUTF8");
        }
        List<String> group = new ArrayList<>();
        group.add(mail.toString());
        if (stopAfter != Stage.MAIL) {
            message.recipients().forEach(r -> group.add("RCPT TO:<" + r + ">"));
            if (stopAfter == Stage.DATA) {
                group.add("DATA");
            }
        }
        return capabilities.pipelining() ? pipelined(group, data) : stepwise(group, data);
    }

    private DeliveryOutcome pipelined(List<String> group, DataEncoder.Encoded data) throws SmtpFailure {
        connection.writeLines(Stage.MAIL, group, Timeouts.Stage.MAIL);
        Reply mail = connection.readReply(Stage.MAIL, SmtpCommand.MAIL, Timeouts.Stage.MAIL);
        List<RecipientResult> recipients = new ArrayList<>();
        if (stopAfter != Stage.MAIL) {
            for (String recipient : message.recipients()) {
                Reply reply = connection.readReply(Stage.RCPT, SmtpCommand.RCPT, Timeouts.Stage.RCPT);
                recipients.add(new RecipientResult(recipient, Optional.of(reply)));
            }
        }
        Reply dataReply = stopAfter == Stage.DATA
                ? connection.readReply(Stage.DATA, SmtpCommand.DATA, Timeouts.Stage.DATA_INIT) : null;
        boolean anyAccepted = recipients.stream().anyMatch(RecipientResult::accepted);
        if (dataReply != null && dataReply.code() == 354 && (!mail.isPositive() || !anyAccepted)) {
            // RFC 2920 section 3.1: DATA was accepted though nothing can be delivered; end it with an empty message.
            connection.writeLines(Stage.DATA, List.of("."), Timeouts.Stage.DATA_BLOCK);
            connection.readReply(Stage.DATA, SmtpCommand.DOT, Timeouts.Stage.DATA_END);
        }
        if (!mail.isPositive()) {
            return new Refused(Stage.MAIL, mail, recipients.isEmpty() ? unasked : recipients);
        }
        if (stopAfter == Stage.MAIL) {
            return new Stopped(Stage.MAIL, unasked);
        }
        if (!anyAccepted) {
            return new Refused(Stage.RCPT, recipients.get(recipients.size() - 1).reply().orElseThrow(), recipients);
        }
        if (stopAfter == Stage.RCPT) {
            return new Stopped(Stage.RCPT, recipients);
        }
        return data(dataReply, data, recipients);
    }

    private DeliveryOutcome stepwise(List<String> group, DataEncoder.Encoded data) throws SmtpFailure {
        Reply mail = connection.command(Stage.MAIL, SmtpCommand.MAIL, group.get(0), Timeouts.Stage.MAIL);
        if (!mail.isPositive()) {
            return new Refused(Stage.MAIL, mail, unasked);
        }
        if (stopAfter == Stage.MAIL) {
            return new Stopped(Stage.MAIL, unasked);
        }
        List<RecipientResult> recipients = new ArrayList<>();
        for (int i = 0; i < message.recipients().size(); i++) {
            Reply reply = connection.command(Stage.RCPT, SmtpCommand.RCPT, group.get(i + 1), Timeouts.Stage.RCPT);
            recipients.add(new RecipientResult(message.recipients().get(i), Optional.of(reply)));
        }
        if (recipients.stream().noneMatch(RecipientResult::accepted)) {
            return new Refused(Stage.RCPT, recipients.get(recipients.size() - 1).reply().orElseThrow(), recipients);
        }
        if (stopAfter == Stage.RCPT) {
            return new Stopped(Stage.RCPT, recipients);
        }
        Reply dataReply = connection.command(Stage.DATA, SmtpCommand.DATA, "DATA", Timeouts.Stage.DATA_INIT);
        return data(dataReply, data, recipients);
    }

    private DeliveryOutcome data(Reply dataReply, DataEncoder.Encoded data, List<RecipientResult> recipients)
            throws SmtpFailure {
        if (dataReply.code() != 354) {
            return new Refused(Stage.DATA, dataReply, recipients);
        }
        byte[] bytes = data.bytes();
        connection.observer().messageData(bytes, data.lines(), connection.isTls());
        for (int offset = 0; offset < bytes.length; offset += DATA_CHUNK) {
            byte[] chunk = Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + DATA_CHUNK));
            connection.write(Stage.DATA, chunk, Timeouts.Stage.DATA_BLOCK);
        }
        Reply end = connection.readReply(Stage.DATA, SmtpCommand.DOT, Timeouts.Stage.DATA_END);
        if (!end.isPositive()) {
            return new Refused(Stage.DATA, end, recipients);
        }
        boolean all = recipients.stream().allMatch(RecipientResult::accepted);
        return all ? new Delivered(end, recipients) : new PartiallyDelivered(end, recipients);
    }
}
