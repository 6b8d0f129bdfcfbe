package dev.netlab.webserver.http;

import java.util.Locale;

/**
 * The Expect field (RFC 9110 section 10.1.1) for a server that wants no request bodies: it never sends 100 Continue,
 * so a client waiting for it gets the final status at once instead of a hang, and its body is never read.
 */
public final class Expectation {

    private Expectation() {
    }

    /**
     * Whether {@code head}'s body is to be left unread (the connection then closes after the answer): a body the
     * client holds back until 100 Continue. False without Expect, without a body, and for HTTP/1.0 (which must
     * ignore 100-continue).
     *
     * @throws HttpException 417 for an expectation other than 100-continue; 413 for a declared body beyond
     *                       {@code bodyLimit}
     */
    public static boolean leavesBodyUnread(RequestHead head, long bodyLimit) throws HttpException {
        if (head.headers().count("Expect") == 0) {
            return false;
        }
        for (String value : head.headers().all("Expect")) {
            for (String member : value.split(",")) {
                String expectation = member.strip().toLowerCase(Locale.ROOT);
                if (!expectation.isEmpty() && !expectation.equals("100-continue")) {
                    throw new HttpException(Status.EXPECTATION_FAILED, "Only 100-continue is understood");
                }
            }
        }
        if (head.version() == HttpVersion.HTTP_1_0) {
            return false;
        }
        return switch (head.framing()) {
            case BodyFraming.None none -> false;
            case BodyFraming.Length length when length.length() == 0 -> false;
            case BodyFraming.Length length when length.length() > bodyLimit ->
                    throw new HttpException(Status.CONTENT_TOO_LARGE, "Request body too large");
            case BodyFraming.Length length -> true;
            case BodyFraming.Chunked chunked -> true;
        };
    }
}
