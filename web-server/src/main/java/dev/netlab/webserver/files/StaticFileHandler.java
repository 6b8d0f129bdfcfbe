package dev.netlab.webserver.files;

import dev.netlab.webserver.http.AcceptEncoding;
import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.ByteRanges;
import dev.netlab.webserver.http.Headers;
import dev.netlab.webserver.http.HttpException;
import dev.netlab.webserver.http.IfRange;
import dev.netlab.webserver.http.KeptFile;
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
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * GET and HEAD of files under the root: 200 with the file, 301 from "/dir" to "/dir/", index.html or a listing for a
 * directory, 404 for everything else. A file is opened per request, except a small one whose bytes the
 * {@link FileCache} holds and whose stat shows it unchanged. The stat is made by the resolver for this request, or
 * reused from an earlier request for the same target less than the policy's check interval ago: a file changed on
 * disk is served as before for at most that interval (never as new bytes under the old validators). A file with
 * precompressed siblings is sent in the coding the client prefers, and a GET with a Range gets the ranges of the
 * representation it selected ({@link RangeResponses}).
 */
public final class StaticFileHandler implements RequestHandler {

    /**
     * Cached files larger than the answer buffer stay open to be sent with sendfile, each with up to
     * {@link KeptFile#CHANNELS} channels, this many descriptors in all: the descriptor budget keeps room for them.
     */
    public static final int DESCRIPTORS_KEPT_OPEN = 64;

    private static final Logger LOG = Logger.getLogger(StaticFileHandler.class.getName());

    // A constant set: FileChannel.open(path, READ) builds and hashes a new one on every call.
    private static final Set<OpenOption> READ_ONLY = Set.of(StandardOpenOption.READ);

    private final PathResolver resolver;
    private final ServingPolicy policy;
    private final FileCache cache;
    private final AbsentSiblings absentSiblings;
    private final TargetRoutes routes;
    /** How long a target's stat is reused, in milliseconds (0: a stat per request). */
    private final long checkIntervalMillis;

    /** A handler whose cache tells settled files by {@code clock} (the wall clock: file times are wall-clock times). */
    public StaticFileHandler(PathResolver resolver, boolean listing, Clock clock) {
        this(resolver, ServingPolicy.of(listing), clock);
    }

    /** A handler serving files under {@code policy}. */
    public StaticFileHandler(PathResolver resolver, ServingPolicy policy, Clock clock) {
        this(resolver, policy, new FileCache(clock));
    }

    StaticFileHandler(PathResolver resolver, boolean listing, FileCache cache) {
        this(resolver, ServingPolicy.of(listing), cache);
    }

    StaticFileHandler(PathResolver resolver, ServingPolicy policy, FileCache cache) {
        this.resolver = resolver;
        this.policy = policy;
        this.cache = cache;
        this.absentSiblings = new AbsentSiblings(cache.clock());
        this.routes = new TargetRoutes(resolver, policy.cacheControl());
        this.checkIntervalMillis = policy.fileCheckInterval().toMillis();
    }

    @Override
    public Response handle(RequestHead head) throws HttpException {
        TargetRoutes.Route route = routes.route(head.target());
        RequestTarget target = route.target();
        // The present of the answer's fields, taken before the stat: a reused stat is never older than the interval.
        Instant now = cache.clock().instant();
        RecentStat.Checked checked = checkIntervalMillis > 0
                ? route.stat().reusable(now.toEpochMilli(), checkIntervalMillis) : null;
        if (checked != null) {
            Response reused = file(head, checked.file(), checked.siblings(), route, true, now);
            if (reused != null) {
                return reused;
            }
        }
        return switch (resolver.resolve(route.plan())) {
            case Resolution.NotFound notFound -> notFound();
            // "/page.html/" names a directory that does not exist.
            case Resolution.File file -> target.trailingSlash() ? notFound() : statted(head, file, route, now);
            case Resolution.Directory directory -> directory(head, directory, target, now);
        };
    }

