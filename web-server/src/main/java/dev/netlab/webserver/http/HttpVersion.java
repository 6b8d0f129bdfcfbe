package dev.netlab.webserver.http;

/** The protocol versions a request line may name and this server accepts. */
public enum HttpVersion {
    HTTP_1_0,
    HTTP_1_1
}
