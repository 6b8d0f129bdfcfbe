package dev.netlab.mailclient.service;

import dev.netlab.mailclient.smtp.DeliveryOutcome;
import dev.netlab.mailclient.smtp.SmtpFailure;
import dev.netlab.mailclient.smtp.Stage;

/**
 * Which relay answers defer a message where a plain reading of the reply code would fail it, as postfix does: a
 * session that cannot be set up says nothing about the message, and a relay that breaks the protocol is not a refusal.
 */
final class RelayVerdict {

    private RelayVerdict() {
    }

    /**
     * Whether a session that could not be set up defers its messages: a transient failure does, and so does a 5xx
     * greeting from the relay's last address (postfix's {@code smtp_skip_5xx_greeting}: the earlier addresses were
     * skipped; try later), a TLS failure (postfix defers when TLS is required) and an authentication failure
     * (postfix's {@code smtp_sasl_auth_soft_bounce}): a wrong password or certificate on our side must not fail every
     * waiting message. A refused EHLO and HELO still fails, as in postfix.
     */
    static boolean defers(SmtpFailure failure) {
        return failure.isTransient() || switch (failure.stage()) {
            case GREETING, TLS, AUTH -> true;
            default -> false;
        };
    }

    /** Whether the relay answered DATA with a positive reply other than 354: a protocol error, not a refusal. */
    static boolean brokeProtocol(DeliveryOutcome outcome) {
        return outcome instanceof DeliveryOutcome.Refused refused && refused.stage() == Stage.DATA
                && refused.reply().isPositive();
    }
}
