package dev.netlab.pingserver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChanceTest {

    @Test
    void aFractionOfIntegersKeepsItsParts() {
        Chance chance = Chance.of(" 4 / 11 ", 4 / 11.0);
        assertThat(chance.numerator()).isEqualTo(4);
        assertThat(chance.denominator()).isEqualTo(11);
        assertThat(chance).hasToString("4/11");
    }

    @Test
    void aDecimalIsADecimal() {
        assertThat(Chance.of("0.3", 0.3).denominator()).isEqualTo(-1);
    }

    @Test
    void anImpossibleChanceNeverDrawsSoItDoesNotShiftTheSequence() {
        SplittableRandom a = new SplittableRandom(5);
        SplittableRandom b = new SplittableRandom(5);
        assertThat(Chance.of("0", 0).draw(a)).isFalse();
        assertThat(Chance.of("0/11", 0).draw(a)).isFalse();
        assertThat(a.nextLong()).isEqualTo(b.nextLong());
    }
}
