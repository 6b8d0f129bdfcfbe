package dev.netlab.mailclient.smtp;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/** What a pin does not check: a pinned key is accepted whatever its certificate's dates, so the user is told. */
public final class PinnedCertificate {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private PinnedCertificate() {
    }

    /** A warning when {@code options} pin the key and the server's certificate is out of its validity period. */
    public static Optional<String> expiryWarning(SSLSocket socket, TlsOptions options) {
        if (options.pinSha256().isEmpty()) {
            return Optional.empty();
        }
        Certificate[] chain;
        try {
            chain = socket.getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        if (leaf.getNotAfter().toInstant().isBefore(now)) {
            return Optional.of("the server's certificate expired on " + DATE.format(leaf.getNotAfter().toInstant())
                    + "; accepted because its key matches --pin-sha256");
        }
        if (leaf.getNotBefore().toInstant().isAfter(now)) {
            return Optional.of("the server's certificate is valid only from "
                    + DATE.format(leaf.getNotBefore().toInstant()) + "; accepted because its key matches --pin-sha256");
        }
        return Optional.empty();
    }
}
