package dev.netlab.pingserver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FaultPlannerTest {

    private static FaultConfig lossOnly(Chance loss, long seed) {
        return new FaultConfig(loss, Duration.ZERO, Duration.ZERO, JitterDistribution.UNIFORM, Chance.NEVER,
                Chance.NEVER, Duration.ofSeconds(1), OptionalLong.of(seed));
    }

    @Test
    void aFractionDropsExactlyLikeTheLabsRandint() {
        FaultPlanner planner = FaultPlanner.create(lossOnly(Chance.of("4/11", 4 / 11.0), 42));
        SplittableRandom lab = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            // The lab: rand = random.randint(0, 10); if rand < 4: drop. Ours: SplittableRandom(seed).nextInt(11) < 4.
            boolean labDrops = lab.nextInt(11) < 4;
            assertThat(planner.next().drop()).as("datagram %d", i).isEqualTo(labDrops);
        }
    }

    @Test
    void theLabsLossRateIsFourElevenths() {
        FaultPlanner planner = FaultPlanner.create(lossOnly(Chance.of("4/11", 4 / 11.0), 7));
        int dropped = 0;
        for (int i = 0; i < 110_000; i++) {
            dropped += planner.next().drop() ? 1 : 0;
        }
        assertThat(dropped / 110_000.0).isCloseTo(4 / 11.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void aDecimalDrawsNextDouble() {
        FaultPlanner planner = FaultPlanner.create(lossOnly(Chance.of("0.25", 0.25), 3));
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            assertThat(planner.next().drop()).isEqualTo(random.nextDouble() < 0.25);
        }
    }

    @Test
    void theSameSeedGivesTheSameFates() {
        FaultConfig config = new FaultConfig(Chance.of(0.2), Duration.ofMillis(10), Duration.ofMillis(5),
                JitterDistribution.NORMAL, Chance.of(0.3), Chance.of(0.1), Duration.ofSeconds(1),
                OptionalLong.of(99));
        assertThat(fates(config, 500)).isEqualTo(fates(config, 500));
    }

    @Test
    void noFaultsMeansEveryReplyIsPlain() {
        FaultPlanner planner = FaultPlanner.create(FaultConfig.none());
        for (int i = 0; i < 100; i++) {
            assertThat(planner.next()).isEqualTo(Fate.PLAIN);
        }
    }

    @Test
    void jitterNeverMakesTheDelayNegativeAndStaysWithinItsBoundsWhenUniform() {
        FaultConfig config = new FaultConfig(Chance.NEVER, Duration.ofMillis(2), Duration.ofMillis(5),
                JitterDistribution.UNIFORM, Chance.NEVER, Chance.NEVER, Duration.ofSeconds(1), OptionalLong.of(1));
        FaultPlanner planner = FaultPlanner.create(config);
        boolean sawZero = false;
        for (int i = 0; i < 1000; i++) {
            long delay = planner.next().delayNanos();
            assertThat(delay).isBetween(0L, Duration.ofMillis(7).toNanos());
            sawZero |= delay == 0;
        }
        assertThat(sawZero).as("delay - jitter < 0 is clamped to 0").isTrue();
    }

    @Test
    void certainDuplicationAndReorderingAreEveryTime() {
        FaultConfig config = new FaultConfig(Chance.NEVER, Duration.ZERO, Duration.ZERO, JitterDistribution.UNIFORM,
                Chance.of("1/1", 1), Chance.of("1", 1), Duration.ofSeconds(1), OptionalLong.of(1));
        Fate fate = FaultPlanner.create(config).next();
        assertThat(fate.duplicate()).isTrue();
        assertThat(fate.reorder()).isTrue();
        assertThat(fate.drop()).isFalse();
    }

    private static List<Fate> fates(FaultConfig config, int n) {
        FaultPlanner planner = FaultPlanner.create(config);
        List<Fate> fates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fates.add(planner.next());
        }
        return fates;
    }
}
