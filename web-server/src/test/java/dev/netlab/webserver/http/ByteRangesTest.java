package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.webserver.http.ByteRanges.Partial;
import dev.netlab.webserver.http.ByteRanges.Range;
import dev.netlab.webserver.http.ByteRanges.Unsatisfiable;
import dev.netlab.webserver.http.ByteRanges.Whole;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Range field resolved against a 100-byte representation (RFC 9110 section 14.1.1). */
class ByteRangesTest {

    private static ByteRanges.Selection select(String field) {
        return ByteRanges.select(field, 100);
    }

    private static List<Range> ranges(String field) {
        return ((Partial) select(field)).ranges();
    }

    @Test
    void theThreeFormsOfOneRange() {
        assertThat(ranges("bytes=0-9")).containsExactly(new Range(0, 9));
        assertThat(ranges("bytes=90-")).containsExactly(new Range(90, 99));
        assertThat(ranges("bytes=-10")).containsExactly(new Range(90, 99));
        assertThat(ranges("bytes=5-5")).containsExactly(new Range(5, 5));
        assertThat(new Range(90, 99).contentRange(100)).isEqualTo("bytes 90-99/100");
    }

    @Test
    void aRangePastTheEndIsCutToIt() {
        assertThat(ranges("bytes=50-1000")).containsExactly(new Range(50, 99));
        assertThat(ranges("bytes=-1000")).containsExactly(new Range(0, 99));
        assertThat(ranges("bytes=99-99999999999999999999")).containsExactly(new Range(99, 99));
    }

    @Test
    void theUnitIsCaseInsensitiveAndListsAllowWhitespaceAndEmptyElements() {
        assertThat(ranges("Bytes=0-0")).containsExactly(new Range(0, 0));
        assertThat(ranges("bytes=0-0 , ,\t2-3,")).containsExactly(new Range(0, 0), new Range(2, 3));
    }

    @Test
    void aRangeStartingAtOrPastTheEndIsUnsatisfiable() {
        assertThat(select("bytes=100-")).isInstanceOf(Unsatisfiable.class);
        assertThat(select("bytes=100-200")).isInstanceOf(Unsatisfiable.class);
        assertThat(select("bytes=99999999999999999999-")).isInstanceOf(Unsatisfiable.class);
        assertThat(select("bytes=9223372036854775807-")).isInstanceOf(Unsatisfiable.class);
    }

    @Test
    void aZeroSuffixIsUnsatisfiable() {
        assertThat(select("bytes=-0")).isInstanceOf(Unsatisfiable.class);
        assertThat(select("bytes=-0000")).isInstanceOf(Unsatisfiable.class);
    }

    @Test
    void unsatisfiableRangesAmongSatisfiableOnesAreDropped() {
        assertThat(ranges("bytes=200-300, 0-1, -0")).containsExactly(new Range(0, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=5-2", "bytes=", "bytes=-", "bytes=a-b", "bytes=1-2-3", "bytes=0x1-2",
            "bytes=+1-2", "bytes=1 - 2", "items=0-1", "bytes 0-1", "0-1", "bytes=0-1,5-2", "bytes=0-1;x",
            "bytes=\u0661-\u0662", "bytes=--1", "bytes=-1-"})
    void anInvalidFieldIsIgnored(String field) {
        assertThat(select(field)).isInstanceOf(Whole.class);
    }

    @Test
    void severalRangesKeepTheirOrder() {
        assertThat(ranges("bytes=50-59,0-9,-5")).containsExactly(new Range(50, 59), new Range(0, 9), new Range(95, 99));
        // Adjacent is not overlapping.
        assertThat(ranges("bytes=0-4,5-9")).containsExactly(new Range(0, 4), new Range(5, 9));
    }

    @Test
    void overlappingRangesGetTheWholeRepresentation() {
        assertThat(select("bytes=0-10,10-20")).isInstanceOf(Whole.class);
        assertThat(select("bytes=0-,-1")).isInstanceOf(Whole.class);
        assertThat(select("bytes=50-60,0-99")).isInstanceOf(Whole.class);
        // Cut to the end first: 95-99 and the suffix of 3 overlap.
        assertThat(select("bytes=95-1000,-3")).isInstanceOf(Whole.class);
    }

    @Test
    void moreThanTheLimitOfRangesGetsTheWholeRepresentation() {
        StringBuilder sixteen = new StringBuilder("bytes=0-0");
        for (int i = 1; i < ByteRanges.MAX_RANGES; i++) {
            sixteen.append(',').append(2 * i).append('-').append(2 * i);
        }
        assertThat(ranges(sixteen.toString())).hasSize(ByteRanges.MAX_RANGES);
        assertThat(select(sixteen + ",98-98")).isInstanceOf(Whole.class);
        StringBuilder tenThousand = new StringBuilder("bytes=0-0");
        for (int i = 1; i < 10_000; i++) {
            tenThousand.append(",0-0");
        }
        assertThat(select(tenThousand.toString())).isInstanceOf(Whole.class);
    }

    @Test
    void anAbsentFieldOrAnEmptyRepresentationIsWhole() {
        assertThat(select(null)).isInstanceOf(Whole.class);
        assertThat(ByteRanges.select("bytes=0-", 0)).isInstanceOf(Whole.class);
        assertThat(ByteRanges.select("bytes=-1", 0)).isInstanceOf(Whole.class);
    }
}
