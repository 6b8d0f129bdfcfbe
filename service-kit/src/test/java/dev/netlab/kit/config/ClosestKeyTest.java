package dev.netlab.kit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClosestKeyTest {

    @Test
    void distancesCountInsertionsDeletionsAndSubstitutions() {
        assertThat(ClosestKey.distance("", "")).isZero();
        assertThat(ClosestKey.distance("port", "port")).isZero();
        assertThat(ClosestKey.distance("limit", "limits")).isEqualTo(1);
        assertThat(ClosestKey.distance("prot", "port")).isEqualTo(2);
        assertThat(ClosestKey.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(ClosestKey.distance("", "abc")).isEqualTo(3);
    }

    @Test
    void theNearestCandidateWinsAndTiesGoToTheFirst() {
        List<String> known = List.of("webserver.limits.header-fields", "webserver.limits.request-line", "webserver.port");
        assertThat(ClosestKey.among("webserver.limit.request-line", known)).contains("webserver.limits.request-line");
        assertThat(ClosestKey.among("ab", List.of("aa", "bb"))).contains("aa");
        assertThat(ClosestKey.among("x", List.of())).isEmpty();
    }
}
