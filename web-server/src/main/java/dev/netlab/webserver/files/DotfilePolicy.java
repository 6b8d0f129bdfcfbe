package dev.netlab.webserver.files;

/** What a path segment starting with "." gets (config {@code webserver.dotfiles}). */
public enum DotfilePolicy {
    /** 404, like jwebserver: {@code .git}, {@code .env} stay private. */
    REFUSE,
    /** Served like any other name. */
    SERVE
}
