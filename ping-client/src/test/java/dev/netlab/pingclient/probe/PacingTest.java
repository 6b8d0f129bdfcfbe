package dev.netlab.pingclient.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Where a send goes out under each pacing, from nanosecond values. */
class PacingTest {

    private static final long SLOT = Duration.ofMillis(10).toNanos();
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void theExactPacingSendsAtTheIntendedTime() {
        assertThat(Pacing.EXACT.sendAt(123_456_789L, SECOND)).isEqualTo(123_456_789L);
        assertThat(Pacing.EXACT.sharedTimer()).isFalse();
    }

    @Test
    void theSharedPacingSendsAtTheFirstInstantOfTheGridAtOrAfterTheIntendedTime() {
        assertThat(Pacing.SHARED.slotNanos()).isEqualTo(SLOT);
        assertThat(Pacing.SHARED.sharedTimer()).isTrue();
        for (long intended : new long[] {0, 1, SLOT - 1, SLOT, SLOT + 1, 987_654_321_012L, -1, -SLOT - 1,
                Long.MIN_VALUE + SLOT}) {
            long at = Pacing.SHARED.sendAt(intended, SECOND);
            assertThat(Math.floorMod(at, SLOT)).as("%d on the grid", intended).isZero();
            assertThat(at - intended).as("%d never early, less than a slot late", intended).isBetween(0L, SLOT - 1);
        }
    }

    @Test
    void anIntervalOfWholeSlotsKeepsEverySendOneIntervalApart() {
        long start = 5_432_109_876L;
        long first = Pacing.SHARED.sendAt(start, SECOND);
        for (int n = 1; n <= 100; n++) {
            assertThat(Pacing.SHARED.sendAt(start + n * SECOND, SECOND)).isEqualTo(first + n * SECOND);
        }
    }

    @Test
    void anIntervalOfPartSlotsKeepsTheRateOnAverage() {
        long interval = Duration.ofMillis(123).toNanos() + 4_567;
        long start = 42;
        long first = Pacing.SHARED.sendAt(start, interval);
        long last = first;
        for (int n = 1; n <= 1_000; n++) {
            long at = Pacing.SHARED.sendAt(start + n * interval, interval);
            assertThat(at - last).isBetween(interval - SLOT, interval + SLOT);
            last = at;
        }
        // The intended times never move, so the error never accumulates: at most one slot over 1,000 intervals.
        assertThat(last - first).isBetween(1_000 * interval - SLOT, 1_000 * interval + SLOT);
    }

    @Test
    void anIntervalOfFewerThanTenSlotsKeepsTheExactSchedule() {
        long interval = 9 * SLOT;
        assertThat(Pacing.SHARED.sendAt(1_234_567L, interval)).isEqualTo(1_234_567L);
        assertThat(Pacing.SHARED.sendAt(1_234_567L, 10 * SLOT)).isEqualTo(SLOT);
    }

    @Test
    void aNegativeSlotIsRefused() {
        assertThatThrownBy(() -> new Pacing(-1, true)).isInstanceOf(IllegalArgumentException.class);
    }
}
