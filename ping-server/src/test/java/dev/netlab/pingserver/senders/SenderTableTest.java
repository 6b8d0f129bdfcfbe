package dev.netlab.pingserver.senders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.MutableClock;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.config.SenderTableConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SenderTableTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SenderTable table = new SenderTable(new SenderTableConfig(3, Duration.ofSeconds(5)), clock);

    private static InetSocketAddress sender(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    private SenderTable.Observation see(Mode mode, int port, long seq) {
        return table.observe(mode, sender(port), seq, null, clock.instant());
    }

    @Test
    void aSenderTimeFromAnyEraGivesAOneWayDelayInsteadOfAnOverflow() {
        for (Instant sentAt : new Instant[] {Instant.MIN, Instant.parse("0000-01-01T00:00:00Z"),
            Instant.ofEpochSecond(99_999_999_999L), Instant.MAX}) {
            table.observe(Mode.LAB, sender(1), 1, sentAt, clock.instant());
            Double delay = table.snapshot().getFirst().oneWayDelayMs();
            assertThat(delay).as("%s", sentAt).isFinite()
                    .isEqualTo(SenderTable.millisBetween(sentAt, clock.instant()));
        }
        Instant now = clock.instant();
        assertThat(SenderTable.millisBetween(now, now.plusMillis(1500))).isEqualTo(1500.0);
        assertThat(SenderTable.millisBetween(Instant.parse("0000-01-01T00:00:00Z"), now))
                .isEqualTo(63_934_444_800_000.0); // 739,982 days: more than Duration.toNanos holds
    }

    @Test
    void aFullTableEvictsTheSenderHeardFromLeastRecently() {
        see(Mode.LAB, 1, 1);
        clock.advance(Duration.ofMillis(10));
        see(Mode.LAB, 2, 1);
        clock.advance(Duration.ofMillis(10));
        see(Mode.LAB, 3, 1);
        clock.advance(Duration.ofMillis(10));
        see(Mode.LAB, 1, 2); // 1 is fresh again, 2 is now the idlest
        see(Mode.LAB, 4, 1);
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.snapshot()).extracting(SenderView::port).containsExactlyInAnyOrder(1, 3, 4);
    }

    @Test
    void aSilentSenderIsStoppedAfterTheSilence() {
        see(Mode.STAMP, 1, 0);
        see(Mode.LAB, 2, 1);
        clock.advance(Duration.ofSeconds(3));
        see(Mode.LAB, 2, 2);
        clock.advance(Duration.ofMillis(2001));
        assertThat(table.count(true)).isEqualTo(1);
        assertThat(table.count(false)).isEqualTo(1);
        SenderView stamp = table.snapshot().stream().filter(v -> v.port() == 1).findFirst().orElseThrow();
        assertThat(stamp.stopped()).isTrue();
        assertThat(stamp.mode()).isEqualTo("stamp");
        assertThat(stamp.lastSeen()).isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void theSameAddressAndPortOnTwoListenersAreTwoSenders() {
        see(Mode.LAB, 1, 1);
        see(Mode.STAMP, 1, 1);
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void reflectorSequenceNumbersCountPerSender() {
        assertThat(see(Mode.STAMP, 1, 7).reflectorSeq()).isZero();
        assertThat(see(Mode.STAMP, 1, 9).reflectorSeq()).isEqualTo(1);
        assertThat(see(Mode.STAMP, 2, 7).reflectorSeq()).isZero();
        assertThat(see(Mode.STAMP, 1, 10).reflectorSeq()).isEqualTo(2);
    }

    @Test
    void gapsAndLateArrivalsShowInTheView() {
        see(Mode.LAB, 1, 1);
        assertThat(see(Mode.LAB, 1, 4).newlyLost()).isEqualTo(2);
        see(Mode.LAB, 1, 3);
        SenderView view = table.snapshot().getFirst();
        assertThat(view.packets()).isEqualTo(3);
        assertThat(view.lastSeq()).isEqualTo(3L);
        assertThat(view.forwardLost()).isEqualTo(1);
        assertThat(view.reordered()).isEqualTo(1);
    }

    @Test
    void aSenderWithoutSequenceNumbersHasNoLastSeq() {
        see(Mode.LAB, 1, -1);
        assertThat(table.snapshot().getFirst().lastSeq()).isNull();
    }

    @Test
    void aSenderBackAfterStoppingStartsANewSession() {
        see(Mode.LAB, 1, 50);
        clock.advance(Duration.ofSeconds(6));
        see(Mode.LAB, 1, 1);
        see(Mode.LAB, 1, 2);
        SenderView view = table.snapshot().getFirst();
        assertThat(view.reordered()).isZero();
        assertThat(view.stopped()).isFalse();
    }

    @Test
    void theOneWayDelayComesFromTheSendersTimestamp() {
        Instant sent = clock.instant().minusMillis(12);
        table.observe(Mode.STAMP, sender(1), 0, sent, clock.instant());
        assertThat(table.snapshot().getFirst().oneWayDelayMs()).isEqualTo(12.0);
    }
}
