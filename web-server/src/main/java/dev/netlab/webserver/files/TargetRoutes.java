package dev.netlab.webserver.files;

import dev.netlab.webserver.http.HttpException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each recent request target comes to before the file system is asked (parsed, decoded, normalised, the path
 * of each step, the file's type and Cache-Control), kept by the target's text: a site's answers come from a few
 * targets, and these steps cost more than the stat that follows. The file-system steps are taken for a request
 * whenever the route's {@link RecentStat} is older than the check interval. Bounded (a route holds a path per
 * segment, each as long as the path to it): targets longer than {@link #MAX_TARGET_CHARS} or deeper than
 * {@link #MAX_SEGMENTS} are not kept, and at {@link #MAX_ENTRIES} the memory starts over.
 */
final class TargetRoutes {

    /** At most this many targets are kept. */
    static final int MAX_ENTRIES = 1024;
    /** Targets of more path segments are worked out per request. */
    static final int MAX_SEGMENTS = 16;
    /** Longer targets are worked out per request (they are rare, and the memory's bound is in characters). */
    static final int MAX_TARGET_CHARS = 256;

    /**
     * A target's file-system-free facts.
     *
     * @param target       the parsed target
     * @param plan         its resolution plan
     * @param type         the Content-Type of the file its last name names (when no link replaces it)
     * @param cacheControl the Cache-Control of its path as a file, or null
     * @param answers      what its last answers were built from, to build the next ones from
     * @param stat         what its last stat found, reused within the check interval
     */
    record Route(RequestTarget target, PathResolver.Plan plan, String type, String cacheControl,
                 RecentAnswers answers, RecentStat stat) {
    }

    private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();
    private final PathResolver resolver;
    private final CacheControlRules cacheControl;

    TargetRoutes(PathResolver resolver, CacheControlRules cacheControl) {
        this.resolver = resolver;
        this.cacheControl = cacheControl;
    }

    /**
     * The route of {@code rawTarget}, kept or worked out now.
     *
     * @throws HttpException 400 for a target that does not parse (never kept)
     */
    Route route(String rawTarget) throws HttpException {
        Route route = routes.get(rawTarget);
        if (route != null) {
            return route;
        }
        RequestTarget target = RequestTarget.parse(rawTarget);
        PathResolver.Plan plan = resolver.plan(target.segments());
        String type = null;
        String control = null;
        if (plan.names() != null && !plan.names().isEmpty()) {
            type = MimeTypes.forFileName(plan.names().getLast());
            control = cacheControl.valueFor(PathResolver.urlPath(plan.names(), false));
        }
        route = new Route(target, plan, type, control, new RecentAnswers(), new RecentStat());
        boolean small = rawTarget.length() <= MAX_TARGET_CHARS
                && (plan.names() == null || plan.names().size() <= MAX_SEGMENTS);
        if (small) {
            if (routes.size() >= MAX_ENTRIES) {
                routes.clear();
            }
            routes.put(rawTarget, route);
        }
        return route;
    }

    /** How many targets are kept (tests). */
    int size() {
        return routes.size();
    }
}
