package dev.netlab.mailclient.smtp;

/**
 * What a reply answers; its name is the {@code command} label of {@code mailclient_smtp_replies_total}: the SMTP
 * verb as it goes on the wire, GREETING for the server's opening line and DOT for the reply to the data's final dot.
 */
public enum SmtpCommand {
    GREETING, EHLO, HELO, STARTTLS, AUTH, MAIL, RCPT, DATA, DOT, RSET, QUIT;

    /** The label value: bounded, upper case as the contract lists it. */
    public String label() {
        return name();
    }
}
