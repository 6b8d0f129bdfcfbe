package dev.netlab.webserver.files;

import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.Headers;
import dev.netlab.webserver.http.HttpException;
import dev.netlab.webserver.http.Preconditions;
import dev.netlab.webserver.http.RequestHandler;
import dev.netlab.webserver.http.RequestHead;
import dev.netlab.webserver.http.Response;
import dev.netlab.webserver.http.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * GET and HEAD of files under the root: 200 with the file, 301 from "/dir" to "/dir/", index.html or a listing for a
 * directory, 404 for everything else. A file is opened per request, except a small one whose bytes the
 * {@link FileCache} holds and whose stat (made by the resolver for this request) shows it unchanged: a file changed
 * on disk is never served stale.
 */
public final class StaticFileHandler implements RequestHandler {

    private static final Logger LOG = Logger.getLogger(StaticFileHandler.class.getName());

    // A constant set: FileChannel.open(path, READ) builds and hashes a new one on every call.
    private static final Set<OpenOption> READ_ONLY = Set.of(StandardOpenOption.READ);

    private final PathResolver resolver;
    private final boolean listing;
    private final FileCache cache;

    /** A handler whose cache tells settled files by {@code clock} (the wall clock: file times are wall-clock times). */
    public StaticFileHandler(PathResolver resolver, boolean listing, Clock clock) {
        this(resolver, listing, new FileCache(clock));
    }

    StaticFileHandler(PathResolver resolver, boolean listing, FileCache cache) {
        this.resolver = resolver;
        this.listing = listing;
        this.cache = cache;
    }

    @Override
    public Response handle(RequestHead head) throws HttpException {
        RequestTarget target = RequestTarget.parse(head.target());
        return switch (resolver.resolve(target.segments())) {
            case Resolution.NotFound notFound -> notFound();
            // "/page.html/" names a directory that does not exist.
            case Resolution.File file -> target.trailingSlash() ? notFound() : conditional(head, file);
            case Resolution.Directory directory -> directory(head, directory, target);
        };
    }

    private Response directory(RequestHead head, Resolution.Directory directory, RequestTarget target) {
        if (!target.trailingSlash() && !directory.segments().isEmpty()) {
            // Relative links in the page resolve against "/dir/", not "/"; the query goes along.
            String location = PathEncoding.path(directory.segments()) + "/"
                    + (target.query() == null ? "" : "?" + target.query());
            return new Response(Status.MOVED_PERMANENTLY, new Headers().add("Location", location),
                    Body.EMPTY);
        }
        if (resolver.child(directory, "index.html") instanceof Resolution.File index) {
            return conditional(head, index);
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

    /**
     * Evaluates the request's preconditions against the validators of the resolver's stat, so a 304 or 412 never
     * opens the file (nor reads the cache); else serves it.
     */
    private Response conditional(RequestHead head, Resolution.File file) {
        Instant modified = file.attributes().lastModifiedTime().toInstant();
        String etag = FileRepresentation.etag(modified, file.attributes().size());
        return switch (Preconditions.evaluate(head, etag, modified)) {
            case PROCEED -> serve(file);
            case NOT_MODIFIED -> new Response(Status.NOT_MODIFIED,
                    FileRepresentation.validators(new Headers(), etag, modified, cache.clock().instant()), Body.EMPTY);
            case PRECONDITION_FAILED -> Response.error(Status.PRECONDITION_FAILED, null);
        };
    }

    private Response serve(Resolution.File file) {
        FileRepresentation cached = cache.lookup(file.path(), file.attributes());
        if (cached != null) {
            return ok(cached);
        }
        boolean cacheable = cache.cacheable(file.attributes());
        FileChannel channel;
        try {
            channel = FileChannel.open(file.path(), READ_ONLY);
        } catch (IOException e) {
            // Deleted or made unreadable since it was resolved.
            return notFound();
        }
        try {
            String name = file.path().getFileName().toString();
            Instant modified = file.attributes().lastModifiedTime().toInstant();
            if (cacheable) {
                FileRepresentation read = readSmall(file, channel, name, modified);
                if (read != null) {
                    return ok(read);
                }
            }
            return ok(FileRepresentation.of(channel, name, channel.size(), modified));
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

    /**
     * Reads a small file whole and caches it when a second stat shows the same file as the resolver's (nothing was
     * written meanwhile); then the channel is closed. Null, the channel still open, when the file changed or the cache
     * is full (then the file is sent from the channel as any other).
     */
    private FileRepresentation readSmall(Resolution.File file, FileChannel channel, String name, Instant modified)
            throws IOException {
        int size = (int) file.attributes().size();
        ByteBuffer bytes = ByteBuffer.allocate(size);
        long position = 0;
        while (bytes.hasRemaining()) {
            int n = channel.read(bytes, position);
            if (n < 0) {
                return null;
            }
            position += n;
        }
        BasicFileAttributes after;
        try {
            after = Files.readAttributes(file.path(), BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
        if (channel.size() != size) {
            return null;
        }
        FileRepresentation representation = FileRepresentation.of(bytes.array(), name, modified);
        if (!cache.put(file.path(), file.attributes(), after, representation)) {
            return null;
        }
        channel.close();
        return representation;
    }

    private Response ok(FileRepresentation representation) {
        return new Response(Status.OK, representation.headers(cache.clock().instant()), representation.body());
    }

    private static Response notFound() {
        return Response.error(Status.NOT_FOUND, null);
    }
}
