package dev.netlab.webserver.http;

/** Turns a request head into a response; the connection loop owns everything around it. */
@FunctionalInterface
public interface RequestHandler {

    /**
     * Answers one request.
     *
     * @throws HttpException for a request that is malformed beyond its head (a bad target): answered, then closed
     */
    Response handle(RequestHead head) throws HttpException;
}
