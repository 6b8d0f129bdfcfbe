package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.webserver.http.HttpLimits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request buffers are lent and reused, of the kind asked for, and the pool keeps at most its bound. */
class ExchangeBuffersTest {

    private final ExchangeBuffers buffers = new ExchangeBuffers(HttpLimits.DEFAULTS, 4096, 2);

    @Test
    void aLeaseGivenBackIsLentAgain() {
        ExchangeBuffers.Lease first = buffers.take(true);
        buffers.give(first);
        assertThat(buffers.take(true)).isSameAs(first);
        assertThat(buffers.idle()).isZero();
    }

    @Test
    void directAndArrayBackedLeasesAreKeptApart() {
        ExchangeBuffers.Lease direct = buffers.take(true);
        ExchangeBuffers.Lease heap = buffers.take(false);
        assertThat(direct.output().isDirect()).isTrue();
        assertThat(heap.output().hasArray()).isTrue();
        assertThat(direct.output().capacity()).isEqualTo(4096);
        buffers.give(direct);
        buffers.give(heap);
        assertThat(buffers.take(false)).isSameAs(heap);
        assertThat(buffers.take(true)).isSameAs(direct);
    }

    @Test
    void beyondItsBoundReturnedLeasesAreDropped() {
        List<ExchangeBuffers.Lease> taken = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            taken.add(buffers.take(true));
        }
        taken.forEach(buffers::give);
        assertThat(buffers.idle()).isEqualTo(2);
    }
}
