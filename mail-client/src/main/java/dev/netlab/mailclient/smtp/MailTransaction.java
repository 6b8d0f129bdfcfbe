package dev.netlab.mailclient.smtp;

import dev.netlab.mailclient.smtp.DeliveryOutcome.Delivered;
import dev.netlab.mailclient.smtp.DeliveryOutcome.Failed;
import dev.netlab.mailclient.smtp.DeliveryOutcome.PartiallyDelivered;
import dev.netlab.mailclient.smtp.DeliveryOutcome.Refused;
import dev.netlab.mailclient.smtp.DeliveryOutcome.Stopped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One mail transaction (RFC 5321 section 3.3): local checks against the server's capabilities, MAIL, every RCPT,
 * DATA and the message; RSET first on a session's second and later transactions. With PIPELINING (RFC 2920 section
 * 3.1) RSET, MAIL, every RCPT and DATA go out in one write and the replies are read after, and a transaction that
 * follows another in the same call is written behind its predecessor's data. Without PIPELINING every command waits
 * for its reply.
 */
final class MailTransaction {

    private final SmtpConnection connection;
    private final int index;
    private final OutgoingMessage message;
    private final Stage stopAfter;
    private final List<RecipientResult> unasked;
    private boolean reset;
    private List<String> group;
    private DataEncoder.Encoded data;
    private List<RecipientResult> recipients;

    private MailTransaction(SmtpConnection connection, OutgoingMessage message, Stage stopAfter, int index) {
        this.connection = connection;
        this.index = index;
        this.message = message;
        this.stopAfter = stopAfter;
        List<RecipientResult> none = new ArrayList<>(message.recipients().size());
        for (String recipient : message.recipients()) {
            none.add(new RecipientResult(recipient, Optional.empty()));
        }
        this.unasked = List.copyOf(none);
    }

