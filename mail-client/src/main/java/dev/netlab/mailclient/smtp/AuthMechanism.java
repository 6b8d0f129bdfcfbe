package dev.netlab.mailclient.smtp;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The SASL mechanisms the client speaks (RFC 4954). */
public enum AuthMechanism {
    /** RFC 4616: one round trip; the secret is a password (or an app password). */
    PLAIN,
    /** The obsolete but ubiquitous two-prompt exchange; the secret is a password. */
    LOGIN,
    /** Google's and Microsoft's bearer token mechanism; the secret is an OAuth2 access token. */
    XOAUTH2;

    /**
     * Mechanisms {@code auto} chooses among, strongest first. Both carry the password inside TLS; PLAIN does it in
     * one standard step. XOAUTH2 needs a token, not a password, so it is only used when asked for.
     */
    static final List<AuthMechanism> AUTO_PREFERENCE = List.of(PLAIN, LOGIN);

    /** The mechanism to use: {@code forced} if the server offers it, else the strongest offered. */
    public static Optional<AuthMechanism> choose(Optional<AuthMechanism> forced, Set<String> offered) {
        if (forced.isPresent()) {
            return forced.filter(m -> offered.contains(m.name()));
        }
        return AUTO_PREFERENCE.stream().filter(m -> offered.contains(m.name())).findFirst();
    }
}
