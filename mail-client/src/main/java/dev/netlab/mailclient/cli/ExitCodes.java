package dev.netlab.mailclient.cli;

import dev.netlab.mailclient.smtp.DeliveryOutcome;
import dev.netlab.mailclient.smtp.Stage;

/** The {@code send} command's exit codes; 21 to 29 mean what they mean in swaks. */
public final class ExitCodes {

    public static final int DELIVERED = 0;
    public static final int PARTIAL = 1;
    public static final int USAGE = 2;
    public static final int CONNECT = 20;
    public static final int GREETING = 21;
    public static final int HELLO = 22;
    public static final int MAIL = 23;
    public static final int RCPT = 24;
    public static final int DATA = 25;
    public static final int AUTH = 28;
    public static final int TLS = 29;

    private ExitCodes() {
    }

    /** The exit code for a failure at {@code stage}. */
    public static int forStage(Stage stage) {
        return switch (stage) {
            case CONNECT -> CONNECT;
            case GREETING -> GREETING;
            case HELLO -> HELLO;
            case TLS -> TLS;
            case AUTH -> AUTH;
            case MAIL -> MAIL;
            case RCPT -> RCPT;
            case DATA -> DATA;
            case MESSAGE -> USAGE;
        };
    }

    public static int forOutcome(DeliveryOutcome outcome) {
        return switch (outcome) {
            case DeliveryOutcome.Delivered d -> DELIVERED;
            case DeliveryOutcome.Stopped s -> DELIVERED;
            case DeliveryOutcome.PartiallyDelivered p -> PARTIAL;
            case DeliveryOutcome.Refused r -> forStage(r.stage());
            case DeliveryOutcome.Failed f -> forStage(f.stage());
        };
    }
}
