package dev.netlab.pingclient.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ping's summary arithmetic and RFC 3550 jitter. */
class StatisticsTest {

    @Test
    void minAvgMaxMdevAreComputedAsIputilsDoes() {
        RttWindow window = new RttWindow(10);
        // 1.000, 2.000, 4.000 ms: tsum 7000, tsum2 21e6; avg 2333; var = (21e6 - 49e6/3)/3 = 1555555; sqrt 1247.
        window.add(1_000_000);
        window.add(2_000_999); // sub-microsecond parts are cut, as iputils' microsecond clock would
        window.add(4_000_000);
        RttSummary s = window.summary();
        assertThat(s.iputilsLine()).isEqualTo("rtt min/avg/max/mdev = 1.000/2.333/4.000/1.247 ms");
    }

    @Test
    void percentilesAreNearestRank() {
        RttWindow window = new RttWindow(100);
        for (int i = 1; i <= 100; i++) {
            window.add(i * 1_000_000L);
        }
        RttSummary s = window.summary();
        assertThat(s.p50Micros()).isEqualTo(50_000);
        assertThat(s.p90Micros()).isEqualTo(90_000);
        assertThat(s.p99Micros()).isEqualTo(99_000);
    }

    @Test
    void theWindowKeepsOnlyTheMostRecent() {
        RttWindow window = new RttWindow(2);
        window.add(9_000_000);
        window.add(1_000_000);
        window.add(3_000_000);
        assertThat(window.summary().maxMicros()).isEqualTo(3_000);
        assertThat(window.size()).isEqualTo(2);
    }

    @Test
    void integerSquareRootMatchesIputils() {
        assertThat(RttWindow.llsqrt(0)).isZero();
        assertThat(RttWindow.llsqrt(1_555_555)).isEqualTo(1_247);
        assertThat(RttWindow.llsqrt(16)).isEqualTo(4);
    }

    @Test
    void jitterIsSmoothedWithGainOneSixteenth() {
        Jitter jitter = new Jitter();
        jitter.add(1_000_000);
        assertThat(jitter.nanos()).isZero();
        jitter.add(1_160_000); // D = 160 us: J = 10 us
        assertThat(jitter.nanos()).isEqualTo(10_000.0);
        jitter.add(1_000_000); // D = 160 us: J = 10 + (160 - 10) / 16
        assertThat(jitter.nanos()).isEqualTo(10_000 + 150_000 / 16.0);
    }

    @Test
    void aStatefulReflectorsCountSplitsLossIntoForwardAndReverse() {
        StreamStats stats = new StreamStats(10, 0);
        // The reflector's counter did not start at 0 for us (100): only differences count.
        stats.received(1, 1_000_000, 44, "", false, new OneWay(400_000, 600_000, 100, 0));
        // Probe 2 (wire 1) never reached it; probe 4 (wire 3) did (102) but its reply was lost.
        stats.received(3, 1_000_000, 44, "", false, new OneWay(400_000, 600_000, 101, 2));
        stats.received(5, 1_000_000, 44, "", false, new OneWay(400_000, 600_000, 103, 4));
        StreamStats.StampSnapshot stamp = stats.snapshot().stamp();
        assertThat(stamp.statefulReflector()).isTrue();
        assertThat(stamp.forwardLost()).isEqualTo(1);
        assertThat(stamp.reverseLost()).isEqualTo(1);
        assertThat(stamp.forwardAvgMs()).isEqualTo(0.4);
        assertThat(stamp.reverseMaxMs()).isEqualTo(0.6);
    }

    @Test
    void aReflectorThatCopiesOurSequenceNumbersAttributesNothing() {
        StreamStats stats = new StreamStats(10, 0);
        stats.received(1, 1_000_000, 44, "", false, new OneWay(1, 1, 0, 0));
        stats.received(3, 1_000_000, 44, "", false, new OneWay(1, 1, 2, 2));
        StreamStats.StampSnapshot stamp = stats.snapshot().stamp();
        assertThat(stamp.statefulReflector()).isFalse();
        assertThat(stamp.forwardLost()).isZero();
        assertThat(stamp.reverseLost()).isZero();
    }
}