    /**
     * Runs one transaction per message, in order, on the connection; {@code reset} when the session already had a
     * transaction (the first message then begins with RSET; the others always do). After an I/O failure the
     * remaining messages fail unsent.
     */
    static List<DeliveryOutcome> run(SmtpConnection connection, List<OutgoingMessage> messages, Stage stopAfter,
                                     boolean reset) {
        DeliveryOutcome[] outcomes = new DeliveryOutcome[messages.size()];
        Sequence sequence = new Sequence(connection, messages, stopAfter, outcomes, reset);
        try {
            if (connection.capabilities().pipelining()) {
                sequence.pipelined();
            } else {
                sequence.stepwise();
            }
        } catch (Unsendable e) {
            outcomes[e.index] = e.outcome;
        }
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] == null) {
                outcomes[i] = unusable(messages.get(i));
            }
        }
        return List.of(outcomes);
    }

    /** The outcome when nothing could be attempted. */
    static Failed unusable(OutgoingMessage message) {
        return new Failed(Stage.MAIL, "the session is no longer usable", true,
                message.recipients().stream().map(r -> new RecipientResult(r, Optional.empty())).toList());
    }

    /** An I/O failure ended a transaction: its outcome, after which nothing more is sent on the connection. */
    private static final class Unsendable extends Exception {
        final int index;
        final transient DeliveryOutcome outcome;

        Unsendable(int index, DeliveryOutcome outcome) {
            super(null, null, false, false);
            this.index = index;
            this.outcome = outcome;
        }
    }

    /** The connection failed: what the server said so far is unknown, so every recipient counts as unasked. */
    private Unsendable failed(SmtpFailure e) {
        return new Unsendable(index, new Failed(e.stage(), e.getMessage(), e.isTransient(), unasked));
    }

    /** The messages of one call, their outcomes by index, and whether the next transaction begins with RSET. */
    private static final class Sequence {
        private final SmtpConnection connection;
        private final List<OutgoingMessage> messages;
        private final Stage stopAfter;
        private final DeliveryOutcome[] outcomes;
        private boolean reset;
        private int next;

        Sequence(SmtpConnection connection, List<OutgoingMessage> messages, Stage stopAfter,
                 DeliveryOutcome[] outcomes, boolean reset) {
            this.connection = connection;
            this.messages = messages;
            this.stopAfter = stopAfter;
            this.outcomes = outcomes;
            this.reset = reset;
        }

        /** Lock-step: every command waits for its reply. */
        void stepwise() throws Unsendable {
            for (; next < messages.size(); next++) {
                MailTransaction transaction = new MailTransaction(connection, messages.get(next), stopAfter, next);
                outcomes[next] = transaction.stepwise(reset);
                reset = true;
            }
        }

        /**
         * Pipelined: each transaction's group is written behind its predecessor's data (or, when the predecessor
         * ended without data, after its last reply), so a stream of messages costs one round trip each.
         */
        void pipelined() throws Unsendable {
            MailTransaction inFlight = null;
            while (true) {
                if (inFlight == null) {
                    inFlight = queueNext();
                    if (inFlight == null) {
                        return;
                    }
                    inFlight.flush(Stage.MAIL, Timeouts.Stage.MAIL);
                }
                DeliveryOutcome ended = inFlight.readGroup();
                if (ended != null) {
                    outcomes[inFlight.index] = ended;
                    inFlight = null;
                    continue;
                }
                inFlight.queueData();
                MailTransaction following = queueNext();
                inFlight.flush(Stage.DATA, Timeouts.Stage.DATA_BLOCK);
                outcomes[inFlight.index] = inFlight.readEnd();
                inFlight = following;
            }
        }

        /**
         * Queues the group of the next message that passes its local checks (RSET first unless it is the session's
         * first transaction) and returns its transaction; local refusals on the way become outcomes. Null when no
         * message is left.
         */
        private MailTransaction queueNext() {
            for (; next < messages.size(); next++) {
                MailTransaction transaction = new MailTransaction(connection, messages.get(next), stopAfter, next);
                Failed refused = transaction.prepare();
                boolean resetFirst = reset;
                reset = true;
                if (refused != null) {
                    outcomes[next] = refused;
                    continue;
                }
                transaction.reset = resetFirst;
                if (resetFirst) {
                    connection.queue("RSET");
                }
                for (String line : transaction.group) {
                    connection.queue(line);
                }
                next++;
                return transaction;
            }
            return null;
        }
    }

    private void flush(Stage stage, Timeouts.Stage timeout) throws Unsendable {
        try {
            connection.flush(stage, timeout);
        } catch (SmtpFailure e) {
            throw failed(e);
        }
    }

    /** The local checks and the command group; a refusal when the message cannot be sent to this server. */
    private Failed prepare() {
        try {
            data = DataEncoder.encode(message.contentForSending());
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
        StringBuilder mail = new StringBuilder(64).append("MAIL FROM:<").append(message.sender()).append('>');
        if (capabilities.size().isPresent()) {
            mail.append(" SIZE=").append(size);
        }
        if (eightBit && capabilities.eightBitMime()) {
            mail.append(" BODY=8BITMIME");
        }
        if (utf8) {
            mail.append(" SMTPUTF8");
        }
        group = new ArrayList<>(message.recipients().size() + 2);
        group.add(mail.toString());
        if (stopAfter != Stage.MAIL) {
            for (String recipient : message.recipients()) {
                group.add("RCPT TO:<" + recipient + ">");
            }
            if (stopAfter == Stage.DATA) {
                group.add("DATA");
            }
        }
        return null;
    }

    /**
     * Reads the replies to the group, in order: RSET (when sent), MAIL, each RCPT, DATA. Null when the data is to
     * be sent; otherwise how the transaction ended. When the server accepted DATA though nothing can be delivered
     * (RFC 2920 section 3.1), the data is ended at once with a lone dot.
     */
    private DeliveryOutcome readGroup() throws Unsendable {
        try {
            Reply rset = reset ? connection.readReply(Stage.MAIL, SmtpCommand.RSET, Timeouts.Stage.COMMAND) : null;
            Reply mail = connection.readReply(Stage.MAIL, SmtpCommand.MAIL, Timeouts.Stage.MAIL);
            List<RecipientResult> recipients = new ArrayList<>(message.recipients().size());
            if (stopAfter != Stage.MAIL) {
                for (String recipient : message.recipients()) {
                    Reply reply = connection.readReply(Stage.RCPT, SmtpCommand.RCPT, Timeouts.Stage.RCPT);
                    recipients.add(new RecipientResult(recipient, Optional.of(reply)));
                }
            }
            Reply dataReply = stopAfter == Stage.DATA
                    ? connection.readReply(Stage.DATA, SmtpCommand.DATA, Timeouts.Stage.DATA_INIT) : null;
            boolean resetRefused = rset != null && rset.code() != 250;
            boolean anyAccepted = anyAccepted(recipients);
            if (dataReply != null && dataReply.code() == 354 && (resetRefused || !mail.isPositive() || !anyAccepted)) {
                connection.queue(".");
                connection.flush(Stage.DATA, Timeouts.Stage.DATA_BLOCK);
                connection.readReply(Stage.DATA, SmtpCommand.DOT, Timeouts.Stage.DATA_END);
            }
            if (resetRefused) {
                return new Refused(Stage.MAIL, rset, unasked);
            }
            if (!mail.isPositive()) {
                return new Refused(Stage.MAIL, mail, recipients.isEmpty() ? unasked : List.copyOf(recipients));
            }
            if (stopAfter == Stage.MAIL) {
                return new Stopped(Stage.MAIL, unasked);
            }
            this.recipients = List.copyOf(recipients);
            if (!anyAccepted) {
                return new Refused(Stage.RCPT, recipients.get(recipients.size() - 1).reply().orElseThrow(),
                        this.recipients);
            }
            if (stopAfter == Stage.RCPT) {
                return new Stopped(Stage.RCPT, this.recipients);
            }
            if (dataReply.code() != 354) {
                return new Refused(Stage.DATA, dataReply, this.recipients);
            }
            return null;
        } catch (SmtpFailure e) {
            throw failed(e);
        }
    }

    /** Queues the encoded message (the server said 354); the transaction ends with the reply to its final dot. */
    private void queueData() throws Unsendable {
        connection.observer().messageData(data.bytes(), data.lines(), connection.isTls());
        try {
            connection.queueData(Stage.DATA, data.bytes());
        } catch (SmtpFailure e) {
            throw failed(e);
        }
    }

    /** Reads the reply to the final dot. */
    private DeliveryOutcome readEnd() throws Unsendable {
        Reply end;
        try {
            end = connection.readReply(Stage.DATA, SmtpCommand.DOT, Timeouts.Stage.DATA_END);
        } catch (SmtpFailure e) {
            throw failed(e);
        }
        if (!end.isPositive()) {
            return new Refused(Stage.DATA, end, recipients);
        }
        for (RecipientResult recipient : recipients) {
            if (!recipient.accepted()) {
                return new PartiallyDelivered(end, recipients);
            }
        }
        return new Delivered(end, recipients);
    }

    /** One transaction, every command waiting for its reply (the server does not offer PIPELINING). */
    private DeliveryOutcome stepwise(boolean resetFirst) throws Unsendable {
        Failed refused = prepare();
        if (refused != null) {
            return refused;
        }
        try {
            if (resetFirst) {
                Reply rset = connection.command(Stage.MAIL, SmtpCommand.RSET, "RSET", Timeouts.Stage.COMMAND);
                if (rset.code() != 250) {
                    return new Refused(Stage.MAIL, rset, unasked);
                }
            }
            Reply mail = connection.command(Stage.MAIL, SmtpCommand.MAIL, group.get(0), Timeouts.Stage.MAIL);
            if (!mail.isPositive()) {
                return new Refused(Stage.MAIL, mail, unasked);
            }
            if (stopAfter == Stage.MAIL) {
                return new Stopped(Stage.MAIL, unasked);
            }
            List<RecipientResult> answered = new ArrayList<>(message.recipients().size());
            for (int i = 0; i < message.recipients().size(); i++) {
                Reply reply = connection.command(Stage.RCPT, SmtpCommand.RCPT, group.get(i + 1), Timeouts.Stage.RCPT);
                answered.add(new RecipientResult(message.recipients().get(i), Optional.of(reply)));
            }
            recipients = List.copyOf(answered);
            if (!anyAccepted(recipients)) {
                return new Refused(Stage.RCPT, recipients.get(recipients.size() - 1).reply().orElseThrow(), recipients);
            }
            if (stopAfter == Stage.RCPT) {
                return new Stopped(Stage.RCPT, recipients);
            }
            Reply dataReply = connection.command(Stage.DATA, SmtpCommand.DATA, "DATA", Timeouts.Stage.DATA_INIT);
            if (dataReply.code() != 354) {
                return new Refused(Stage.DATA, dataReply, recipients);
            }
        } catch (SmtpFailure e) {
            throw failed(e);
        }
        queueData();
        flush(Stage.DATA, Timeouts.Stage.DATA_BLOCK);
        return readEnd();
    }

    private static boolean anyAccepted(List<RecipientResult> recipients) {
        for (RecipientResult recipient : recipients) {
            if (recipient.accepted()) {
                return true;
            }
        }
        return false;
    }
}