    private Response directory(RequestHead head, Resolution.Directory directory, RequestTarget target, Instant now) {
        if (!target.trailingSlash() && !directory.segments().isEmpty()) {
            // Relative links in the page resolve against "/dir/", not "/"; the query goes along.
            String location = PathEncoding.path(directory.segments()) + "/"
                    + (target.query() == null ? "" : "?" + target.query());
            return new Response(Status.MOVED_PERMANENTLY, new Headers().add("Location", location),
                    Body.EMPTY);
        }
        if (resolver.child(directory, "index.html") instanceof Resolution.File index) {
            List<String> segments = new ArrayList<>(directory.segments());
            segments.add("index.html");
            return file(head, index, siblings(index), MimeTypes.forFileName(index.path().getFileName().toString()),
                    policy.cacheControl().valueFor(PathResolver.urlPath(segments, false)), new RecentAnswers(), false,
                    now);
        }
        if (!policy.listing()) {
            return notFound();
        }
        String cacheControl = policy.cacheControl().valueFor(PathResolver.urlPath(directory.segments(), true));
        // Read first: a directory the server cannot read is 404, and preconditions are evaluated only on what would
        // be served (RFC 9110 section 13.2.1), so no 304 or 412 tells a client anything about it.
        byte[] page;
        try {
            page = DirectoryListing.render(directory, resolver);
        } catch (IOException e) {
            return notFound();
        }
        // A listing has no validators, as nginx's autoindex and Apache's mod_autoindex (by default) have none: the
        // directory's time does not change when a listed file grows. So If-Match and If-None-Match can match only
        // "*", and the dates are ignored (RFC 9110 sections 13.1.1 to 13.1.4).
        return switch (Preconditions.evaluate(head, null, null, now)) {
            case PROCEED -> new Response(Status.OK, withCacheControl(new Headers()
                    .add("Content-Type", "text/html; charset=utf-8"), cacheControl), new Body.Bytes(page));
            case NOT_MODIFIED -> new Response(Status.NOT_MODIFIED, withCacheControl(new Headers(), cacheControl),
                    Body.EMPTY);
            case PRECONDITION_FAILED -> preconditionFailed(null);
        };
    }

    private static Headers withCacheControl(Headers headers, String cacheControl) {
        return cacheControl == null ? headers : headers.add("Cache-Control", cacheControl);
    }

    /** Answers for a file just stat'ed for {@code route} (at {@code now}), remembered for the next requests. */
    private Response statted(RequestHead head, Resolution.File original, TargetRoutes.Route route, Instant now) {
        List<Precompressed.Sibling> siblings = siblings(original);
        if (checkIntervalMillis > 0) {
            route.stat().remember(original, siblings, now.toEpochMilli());
        }
        return file(head, original, siblings, route, false, now);
    }

    /** The usable precompressed siblings of {@code original}, none when they are not served. */
    private List<Precompressed.Sibling> siblings(Resolution.File original) {
        return policy.precompressed() ? Precompressed.find(resolver, original, absentSiblings) : List.of();
    }

    /**
     * Answers for a file reached by {@code route}: picks the representation (the file or a precompressed sibling),
     * evaluates the request's preconditions against the validators of the stat, so a 304 or 412 never opens the file
     * (nor reads the cache), then serves it whole or in ranges. Null when {@code reused} (the stat is an earlier
     * request's) and the answer would read a file the cache does not hold under that stat: its bytes could be newer
     * than the stat's validators, so the caller stats again.
     */
    private Response file(RequestHead head, Resolution.File original, List<Precompressed.Sibling> siblings,
                          TargetRoutes.Route route, boolean reused, Instant now) {
        // The route's type is its last name's: it holds while no link replaced the file by its real path.
        String type = original.path() == route.plan().path(route.plan().names().size() - 1) ? route.type()
                : MimeTypes.forFileName(original.path().getFileName().toString());
        return file(head, original, siblings, type, route.cacheControl(), route.answers(), reused, now);
    }

