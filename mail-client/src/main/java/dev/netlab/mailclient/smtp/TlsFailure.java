package dev.netlab.mailclient.smtp;

import java.io.IOException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the JDK's TLS exceptions into one line in words a mail user knows ("certificate not trusted: pass --ca-file
 * or --pin-sha256"); the JDK's own text stays on the exception's cause chain for {@code -v}.
 */
public final class TlsFailure {

    private TlsFailure() {
    }

    /** Why the handshake with {@code host} failed, in one line without JDK class names. */
    public static String reason(IOException failure, String host, TlsMode mode) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        String all = String.join("\n", chain.stream().map(t -> String.valueOf(t.getMessage())).toList())
                .toLowerCase(Locale.ROOT);
        if (chain.stream().anyMatch(t -> t instanceof CertificateExpiredException)) {
            return "the server's certificate has expired";
        }
        if (chain.stream().anyMatch(t -> t instanceof CertificateNotYetValidException)) {
            return "the server's certificate is not valid yet";
        }
        if (chain.stream().anyMatch(t -> t instanceof CertPathBuilderException || t instanceof CertPathValidatorException)
                || all.contains("pkix path")) {
            return "certificate not trusted: pass --ca-file or --pin-sha256";
        }
        if (all.contains("no subject alternative") || all.contains("no name matching")) {
            return "the certificate is not valid for " + host;
        }
        if (all.contains("protocol_version") || all.contains("protocol version")) {
            return "the server speaks only TLS 1.1 or older";
        }
        if (all.contains("unsupported or unrecognized ssl message")) {
            return mode == TlsMode.IMPLICIT ? "this port does not speak TLS: try --tls starttls"
                    : "the server answered in plain text instead of TLS";
        }
        if (all.contains("handshake_failure")) {
            return "no TLS version or cipher in common with the server";
        }
        return plain(chain.get(chain.size() - 1).getMessage() != null
                ? chain.get(chain.size() - 1).getMessage() : failure.toString());
    }

    /** The message without the alert prefix {@code (certificate_unknown) } or a leading class name. */
    private static String plain(String message) {
        return message.replaceFirst("^\\([a-z_]+\\) ", "").replaceFirst("^([a-z]+\\.)+[A-Za-z0-9_$]+: ", "");
    }
}
