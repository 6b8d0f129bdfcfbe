package dev.netlab.mailclient.message;

/** The message cannot be built as asked: a bad address, a header with CR or LF, an unreadable file. */
public final class MessageException extends Exception {

    public MessageException(String message) {
        super(message);
    }

    public MessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
