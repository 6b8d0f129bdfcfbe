package dev.netlab.mailclient.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.MutableClock;
import dev.netlab.mailclient.smtp.OutgoingMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox's files across restarts: what a crash can leave behind, and what becomes of it. */
class OutboxTest {

    private static final RetryPolicy RETRY = new RetryPolicy(Duration.ofMinutes(1), Duration.ofMinutes(8),
            Duration.ofHours(24));

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));
    private final List<String> corrupt = new ArrayList<>();

    private Outbox open() throws Exception {
        return Outbox.open(dir, clock, RETRY, new Random(7), (file, reason) -> corrupt.add(file.getFileName()
                + ": " + reason));
    }

    private static OutgoingMessage message(String to) {
        return new OutgoingMessage("a@example.org", List.of(to), ("Subject: for " + to + "\r\n\r\nhi\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void truncatedAlteredAndForeignFilesAreMovedAsideCountedAndTheOthersStillGo() throws Exception {
        Outbox first = open();
        String good = first.accept(message("good@example.org"), Optional.empty()).id();
        String truncated = first.accept(message("cut@example.org"), Optional.empty()).id();
        String altered = first.accept(message("flip@example.org"), Optional.empty()).id();
        Path queue = dir.resolve("queue");
        byte[] whole = Files.readAllBytes(queue.resolve(truncated + ".msg"));
        Files.write(queue.resolve(truncated + ".msg"), Arrays.copyOf(whole, whole.length - 5));
        byte[] flipped = Files.readAllBytes(queue.resolve(altered + ".msg"));
        flipped[flipped.length - 3] ^= 1;
        Files.write(queue.resolve(altered + ".msg"), flipped);
        Files.writeString(queue.resolve("0000000000000-0000000000000000.msg"), "not a message at all");
        Files.writeString(dir.resolve("state").resolve(good + ".json"), "{\"id\": \"" + good + "\", \"stat");

        Outbox second = open();
        assertThat(second.waiting()).isEqualTo(1);
        assertThat(corrupt).hasSize(4).anyMatch(c -> c.startsWith(truncated) && c.contains("truncated"))
                .anyMatch(c -> c.startsWith(altered) && c.contains("SHA-256"));
        try (Stream<Path> aside = Files.list(dir.resolve("corrupt"))) {
            assertThat(aside.map(p -> p.getFileName().toString())).contains(truncated + ".msg", altered + ".msg",
                    "0000000000000-0000000000000000.msg", good + ".json");
        }
        Outbox.Claim claim = second.pollDue().orElseThrow();
        assertThat(claim.message().id()).isEqualTo(good);
        assertThat(claim.message().message().recipients()).containsExactly("good@example.org");
    }

    @Test
    void aFileThatGoesBadWhileWaitingIsMovedAsideWhenItsTurnComesAndTheNextOneGoes() throws Exception {
        Outbox outbox = open();
        String bad = outbox.accept(message("bad@example.org"), Optional.empty()).id();
        clock.advance(Duration.ofMillis(1));
        String next = outbox.accept(message("next@example.org"), Optional.empty()).id();
        Files.writeString(dir.resolve("queue").resolve(bad + ".msg"), "netlab-outbox 1 {");
        assertThat(outbox.pollDue().orElseThrow().message().id()).isEqualTo(next);
        assertThat(corrupt).singleElement().asString().startsWith(bad);
        assertThat(outbox.waiting()).isEqualTo(1);
    }

    @Test
    void aCrashAfterTheSentRecordButBeforeTheFileWasRemovedDoesNotSendAgain() throws Exception {
        Outbox first = open();
        String id = first.accept(message("b@example.org"), Optional.of("key-1")).id();
        Path file = dir.resolve("queue").resolve(id + ".msg");
        byte[] saved = Files.readAllBytes(file);
        first.sent(first.pollDue().orElseThrow(), "250 OK id=1", List.of(), List.of());
        // As if the process died between writing the sent record and deleting the message file.
        Files.write(file, saved);

        Outbox second = open();
        assertThat(second.waiting()).isZero();
        assertThat(second.pollDue()).isEmpty();
        assertThat(file).doesNotExist();
        assertThat(second.state(id).orElseThrow().status()).isEqualTo("sent");
        assertThat(second.accept(message("b@example.org"), Optional.of("key-1")).id()).isEqualTo(id);
    }

    @Test
    void afterARestartADeferredMessageIsDueAtOnceWithItsAttemptsKept() throws Exception {
        Outbox first = open();
        String id = first.accept(message("b@example.org"), Optional.empty()).id();
        assertThat(first.deferred(first.pollDue().orElseThrow(), "451 later", List.of("b@example.org"), List.of(),
                List.of())).isEqualTo(Status.DEFERRED);
        assertThat(first.pollDue()).isEmpty();
        Files.writeString(dir.resolve("tmp").resolve("half-written.tmp"), "never renamed, never acknowledged");

        Outbox second = open();
        Outbox.Claim claim = second.pollDue().orElseThrow();
        assertThat(claim.message().id()).isEqualTo(id);
        assertThat(claim.state().attempts()).isEqualTo(1);
        assertThat(dir.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void backoffDoublesUpToItsMaximumWithJitterInTheUpperHalf() {
        Random random = new Random(1);
        for (int attempt = 1; attempt <= 8; attempt++) {
            Duration step = Duration.ofMinutes(Math.min(8, 1L << (attempt - 1)));
            for (int i = 0; i < 50; i++) {
                assertThat(RETRY.backoff(attempt, random)).isBetween(step.dividedBy(2), step);
            }
        }
    }
}
