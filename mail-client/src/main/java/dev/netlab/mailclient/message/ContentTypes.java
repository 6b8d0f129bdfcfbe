package dev.netlab.mailclient.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * A part's content type from its first bytes and its name: the bytes decide for formats that have a signature (png,
 * jpeg, gif, webp, pdf, zip), the name for text formats (txt, html, csv) whose content holds no NUL byte; anything
 * else, or a name that the bytes contradict, is {@code application/octet-stream}.
 */
public final class ContentTypes {

    public static final String OCTET_STREAM = "application/octet-stream";

    private static final Map<String, String> TEXT_BY_EXTENSION = Map.of(
            "txt", "text/plain", "text", "text/plain", "html", "text/html", "htm", "text/html", "csv", "text/csv");

    private ContentTypes() {
    }

    /** The content type for a file called {@code name} whose content starts with {@code head}. */
    public static String detect(String name, byte[] head) {
        String bySignature = bySignature(head);
        if (bySignature != null) {
            return bySignature;
        }
        String textType = TEXT_BY_EXTENSION.get(extension(name));
        if (textType != null && !containsNul(head)) {
            return textType;
        }
        return OCTET_STREAM;
    }

    private static String bySignature(byte[] h) {
        if (startsWith(h, 0, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})) {
            return "image/png";
        }
        if (startsWith(h, 0, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff})) {
            return "image/jpeg";
        }
        if (startsWith(h, 0, ascii("GIF87a")) || startsWith(h, 0, ascii("GIF89a"))) {
            return "image/gif";
        }
        if (startsWith(h, 0, ascii("RIFF")) && startsWith(h, 8, ascii("WEBP"))) {
            return "image/webp";
        }
        if (startsWith(h, 0, ascii("%PDF-"))) {
            return "application/pdf";
        }
        if (startsWith(h, 0, new byte[] {'P', 'K', 3, 4}) || startsWith(h, 0, new byte[] {'P', 'K', 5, 6})) {
            return "application/zip";
        }
        return null;
    }

    /** Whether the type is text, so the part carries a charset. */
    public static boolean isText(String type) {
        return type.startsWith("text/");
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static boolean containsNul(byte[] head) {
        for (byte b : head) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        return bytes.length >= offset + prefix.length
                && Arrays.equals(bytes, offset, offset + prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
