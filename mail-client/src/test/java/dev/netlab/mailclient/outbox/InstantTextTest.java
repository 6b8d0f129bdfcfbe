package dev.netlab.mailclient.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The outbox's own instant text is the JDK's, both ways, for every instant and every text it may meet. */
class InstantTextTest {

    @Test
    void anInstantIsWrittenAsInstantToStringWritesItAndReadBackAsInstantParseReadsIt() {
        Random random = new Random(19);
        for (int i = 0; i < 100_000; i++) {
            long seconds = switch (i % 4) {
                case 0 -> random.nextLong(0, 4_102_444_800L); // 1970-2100
                case 1 -> random.nextLong(-62_167_219_200L, 253_402_300_799L); // year 0 to 9999
                case 2 -> random.nextLong(253_402_300_700L, 253_402_300_900L); // around year 10000
                default -> random.nextLong(-100, 100); // around the epoch
            };
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            String text = InstantText.format(instant);
            assertThat(text).as("%s", instant).isEqualTo(instant.toString());
            assertThat(InstantText.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void textTheJdkReadsDifferentlyOrRefusesIsLeftToTheJdk() {
        for (String text : List.of("2026-11-30T17:05:50.1Z", "2026-11-30T17:05:50.12345Z", "2026-11-30t17:05:50Z",
                "2026-11-30T17:05:50+01:00", "+12026-11-30T17:05:50Z", "1969-12-31T23:59:59.999Z", "2026-11-30T24:00:00Z", "2026-11-30T23:59:60Z",
                "2026-11-30T23:59:59.Z")) {
            assertThat(InstantText.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
        for (String text : List.of("", "2026", "2026-11-30T17:05:50", "2026-11-30T17:05:50ZZ", "2026-02-30T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-11-30T23:60:00Z", "2026-11-30T23:59:61Z",
                "2026-11-30T23:59:5xZ", "2026-11-30T23:59:59.12xZ", "2026-11-30T23:59:59,123Z", "2026-11-30 23:59:59Z",
                "-026-11-30T23:59:59Z")) {
            assertThatThrownBy(() -> InstantText.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> Instant.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }
}
