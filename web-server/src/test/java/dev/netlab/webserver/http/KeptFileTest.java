package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kept file lends each of its channels to one answer at a time, and closes them all. */
class KeptFileTest {

    @TempDir
    Path dir;

    @Test
    void eachChannelIsLentToOneBorrowerUntilGivenBack() throws IOException {
        try (KeptFile kept = new KeptFile(channels(3))) {
            Set<Integer> lent = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                lent.add(kept.borrow());
            }
            assertThat(lent).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(kept.borrow()).as("every channel lent").isEqualTo(-1);
            assertThat(kept.lentNow()).isEqualTo(3);
            kept.giveBack(1);
            assertThat(kept.borrow()).isEqualTo(1);
            assertThat(kept.channel(1)).isNotSameAs(kept.channel(0));
        }
    }

    @Test
    void closingClosesEveryChannelLentOrNot() throws IOException {
        List<FileChannel> channels = channels(2);
        KeptFile kept = new KeptFile(channels);
        int lent = kept.borrow();
        assertThat(kept.isOpen()).isTrue();
        kept.close();
        assertThat(kept.isOpen()).isFalse();
        assertThat(channels).noneMatch(FileChannel::isOpen);
        // A sender that held one gives it back after the close without harm.
        kept.giveBack(lent);
        assertThat(kept.lentNow()).isZero();
    }

    @Test
    void aKeptFileNeedsAChannel() {
        assertThatThrownBy(() -> new KeptFile(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thereAreAsManyChannelsAsCarriersUpToFour() {
        assertThat(KeptFile.CHANNELS).isEqualTo(Math.min(4, Math.max(1, Carriers.count())));
    }

    private List<FileChannel> channels(int count) throws IOException {
        Path file = Files.write(dir.resolve("kept.bin"), new byte[] {1, 2, 3});
        List<FileChannel> channels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            channels.add(FileChannel.open(file, StandardOpenOption.READ));
        }
        return channels;
    }
}
