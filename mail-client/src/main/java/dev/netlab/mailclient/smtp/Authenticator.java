package dev.netlab.mailclient.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * AUTH (RFC 4954) with the mechanisms we speak: PLAIN, LOGIN, XOAUTH2. Never without TLS; a secret goes onto the
 * wire straight from a wiped buffer and the observer sees {@code <redacted>} in its place.
 */
final class Authenticator {

    private final SmtpConnection connection;

    private Authenticator(SmtpConnection connection) {
        this.connection = connection;
    }

    /**
     * Authenticates with {@code credentials}: the forced mechanism, else the strongest the server offers. A refusal
     * (535) names the server's code and text, never the secret.
     */
    static void authenticate(SmtpConnection connection, Credentials credentials, Optional<AuthMechanism> forced)
            throws SmtpFailure {
        Capabilities capabilities = connection.capabilities();
        if (!connection.isTls()) {
            connection.quitQuietly();
            throw new SmtpFailure(Stage.AUTH, "refusing to authenticate without TLS", Optional.empty(), false, null);
        }
        if (capabilities.authMechanisms().isEmpty()) {
            connection.quitQuietly();
            throw new SmtpFailure(Stage.AUTH, "the server offers no AUTH", Optional.empty(), false, null);
        }
        Optional<AuthMechanism> chosen = AuthMechanism.choose(forced, capabilities.authMechanisms());
        if (chosen.isEmpty()) {
            connection.quitQuietly();
            String wanted = forced.map(m -> "AUTH " + m).orElse("AUTH PLAIN or LOGIN");
            throw new SmtpFailure(Stage.AUTH, "the server does not offer " + wanted + " (it offers "
                    + String.join(" ", capabilities.authMechanisms()) + ")", Optional.empty(), false, null);
        }
        Authenticator authenticator = new Authenticator(connection);
        Reply reply = switch (chosen.get()) {
            case PLAIN -> authenticator.plain(credentials);
            case LOGIN -> authenticator.login(credentials);
            case XOAUTH2 -> authenticator.xoauth2(credentials);
        };
        if (reply.code() != 235) {
            throw connection.fail(SmtpFailure.refused(Stage.AUTH, "authentication failed", reply));
        }
    }

    private Reply plain(Credentials credentials) throws SmtpFailure {
        byte[] user = credentials.user().getBytes(StandardCharsets.UTF_8);
        byte[] secret = secretBytes(credentials);
        byte[] message = new byte[user.length + secret.length + 2];
        System.arraycopy(user, 0, message, 1, user.length);
        System.arraycopy(secret, 0, message, user.length + 2, secret.length);
        try {
            return secretCommand("AUTH PLAIN ", message, "AUTH PLAIN <redacted>");
        } finally {
            Arrays.fill(secret, (byte) 0);
            Arrays.fill(message, (byte) 0);
        }
    }

    private Reply login(Credentials credentials) throws SmtpFailure {
        Reply reply = connection.command(Stage.AUTH, SmtpCommand.AUTH, "AUTH LOGIN", Timeouts.Stage.COMMAND);
        if (reply.code() != 334) {
            return reply;
        }
        reply = connection.command(Stage.AUTH, SmtpCommand.AUTH,
                Base64.getEncoder().encodeToString(credentials.user().getBytes(StandardCharsets.UTF_8)),
                Timeouts.Stage.COMMAND);
        if (reply.code() != 334) {
            return reply;
        }
        byte[] secret = secretBytes(credentials);
        try {
            return secretCommand("", secret, "<redacted>");
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private Reply xoauth2(Credentials credentials) throws SmtpFailure {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes(("user=" + credentials.user() + "\u0001auth=Bearer ").getBytes(StandardCharsets.UTF_8));
        byte[] token = secretBytes(credentials);
        message.writeBytes(token);
        message.writeBytes(new byte[] {1, 1});
        byte[] bytes = message.toByteArray();
        Reply reply;
        try {
            reply = secretCommand("AUTH XOAUTH2 ", bytes, "AUTH XOAUTH2 <redacted>");
        } finally {
            Arrays.fill(token, (byte) 0);
            Arrays.fill(bytes, (byte) 0);
        }
        if (reply.code() == 334) {
            // The server explains the failure in a base64 JSON challenge and waits for an empty line before 535.
            try {
                connection.observer().note("XOAUTH2 error: " + new String(Base64.getDecoder().decode(
                        reply.text().trim()), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                connection.observer().note("XOAUTH2 challenge is not base64");
            }
            reply = connection.command(Stage.AUTH, SmtpCommand.AUTH, "", Timeouts.Stage.COMMAND);
        }
        return reply;
    }

    private static byte[] secretBytes(Credentials credentials) {
        char[] secret = credentials.secret();
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secret));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        Arrays.fill(secret, '\0');
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    /** Sends {@code prefix + base64(secret)}, showing only {@code shown}. */
    private Reply secretCommand(String prefix, byte[] secret, String shown) throws SmtpFailure {
        byte[] encoded = Base64.getEncoder().encode(secret);
        byte[] line = new byte[prefix.length() + encoded.length + 2];
        System.arraycopy(prefix.getBytes(StandardCharsets.US_ASCII), 0, line, 0, prefix.length());
        System.arraycopy(encoded, 0, line, prefix.length(), encoded.length);
        line[line.length - 2] = '\r';
        line[line.length - 1] = '\n';
        try {
            connection.observer().sent(shown, connection.isTls());
            connection.write(Stage.AUTH, line, Timeouts.Stage.COMMAND);
        } finally {
            Arrays.fill(encoded, (byte) 0);
            Arrays.fill(line, (byte) 0);
        }
        return connection.readReply(Stage.AUTH, SmtpCommand.AUTH, Timeouts.Stage.COMMAND);
    }
}
