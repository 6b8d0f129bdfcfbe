package dev.netlab.pingserver.engine;

import dev.netlab.pingserver.config.RateLimit;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A token bucket per source IP address, shared by a listener's sockets (one per local address on a wildcard bind,
 * so a sender cannot multiply its rate by the host's addresses). Bounded: when the map reaches its cap, the
 * buckets that have refilled completely are forgotten (forgetting a full bucket changes nothing), and if that frees
 * nothing, all are (a flood from that many addresses then starts from full buckets again).
 */
public final class RateLimiter {

    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    private final RateLimit limit;
    private final LongSupplier nanoTime;
    private final int maxBuckets;
    private final Map<InetAddress, Bucket> buckets = new HashMap<>();
    private final double tokensPerNano;
    // Uncontended on a listener with one socket; never taken when the limit is off.
    private final ReentrantLock lock = new ReentrantLock();

    public RateLimiter(RateLimit limit, LongSupplier nanoTime, int maxBuckets) {
        this.limit = limit;
        this.nanoTime = nanoTime;
        this.maxBuckets = maxBuckets;
        this.tokensPerNano = limit.perSecond() / 1e9;
    }

    /** Takes a token for {@code address}; false when its bucket is empty. */
    public boolean tryAcquire(InetAddress address) {
        if (!limit.enabled()) {
            return true;
        }
        lock.lock();
        try {
            return take(address);
        } finally {
            lock.unlock();
        }
    }

    private boolean take(InetAddress address) {
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.get(address);
        if (bucket == null) {
            if (buckets.size() >= maxBuckets) {
                evictFull(now);
            }
            bucket = new Bucket();
            bucket.tokens = limit.burst();
            bucket.updatedNanos = now;
            buckets.put(address, bucket);
        } else {
            bucket.tokens = Math.min(limit.burst(), bucket.tokens + (now - bucket.updatedNanos) * tokensPerNano);
            bucket.updatedNanos = now;
        }
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return true;
        }
        return false;
    }

    /** How many addresses have a bucket. */
    public int size() {
        lock.lock();
        try {
            return buckets.size();
        } finally {
            lock.unlock();
        }
    }

    private void evictFull(long now) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket b = it.next();
            if (b.tokens + (now - b.updatedNanos) * tokensPerNano >= limit.burst()) {
                it.remove();
            }
        }
        if (buckets.size() >= maxBuckets) {
            buckets.clear();
        }
    }
}
