package dev.netlab.mailclient.smtp;

import java.util.List;
import java.util.Optional;

/** What became of one message. */
public sealed interface DeliveryOutcome {

    /** Every recipient, with the server's reply to its RCPT where there was one. */
    List<RecipientResult> recipients();

    /** Whether trying again later may succeed (a 4yz reply, a timeout, a lost connection). */
    boolean isTransient();

    /** The server took the message for every recipient; {@code reply} is the final 250 with its queue id. */
    record Delivered(Reply reply, List<RecipientResult> recipients) implements DeliveryOutcome {
        public Delivered {
            recipients = List.copyOf(recipients);
        }

        @Override
        public boolean isTransient() {
            return false;
        }
    }

    /** The server took the message for some recipients and refused the others (see each {@link RecipientResult}). */
    record PartiallyDelivered(Reply reply, List<RecipientResult> recipients) implements DeliveryOutcome {
        public PartiallyDelivered {
            recipients = List.copyOf(recipients);
        }

        @Override
        public boolean isTransient() {
            return recipients.stream().filter(r -> !r.accepted())
                    .allMatch(r -> r.reply().map(Reply::isTransient).orElse(true));
        }
    }

    /** The server said no at {@code stage} (MAIL, RCPT for every recipient, DATA or after the final dot). */
    record Refused(Stage stage, Reply reply, List<RecipientResult> recipients) implements DeliveryOutcome {
        public Refused {
            recipients = List.copyOf(recipients);
        }

        @Override
        public boolean isTransient() {
            if (stage == Stage.RCPT) {
                return recipients.stream().allMatch(r -> r.reply().map(Reply::isTransient).orElse(true));
            }
            return reply.isTransient();
        }
    }

    /**
     * Not delivered without a refusal: a local check failed ({@link Stage#MESSAGE}), a stage timed out, the server
     * broke the protocol or went away.
     */
    record Failed(Stage stage, String reason, boolean isTransient, List<RecipientResult> recipients)
            implements DeliveryOutcome {
        public Failed {
            recipients = List.copyOf(recipients);
        }
    }

    /** Stopped as asked (the command's {@code --quit-after mail|rcpt}) after {@code stage} succeeded; nothing sent. */
    record Stopped(Stage stage, List<RecipientResult> recipients) implements DeliveryOutcome {
        public Stopped {
            recipients = List.copyOf(recipients);
        }

        @Override
        public boolean isTransient() {
            return false;
        }
    }

    /** The final reply, when the server gave one. */
    default Optional<Reply> finalReply() {
        return switch (this) {
            case Delivered d -> Optional.of(d.reply());
            case PartiallyDelivered p -> Optional.of(p.reply());
            case Refused r -> Optional.of(r.reply());
            case Failed f -> Optional.empty();
            case Stopped s -> Optional.empty();
        };
    }
}
