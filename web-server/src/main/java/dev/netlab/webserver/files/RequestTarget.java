package dev.netlab.webserver.files;

import dev.netlab.webserver.http.HttpException;
import dev.netlab.webserver.http.Status;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request target taken apart for file lookup: the path's segments, each percent-decoded once and checked as
 * strict UTF-8 (overlong forms refused), and the raw query. Origin-form and absolute-form are accepted (RFC 9112
 * section 3.2); authority-form and asterisk-form are not targets of GET.
 *
 * @param segments      decoded segments, empty ones and dot segments included (the resolver normalises)
 * @param trailingSlash whether the path ends with "/", or with a dot segment (which stands for one)
 * @param query         the raw query after "?", or null
 */
public record RequestTarget(List<String> segments, boolean trailingSlash, String query) {

    /**
     * Parses a target of visible ASCII (the head parser guarantees that).
     *
     * @throws HttpException 400 for a malformed target, bad percent-encoding, invalid UTF-8 or a decoded control byte
     */
    public static RequestTarget parse(String target) throws HttpException {
        String path = target;
        if (!path.startsWith("/")) {
            path = absoluteFormPath(path);
        }
        if (path.indexOf('#') >= 0) {
            throw new HttpException(Status.BAD_REQUEST, "Fragment in the request target");
        }
        String query = null;
        int question = path.indexOf('?');
        if (question >= 0) {
            query = path.substring(question + 1);
            path = path.substring(0, question);
        }
        List<String> segments = new ArrayList<>();
        int start = 1;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            segments.add(decode(path, start, end));
            start = end + 1;
        }
        boolean trailingSlash = path.endsWith("/");
        if (trailingSlash) {
            // "/a/" splits into "a" and a final empty segment that names nothing.
            segments.remove(segments.size() - 1);
        } else {
            // RFC 3986 section 5.2.4: a final "." or ".." leaves a "/" ("/a.txt/." is "/a.txt/", as in nginx).
            String last = segments.get(segments.size() - 1);
            trailingSlash = last.equals(".") || last.equals("..");
        }
        return new RequestTarget(List.copyOf(segments), trailingSlash, query);
    }

    private static String absoluteFormPath(String target) throws HttpException {
        int authority = target.regionMatches(true, 0, "http://", 0, 7) ? 7
                : target.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
        if (authority < 0) {
            throw new HttpException(Status.BAD_REQUEST, "Request target must be a path or an absolute URI");
        }
        // The authority names this server; only the path selects a file.
        int slash = target.indexOf('/', authority);
        return slash < 0 ? "/" : target.substring(slash);
    }

    private static String decode(String path, int start, int end) throws HttpException {
        if (path.indexOf('%', start) < 0 || path.indexOf('%', start) >= end) {
            return checkControls(path.substring(start, end));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(end - start);
        for (int i = start; i < end; i++) {
            char c = path.charAt(i);
            if (c != '%') {
                bytes.write(c);
                continue;
            }
            int high = i + 2 < end ? Character.digit(path.charAt(i + 1), 16) : -1;
            int low = i + 2 < end ? Character.digit(path.charAt(i + 2), 16) : -1;
            if (high < 0 || low < 0) {
                throw new HttpException(Status.BAD_REQUEST, "Invalid percent-encoding in the path");
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        try {
            // Strict decoding: overlong forms (%c0%ae for ".") and surrogates are errors, never a "." or "/".
            String decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
            return checkControls(decoded);
        } catch (CharacterCodingException e) {
            throw new HttpException(Status.BAD_REQUEST, "Path is not valid UTF-8");
        }
    }

    private static String checkControls(String segment) throws HttpException {
        // A NUL would truncate a name in C; it and every other control character are refused, not stripped.
        if (hasControl(segment)) {
            throw new HttpException(Status.BAD_REQUEST, "Control character in the path");
        }
        return segment;
    }

    /** Whether {@code name} holds a C0 or C1 control character or DEL: no request can name it. */
    static boolean hasControl(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return true;
            }
        }
        return false;
    }
}
