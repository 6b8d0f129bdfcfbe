package dev.netlab.mailclient.smtp;

/** Where in a session something happened; failures are reported (and exit codes chosen) by stage. */
public enum Stage {
    CONNECT, GREETING, HELLO, TLS, AUTH, MAIL, RCPT, DATA,
    /** Local checks of the message before MAIL: over the server's SIZE, 8-bit or UTF-8 data the server cannot take. */
    MESSAGE
}
