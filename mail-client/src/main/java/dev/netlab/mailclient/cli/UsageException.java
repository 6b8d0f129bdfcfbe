package dev.netlab.mailclient.cli;

/** A command line that cannot work: exit 2 with one line naming the option. */
public final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
