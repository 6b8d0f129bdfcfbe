package dev.netlab.mailclient.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/** {@code --ca-file} checked before anything is sent: a readable file holding at least one PEM certificate. */
final class CaFile {

    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";

    private CaFile() {
    }

    static void check(Path file) throws UsageException {
        if (Files.isDirectory(file)) {
            throw new UsageException("--ca-file: " + file + " is a directory, not a PEM file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw FileProblem.unreadable("--ca-file", file, e);
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (text.isBlank()) {
            throw new UsageException("--ca-file: " + file + " is empty");
        }
        if (!text.contains(BEGIN)) {
            throw new UsageException("--ca-file: " + file + " holds no PEM certificate (no " + BEGIN + " line)");
        }
        try {
            if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))
                    .isEmpty()) {
                throw new UsageException("--ca-file: " + file + " holds no readable certificate");
            }
        } catch (CertificateException e) {
            throw new UsageException("--ca-file: " + file + " holds a certificate that cannot be read");
        }
    }
}