    /**
     * {@link #file(RequestHead, Resolution.File, List, TargetRoutes.Route, boolean, Instant)} with its type and Cache-Control
     * known, and where the ETag and 304 head last made for it are remembered.
     */
    private Response file(RequestHead head, Resolution.File original, List<Precompressed.Sibling> siblings,
                          String type, String cacheControl, RecentAnswers answers, boolean reused, Instant now) {
        Headers extra = new Headers();
        String coding = null;
        Resolution.File selected = original;
        if (!siblings.isEmpty()) {
            // Every answer for this path depends on Accept-Encoding, the identity one included.
            extra.add("Vary", "Accept-Encoding");
            coding = AcceptEncoding.choose(head.headers().all("Accept-Encoding"), Precompressed.codings(siblings));
            if (coding != null) {
                selected = Precompressed.of(siblings, coding);
            }
        }
        boolean gzipPerRequest = false;
        if (coding == null && policy.gzip().applies(type, original.attributes().size())) {
            if (extra.count("Vary") == 0) {
                extra.add("Vary", "Accept-Encoding");
            }
            // Never for a range: the ranges of a per-request gzip would change with the compressor.
            gzipPerRequest = head.headers().count("Range") == 0
                    && "gzip".equals(AcceptEncoding.choose(head.headers().all("Accept-Encoding"), List.of("gzip")));
            coding = gzipPerRequest ? "gzip" : null;
        }
        if (cacheControl != null) {
            extra.add("Cache-Control", cacheControl);
        }
        Instant modified = selected.attributes().lastModifiedTime().toInstant();
        String etag = answers.etag(modified, selected.attributes().size(), coding);
        if (gzipPerRequest) {
            // Weak, as nginx makes it: equal in meaning, not promised to be equal in bytes.
            etag = "W/" + etag;
        }
        return switch (Preconditions.evaluate(head, etag, modified, now)) {
            case PROCEED -> {
                FileRepresentation representation = reused ? cache.lookup(selected.path(), selected.attributes())
                        : open(selected);
                if (representation == null && reused) {
                    yield null;
                }
                if (representation == null) {
                    yield notFound();
                }
                if (gzipPerRequest) {
                    representation = gzipped(representation, etag);
                    if (representation == null) {
                        yield notFound();
                    }
                } else if (coding != null) {
                    representation = representation.encoded(type, coding);
                }
                yield ranged(head, representation, extra, now);
            }
            case NOT_MODIFIED -> new Response(Status.NOT_MODIFIED,
                    answers.notModified(extra, etag, modified, now), Body.EMPTY);
            case PRECONDITION_FAILED -> preconditionFailed(extra.first("Vary"));
        };
    }

    /**
     * 200 with the whole representation, or for a GET with a Range (whose If-Range, if any, matches) 206 with the
     * ranges asked or 416. Several ranges of a precompressed form get the whole of it: a multipart body's parts would
     * have no place to say their coding.
     */
    private Response ranged(RequestHead head, FileRepresentation representation, Headers extra, Instant now) {
        Headers request = head.headers();
        if (!head.method().equals("GET") || request.count("Range") != 1
                || !IfRange.allows(request, representation.etag(), representation.lastModified(), now)) {
            return new Response(Status.OK, representation.okHeaders(extra, now), representation.body());
        }
        Headers headers = representation.headers(now).add("Accept-Ranges", "bytes");
        copy(extra, headers);
        return switch (ByteRanges.select(request.first("Range"), representation.length())) {
            case ByteRanges.Whole whole -> new Response(Status.OK, headers, representation.body());
            case ByteRanges.Unsatisfiable unsatisfiable -> RangeResponses.unsatisfiable(representation, extra.first("Vary"));
            case ByteRanges.Partial partial when partial.ranges().size() == 1 ->
                    RangeResponses.single(representation, headers, partial.ranges().getFirst());
            case ByteRanges.Partial partial when representation.contentEncoding() != null ->
                    new Response(Status.OK, headers, representation.body());
            case ByteRanges.Partial partial -> RangeResponses.multipart(representation, headers, partial.ranges());
        };
    }

    /** {@code representation} gzipped in memory under {@code etag}; its file is closed; null when it cannot be read. */
    private static FileRepresentation gzipped(FileRepresentation representation, String etag) {
        byte[] gzip;
        try (Body body = representation.body()) {
            gzip = switch (body) {
                case Body.Bytes bytes -> OnTheFlyGzip.compress(bytes.data(), 0, bytes.data().length);
                case Body.Shared shared -> {
                    ByteBuffer view = shared.view();
                    byte[] content = new byte[view.remaining()];
                    view.get(content);
                    yield OnTheFlyGzip.compress(content, 0, content.length);
                }
                case Body.FileRegion region -> {
                    ByteBuffer content = ByteBuffer.allocate((int) region.length());
                    while (content.hasRemaining()) {
                        if (region.channel().read(content, region.position() + content.position()) < 0) {
                            throw new IOException("file shrank while being read");
                        }
                    }
                    yield OnTheFlyGzip.compress(content.array(), 0, content.capacity());
                }
                default -> throw new IllegalArgumentException("not a file's body: " + body);
            };
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot read a file to compress it", e);
            return null;
        }
        return new FileRepresentation(new Body.Bytes(gzip), representation.contentType(), gzip.length,
                representation.lastModified(), etag, "gzip");
    }

