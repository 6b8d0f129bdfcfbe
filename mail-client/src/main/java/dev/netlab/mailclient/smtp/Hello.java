package dev.netlab.mailclient.smtp;

import java.util.Optional;

/** The opening of a session: the server's greeting, then EHLO, or HELO when EHLO is refused for good. */
final class Hello {

    private Hello() {
    }

    /** Reads the greeting, which must be 220 (a 554 refuses the session). */
    static Reply greeting(SmtpConnection connection) throws SmtpFailure {
        Reply reply = connection.readReply(Stage.GREETING, SmtpCommand.GREETING, Timeouts.Stage.GREETING);
        if (reply.code() != 220) {
            throw connection.fail(SmtpFailure.refused(Stage.GREETING, "greeting refused", reply));
        }
        return reply;
    }

    /** EHLO, and HELO when the server refuses EHLO with a permanent error; the connection learns the capabilities. */
    static Capabilities hello(SmtpConnection connection, Optional<String> ehloName) throws SmtpFailure {
        String name = ehloName.orElseGet(connection::addressLiteral);
        Reply ehlo = connection.command(Stage.HELLO, SmtpCommand.EHLO, "EHLO " + name, Timeouts.Stage.COMMAND);
        if (ehlo.code() == 250) {
            connection.capabilities(Capabilities.parse(ehlo));
            return connection.capabilities();
        }
        if (ehlo.kind() != Reply.Kind.PERMANENT_NEGATIVE) {
            throw connection.fail(SmtpFailure.refused(Stage.HELLO, "EHLO refused", ehlo));
        }
        Reply helo = connection.command(Stage.HELLO, SmtpCommand.HELO, "HELO " + name, Timeouts.Stage.COMMAND);
        if (helo.code() != 250) {
            throw connection.fail(SmtpFailure.refused(Stage.HELLO, "EHLO and HELO refused", helo));
        }
        connection.capabilities(Capabilities.none());
        return connection.capabilities();
    }
}
