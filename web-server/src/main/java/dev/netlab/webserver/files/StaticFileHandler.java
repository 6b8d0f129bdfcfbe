package dev.netlab.webserver.files;

import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.Headers;
import dev.netlab.webserver.http.HttpException;
import dev.netlab.webserver.http.RequestHandler;
import dev.netlab.webserver.http.RequestHead;
import dev.netlab.webserver.http.Response;
import dev.netlab.webserver.http.Status;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * GET and HEAD of files under the root: 200 with the file, 301 from "/dir" to "/dir/", index.html or a listing for a
 * directory, 404 for everything else. Nothing is cached: every request opens the file, so a file changed on disk is
 * never served stale.
 */
public final class StaticFileHandler implements RequestHandler {

    private static final Logger LOG = Logger.getLogger(StaticFileHandler.class.getName());

    // A constant set: FileChannel.open(path, READ) builds and hashes a new one on every call.
    private static final Set<OpenOption> READ_ONLY = Set.of(StandardOpenOption.READ);

    private final PathResolver resolver;
    private final boolean listing;

    public StaticFileHandler(PathResolver resolver, boolean listing) {
        this.resolver = resolver;
        this.listing = listing;
    }

    @Override
    public Response handle(RequestHead head) throws HttpException {
        RequestTarget target = RequestTarget.parse(head.target());
        return switch (resolver.resolve(target.segments())) {
            case Resolution.NotFound notFound -> notFound();
            // "/page.html/" names a directory that does not exist.
            case Resolution.File file -> target.trailingSlash() ? notFound() : serve(file);
            case Resolution.Directory directory -> directory(directory, target);
        };
    }

    private Response directory(Resolution.Directory directory, RequestTarget target) {
        if (!target.trailingSlash() && !directory.segments().isEmpty()) {
            // Relative links in the page resolve against "/dir/", not "/"; the query goes along.
            String location = PathEncoding.path(directory.segments()) + "/"
                    + (target.query() == null ? "" : "?" + target.query());
            return new Response(Status.MOVED_PERMANENTLY, new Headers().add("Location", location),
                    Body.EMPTY);
        }
        if (resolver.child(directory, "index.html") instanceof Resolution.File index) {
            return serve(index);
        }
        if (!listing) {
            return notFound();
        }
        try {
            return new Response(Status.OK, new Headers().add("Content-Type", "text/html; charset=utf-8"),
                    new Body.Bytes(DirectoryListing.render(directory, resolver)));
        } catch (IOException e) {
            return notFound();
        }
    }

    private Response serve(Resolution.File file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file.path(), READ_ONLY);
        } catch (IOException e) {
            // Deleted or made unreadable since it was resolved.
            return notFound();
        }
        try {
            FileRepresentation representation = FileRepresentation.of(channel, file.path().getFileName().toString(),
                    channel.size(), file.attributes().lastModifiedTime().toInstant());
            return new Response(Status.OK, representation.headers(), representation.body());
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot read the size of an open file", e);
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing
            }
            return notFound();
        }
    }

    private static Response notFound() {
        return Response.error(Status.NOT_FOUND, null);
    }
}