    static Headers copy(Headers from) {
        return copy(from, new Headers());
    }

    private static Headers copy(Headers from, Headers to) {
        for (int i = 0; i < from.size(); i++) {
            to.add(from.name(i), from.value(i));
        }
        return to;
    }

    /** The file's representation, from the cache or opened; null when it vanished since it was resolved. */
    private FileRepresentation open(Resolution.File file) {
        FileRepresentation cached = cache.lookup(file.path(), file.attributes());
        if (cached != null) {
            return cached;
        }
        boolean cacheable = cache.cacheable(file.attributes());
        FileChannel channel;
        try {
            channel = FileChannel.open(file.path(), READ_ONLY);
        } catch (IOException e) {
            // Deleted or made unreadable since it was resolved.
            return null;
        }
        try {
            String name = file.path().getFileName().toString();
            Instant modified = file.attributes().lastModifiedTime().toInstant();
            if (cacheable) {
                FileRepresentation read = readSmall(file, channel, name, modified);
                if (read != null) {
                    return read;
                }
            }
            return FileRepresentation.of(channel, name, channel.size(), modified);
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot read the size of an open file", e);
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing
            }
            return null;
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
        // A file too large to be copied into the answer buffer is kept where a gathering write sends it from.
        boolean direct = size > FileCache.MAX_ARRAY_BYTES;
        ByteBuffer bytes = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        long position = 0;
        while (bytes.hasRemaining()) {
            int n = channel.read(bytes, position);
            if (n < 0) {
                return null;
            }
            position += n;
        }
        // The kept file's other channels are opened before the second stat, which vouches for them as for this one.
        KeptFile kept = direct ? keepOpen(file.path(), channel) : null;
        FileRepresentation representation = null;
        try {
            BasicFileAttributes after;
            try {
                after = Files.readAttributes(file.path(), BasicFileAttributes.class);
            } catch (IOException e) {
                return null;
            }
            if (channel.size() != size) {
                return null;
            }
            FileRepresentation read = direct
                    ? FileRepresentation.of(bytes.flip().asReadOnlyBuffer(), kept, name, modified)
                    : FileRepresentation.of(bytes.array(), name, modified);
            if (cache.put(file.path(), file.attributes(), after, read)) {
                representation = read;
            }
        } finally {
            if (representation == null && kept != null) {
                // Not cached: the channel read from goes on as the answer's, the others close.
                closeAllBut(kept, channel);
                cache.giveBackKeptPlaces(kept.size());
            }
        }
        if (representation != null && kept == null) {
            channel.close();
        }
        return representation;
    }

    /**
     * The file kept open for sendfile (ResponseWriter says why): {@code channel} and more on {@code path}, up to
     * {@link KeptFile#CHANNELS} in all as the cache's places allow, fewer if an open fails; null when the cache has no
     * place left.
     */
    private KeptFile keepOpen(Path path, FileChannel channel) {
        int places = cache.takeKeptPlaces(KeptFile.CHANNELS);
        if (places == 0) {
            return null;
        }
        List<FileChannel> channels = new ArrayList<>(places);
        channels.add(channel);
        try {
            while (channels.size() < places) {
                channels.add(FileChannel.open(path, READ_ONLY));
            }
        } catch (IOException e) {
            // Out of descriptors or the file just went: the answers share the channels opened.
            LOG.log(Level.FINE, "a kept file's extra channel could not be opened", e);
            cache.giveBackKeptPlaces(places - channels.size());
        }
        return new KeptFile(channels);
    }

    private static void closeAllBut(KeptFile kept, FileChannel channel) {
        for (int i = 0; i < kept.size(); i++) {
            if (kept.channel(i) != channel) {
                try {
                    kept.channel(i).close();
                } catch (IOException e) {
                    LOG.log(Level.FINE, "closing a kept file's extra channel failed", e);
                }
            }
        }
    }

    /** 412 with {@code vary} (null: none): the tag it failed on was the form Accept-Encoding selected. */
    private static Response preconditionFailed(String vary) {
        Response response = Response.error(Status.PRECONDITION_FAILED, null);
        if (vary != null) {
            response.headers().add("Vary", vary);
        }
        return response;
    }

    private static Response notFound() {
        return Response.error(Status.NOT_FOUND, null);
    }
}
