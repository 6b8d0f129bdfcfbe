package dev.netlab.pingserver.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.pingserver.config.RateLimit;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private static InetAddress ip(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    @Test
    void theBurstPassesThenTheBucketRefillsAtTheRate() throws Exception {
        RateLimiter limiter = new RateLimiter(new RateLimit(10, 5), nanos::get, 100);
        int passed = 0;
        for (int i = 0; i < 20; i++) {
            passed += limiter.tryAcquire(ip(1)) ? 1 : 0;
        }
        assertThat(passed).isEqualTo(5);
        nanos.addAndGet(300_000_000L); // 0.3 s at 10/s: 3 tokens
        passed = 0;
        for (int i = 0; i < 20; i++) {
            passed += limiter.tryAcquire(ip(1)) ? 1 : 0;
        }
        assertThat(passed).isEqualTo(3);
    }

    @Test
    void eachAddressHasItsOwnBucket() throws Exception {
        RateLimiter limiter = new RateLimiter(new RateLimit(1, 1), nanos::get, 100);
        assertThat(limiter.tryAcquire(ip(1))).isTrue();
        assertThat(limiter.tryAcquire(ip(1))).isFalse();
        assertThat(limiter.tryAcquire(ip(2))).isTrue();
    }

    @Test
    void zeroTurnsTheLimitOff() throws Exception {
        RateLimiter limiter = new RateLimiter(RateLimit.OFF, nanos::get, 100);
        for (int i = 0; i < 100_000; i++) {
            assertThat(limiter.tryAcquire(ip(1))).isTrue();
        }
        assertThat(limiter.size()).isZero();
    }

    @Test
    void theBucketsStayBoundedUnderManyAddresses() throws Exception {
        RateLimiter limiter = new RateLimiter(new RateLimit(1000, 10), nanos::get, 50);
        for (int i = 0; i < 250; i++) {
            limiter.tryAcquire(ip(i));
            assertThat(limiter.size()).isLessThanOrEqualTo(50);
        }
    }

    @Test
    void fullBucketsAreForgottenFirst() throws Exception {
        RateLimiter limiter = new RateLimiter(new RateLimit(1, 5), nanos::get, 2);
        for (int i = 0; i < 5; i++) {
            limiter.tryAcquire(ip(1)); // empties 1
        }
        limiter.tryAcquire(ip(2)); // 2 has 4 left, not full either
        nanos.addAndGet(10_000_000_000L); // both refill completely
        for (int i = 0; i < 5; i++) {
            limiter.tryAcquire(ip(1));
        }
        limiter.tryAcquire(ip(3)); // at the cap: 2 is full again and is forgotten, 1 is empty and kept
        assertThat(limiter.tryAcquire(ip(1))).as("1 kept its empty bucket").isFalse();
    }
}
