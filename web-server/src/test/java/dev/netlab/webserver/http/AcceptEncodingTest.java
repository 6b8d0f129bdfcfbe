package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Accept-Encoding negotiation among br and gzip siblings (RFC 9110 section 12.5.3). */
class AcceptEncodingTest {

    private static final List<String> BOTH = List.of("br", "gzip");

    private static String choose(String field) {
        return AcceptEncoding.choose(List.of(field), BOTH);
    }

    @Test
    void brIsPreferredAtEqualWeight() {
        assertThat(choose("gzip, deflate, br")).isEqualTo("br");
        assertThat(choose("gzip;q=0.8, br;q=0.8")).isEqualTo("br");
        assertThat(choose("*")).isEqualTo("br");
    }

    @Test
    void theHigherWeightWins() {
        assertThat(choose("br;q=0.5, gzip")).isEqualTo("gzip");
        assertThat(choose("br;q=0.001, gzip;q=0.002")).isEqualTo("gzip");
        assertThat(choose("gzip;Q=1.000, br;q=0.999")).isEqualTo("gzip");
    }

    @Test
    void qZeroRefuses() {
        assertThat(choose("br;q=0, gzip")).isEqualTo("gzip");
        assertThat(choose("br;q=0, gzip;q=0.000")).isNull();
        assertThat(choose("*;q=0")).isNull();
        assertThat(choose("*, br;q=0")).isEqualTo("gzip");
    }

    @Test
    void starCountsForCodingsNotNamed() {
        assertThat(choose("gzip;q=0.2, *;q=0.5")).isEqualTo("br");
        assertThat(AcceptEncoding.choose(List.of("deflate, *;q=0.1"), List.of("gzip"))).isEqualTo("gzip");
    }

    @Test
    void xGzipIsGzipAndNamesAreCaseInsensitive() {
        assertThat(AcceptEncoding.choose(List.of("x-gzip"), List.of("gzip"))).isEqualTo("gzip");
        assertThat(choose("GZIP")).isEqualTo("gzip");
    }

    @Test
    void identityWeighingMoreWins() {
        assertThat(choose("gzip;q=0.5, identity")).isNull();
        assertThat(choose("gzip;q=0.5, identity;q=0.5")).isEqualTo("gzip");
        assertThat(choose("gzip;q=0.5, *;q=0")).isEqualTo("gzip");
    }

    @Test
    void severalLinesCountTogether() {
        assertThat(AcceptEncoding.choose(List.of("deflate", "gzip"), BOTH)).isEqualTo("gzip");
    }

    @Test
    void noFieldOrNothingOfferedIsIdentity() {
        assertThat(AcceptEncoding.choose(List.of(), BOTH)).isNull();
        assertThat(choose("")).isNull();
        assertThat(choose("identity")).isNull();
        assertThat(AcceptEncoding.choose(List.of("gzip"), List.of())).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip;q=abc", "gzip;q=1.5", "gzip;q=2", "gzip;q=-1", "gzip;q=0.5000", "gzip;q=",
            "gzip;q", "gzip;q=1e0", "gzip;q=.5", "gzip;q=0,5", "gzip;q= 0.5x", "gzip;q=99999999999999999999"})
    void anElementWithAGarbageWeightIsIgnored(String field) {
        assertThat(AcceptEncoding.choose(List.of(field), List.of("gzip"))).isNull();
    }

    @Test
    void aGarbageElementDoesNotHideAValidOneOfTheSameCoding() {
        assertThat(AcceptEncoding.choose(List.of("gzip;q=zz, gzip;q=0.3"), List.of("gzip"))).isEqualTo("gzip");
        assertThat(AcceptEncoding.choose(List.of(";;;,,,=,q=1,gzip;foo=bar;q=1"), List.of("gzip"))).isEqualTo("gzip");
    }

    @Test
    void qvalues() {
        assertThat(AcceptEncoding.qvalue("0")).isZero();
        assertThat(AcceptEncoding.qvalue("1")).isEqualTo(1000);
        assertThat(AcceptEncoding.qvalue("1.")).isEqualTo(1000);
        assertThat(AcceptEncoding.qvalue("0.25")).isEqualTo(250);
        assertThat(AcceptEncoding.qvalue("1.001")).isEqualTo(-1);
    }
}
