package dev.netlab.mailclient.smtp;

import java.util.Locale;

/** What a reply answers; its label is the {@code command} label of {@code mailclient_smtp_replies_total}. */
public enum SmtpCommand {
    GREETING, EHLO, HELO, STARTTLS, AUTH, MAIL, RCPT, DATA, DATA_END, RSET, QUIT;

    /** {@code data_end}: lower case, bounded, safe as a metric label. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
