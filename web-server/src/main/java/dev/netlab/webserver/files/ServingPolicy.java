package dev.netlab.webserver.files;

import java.time.Duration;

/**
 * How files are answered beyond their bytes.
 *
 * @param listing           whether a directory without index.html is listed (else 404)
 * @param precompressed     whether {@code name.br} and {@code name.gz} siblings are served to clients that accept them
 * @param cacheControl      the Cache-Control of each URL path
 * @param gzip              gzip made per request, for files without a precompressed form the client takes
 * @param fileCheckInterval how long a request target's stat (and its siblings' lookup) is reused by later requests
 *                          for it; zero stats every request
 */
public record ServingPolicy(boolean listing, boolean precompressed, CacheControlRules cacheControl, OnTheFlyGzip gzip,
                            Duration fileCheckInterval) {

    /** Listing as given, precompressed siblings served, no Cache-Control, no gzip per request, a stat per request. */
    public static ServingPolicy of(boolean listing) {
        return new ServingPolicy(listing, true, CacheControlRules.NONE, OnTheFlyGzip.DISABLED, Duration.ZERO);
    }
}
