package dev.netlab.mailclient.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sent log's binary record: every field back as written, and damage refused rather than misread. */
class StateCodecTest {

    private static final MessageState FULL = new MessageState("0000000000001-00000000000000aa", "sent", 3,
            "2026-11-30T00:00:00Z", "2026-11-30T00:00:01.5Z", "2026-11-30T00:01:00Z", "250 2.0.0 Ok: queued as Q",
            "250 2.0.0 Ok: queued as Q", List.of("x@example.org: 550 no"), List.of("y@example.org"), "clé-ü-☃",
            List.of("-> DATA", "<-  250 ok", ""));
    private static final MessageState SPARSE = new MessageState("id", "sent", 1, "a", "b", null, null, null, null,
            null, null, null);

    @Test
    void everyFieldComesBackAsWrittenAbsentOnesAbsent() throws Exception {
        assertThat(StateCodec.decode(StateCodec.encode(FULL))).isEqualTo(FULL);
        assertThat(StateCodec.decode(StateCodec.encode(SPARSE))).isEqualTo(SPARSE);
        assertThat(StateCodec.encode(FULL)[0]).isEqualTo(StateCodec.VERSION).isNotEqualTo((byte) '{');
    }

    @Test
    void aRecordCutAtAnyByteOrWithBytesTooManyIsRefused() {
        byte[] whole = StateCodec.encode(FULL);
        for (int cut = 0; cut < whole.length; cut++) {
            byte[] part = Arrays.copyOf(whole, cut);
            assertThatThrownBy(() -> StateCodec.decode(part)).as("cut at %d", cut)
                    .isInstanceOf(CorruptMessageException.class);
        }
        byte[] longer = Arrays.copyOf(whole, whole.length + 1);
        assertThatThrownBy(() -> StateCodec.decode(longer)).isInstanceOf(CorruptMessageException.class);
    }

    @Test
    void lengthsThatPointPastTheRecordAreRefusedWithoutAllocatingThem() {
        byte[] whole = StateCodec.encode(SPARSE);
        // The id's length, then the transcript's count (the last four bytes), set to the largest int.
        for (int at : new int[] {1, whole.length - 4}) {
            byte[] bad = whole.clone();
            bad[at] = 0x7f;
            bad[at + 1] = (byte) 0xff;
            bad[at + 2] = (byte) 0xff;
            bad[at + 3] = (byte) 0xff;
            assertThatThrownBy(() -> StateCodec.decode(bad)).as("at %d", at)
                    .isInstanceOf(CorruptMessageException.class);
        }
    }
}
