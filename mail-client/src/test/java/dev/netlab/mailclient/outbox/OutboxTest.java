package dev.netlab.mailclient.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.testing.MutableClock;
import dev.netlab.mailclient.smtp.OutgoingMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** Forces nothing: for tests that open many outboxes and assert no durability. */
    private static final Durability NO_FSYNC = new Durability() {
        @Override
        public void forceFile(Path file) {
        }

        @Override
        public void forceDirectory(Path directory) {
        }
    };

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

    private Outbox open(Path outbox, Durability durability) throws Exception {
        return Outbox.open(outbox, clock, RETRY, new Random(7), (file, reason) -> corrupt.add(file.getFileName()
                + ": " + reason), durability);
    }

    private static QueuedMessage queued(int n) {
        return new QueuedMessage(String.format("%013x-%016x", n, n), Instant.parse("2026-11-30T00:00:00Z"),
                Optional.empty(), message("r" + n + "@example.org"));
    }

    /** Writes one segment holding {@code messages} into {@code outbox}'s queue, as one group commit would. */
    private static List<Segment.Entry> segment(Path outbox, QueuedMessage... messages) throws Exception {
        Files.createDirectories(outbox.resolve("tmp"));
        Files.createDirectories(outbox.resolve("queue"));
        return new SegmentWriter(outbox.resolve("tmp"), outbox.resolve("queue"), Durability.FSYNC)
                .appendAll(List.of(messages));
    }

    private static List<String> claimAll(Outbox outbox) throws Exception {
        List<String> ids = new ArrayList<>();
        for (Optional<Outbox.Claim> claim = outbox.pollDue(); claim.isPresent(); claim = outbox.pollDue()) {
            ids.add(claim.get().message().id());
        }
        return ids;
    }

    private List<String> names(String sub) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve(sub))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSegmentWithOneDamagedRecordKeepsDeliveringItsOtherRecordsWhereverTheDamageIs() throws Exception {
        // The middle record's magic, length, SHA-256 and content each damaged in turn: the reader finds the next
        // intact frame again, so records one and three still go, and the damage is put aside and counted once.
        for (int within : new int[] {0, Segment.MAGIC.length + 2, Segment.MAGIC.length + 4 + 5,
                Segment.FRAME_HEADER + 30}) {
            Path outbox = dir.resolve("damaged-at-" + within);
            List<Segment.Entry> entries = segment(outbox, queued(1), queued(2), queued(3));
            Path file = entries.get(0).segment().file();
            byte[] bytes = Files.readAllBytes(file);
            bytes[(int) entries.get(1).offset() + within] ^= 0x40;
            Files.write(file, bytes);
            corrupt.clear();

            Outbox first = open(outbox, Durability.FSYNC);
            assertThat(first.waiting()).as("damage at %d", within).isEqualTo(2);
            assertThat(corrupt).as("damage at %d", within).singleElement().asString()
                    .startsWith(file.getFileName() + "@" + entries.get(1).offset() + ": ");
            assertThat(outbox.resolve("corrupt").resolve(file.getFileName() + "@" + entries.get(1).offset()))
                    .exists();
            // Found again after a restart, but already put aside: not counted twice.
            Outbox second = open(outbox, Durability.FSYNC);
            assertThat(corrupt).hasSize(1);
            assertThat(claimAll(second)).containsExactly(queued(1).id(), queued(3).id());
        }
    }

    @Test
    void aSegmentCutAtAnyByteLosesOnlyTheRecordThatWasCutAndKeepsEveryWholeOne() throws Exception {
        // A segment is renamed into queue/ only once fsynced, so a cut one means damage from outside (a disk, a
        // careless copy); whatever the cut, every record that is whole still goes and the cut one is put aside.
        List<Segment.Entry> entries = segment(dir.resolve("whole"), queued(1), queued(2), queued(3));
        byte[] whole = Files.readAllBytes(entries.get(0).segment().file());
        Durability none = new Durability() {
            @Override
            public void forceFile(Path file) {
            }

            @Override
            public void forceDirectory(Path directory) {
            }
        };
        for (int cut = 0; cut <= whole.length; cut++) {
            Path outbox = dir.resolve("cut-" + cut);
            Files.createDirectories(outbox.resolve("queue"));
            Files.write(outbox.resolve("queue").resolve(entries.get(0).segment().file().getFileName()),
                    Arrays.copyOf(whole, cut));
            corrupt.clear();

            Outbox outboxAfterCut = open(outbox, none);
            assertThat(claimAll(outboxAfterCut)).as("cut at %d", cut).isEqualTo(wholeBefore(entries, cut));
            assertThat(corrupt).as("cut at %d", cut).hasSize(atFrameEnd(entries, cut) ? 0 : 1);
        }
    }

    // The ids of queued(1), queued(2)... whose frames (entries, in that order) end at or before offset.
    private static List<String> wholeBefore(List<Segment.Entry> entries, long offset) {
        List<String> whole = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).offset() + entries.get(i).length() <= offset) {
                whole.add(queued(i + 1).id());
            }
        }
        return whole;
    }

    // Whether offset is the start of the file or the end of one of the frames (nothing is cut there).
    private static boolean atFrameEnd(List<Segment.Entry> entries, long offset) {
        return offset == 0 || entries.stream().anyMatch(entry -> entry.offset() + entry.length() == offset);
    }

    @Test
    void aCommitTornInASegmentWrittenAheadLosesOnlyTheTornRecordAndTheZerosAfterItAreNoDamage() throws Exception {
        // Three commits into one segment written ahead; a crash during a commit can leave any later part of it as
        // the zeros it overwrote (no 202 was given for it). Whatever that part, every record before it still goes,
        // the torn one is put aside, and the zeros to the segment's end are never counted as damage.
        Path whole = dir.resolve("whole");
        Files.createDirectories(whole.resolve("tmp"));
        Files.createDirectories(whole.resolve("queue"));
        SegmentWriter writer = new SegmentWriter(whole.resolve("tmp"), whole.resolve("queue"), NO_FSYNC);
        List<Segment.Entry> entries = List.of(writer.append(queued(1)), writer.append(queued(2)),
                writer.append(queued(3)));
        Path file = entries.get(0).segment().file();
        assertThat(entries).allSatisfy(entry -> assertThat(entry.segment().file()).isEqualTo(file));
        byte[] written = Files.readAllBytes(file);
        assertThat((long) written.length).isEqualTo(SegmentWriter.MIN_SEGMENT);
        int end = (int) (entries.get(2).offset() + entries.get(2).length());
        for (int from = 0; from <= end; from++) {
            Path outbox = dir.resolve("torn-" + from);
            Files.createDirectories(outbox.resolve("queue"));
            byte[] torn = written.clone();
            Arrays.fill(torn, from, end, (byte) 0);
            Files.write(outbox.resolve("queue").resolve(file.getFileName()), torn);
            corrupt.clear();

            Outbox afterCrash = open(outbox, NO_FSYNC);
            assertThat(claimAll(afterCrash)).as("zeros from %d", from).isEqualTo(wholeBefore(entries, from));
            assertThat(corrupt).as("zeros from %d", from).hasSize(atFrameEnd(entries, from) ? 0 : 1);
        }
    }

    @Test
    void aSegmentThatFillsRollsAndTheNextIsWrittenAheadTwiceAsLongWhileTheFirstFills() throws Exception {
        Outbox outbox = open(dir, NO_FSYNC);
        byte[] body = new byte[6000];
        Arrays.fill(body, (byte) 'x');
        List<String> ids = new ArrayList<>();
        while (names("queue").size() < 2) {
            clock.advance(Duration.ofMillis(1));
            ids.add(outbox.accept(new OutgoingMessage("a@example.org", List.of("r@example.org"),
                    ("Subject: " + ids.size() + "\r\n\r\n" + new String(body, StandardCharsets.US_ASCII) + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII)), Optional.empty()).id());
            assertThat(ids).as("a 64 KiB segment holds about ten of these").hasSizeLessThan(20);
        }
        List<Path> segments = names("queue").stream().map(name -> dir.resolve("queue").resolve(name)).toList();
        assertThat(Files.size(segments.get(0))).isEqualTo(SegmentWriter.MIN_SEGMENT);
        assertThat(Files.size(segments.get(1))).isEqualTo(2 * SegmentWriter.MIN_SEGMENT);
        assertThat(segments.get(1).getFileName().toString()).isEqualTo(ids.get(ids.size() - 1) + Segment.SUFFIX);
        // A restart finds every message in the two segments, and no damage in their unused ends.
        Outbox restarted = open(dir, NO_FSYNC);
        assertThat(claimAll(restarted)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(corrupt).isEmpty();
    }

    @Test
    void whenNoSegmentCanBeWrittenAheadACommitWritesASegmentOfItsOwnAndTheAcceptStands() throws Exception {
        // The disk cannot take a segment's zeros (full, say): the message goes into a file just its size.
        Durability noSpares = new Durability() {
            @Override
            public void forceFile(Path file) throws java.io.IOException {
                if (file.getFileName().toString().startsWith("spare-")) {
                    throw new java.io.IOException("injected: no space left on device");
                }
            }

            @Override
            public void forceDirectory(Path directory) {
            }
        };
        Outbox outbox = open(dir, noSpares);
        String id = outbox.accept(message("m@example.org"), Optional.empty()).id();
        Path segment = dir.resolve("queue").resolve(id + Segment.SUFFIX);
        assertThat(names("queue")).containsExactly(id + Segment.SUFFIX);
        assertThat(Files.size(segment)).isLessThan(1024);
        assertThat(names("tmp")).isEmpty();
        assertThat(claimAll(open(dir, NO_FSYNC))).containsExactly(id);
    }

    @Test
    void aSegmentIsRemovedOnceEveryMessageInItIsSentOrFailed() throws Exception {
        Path file = segment(dir, queued(1), queued(2), queued(3)).get(0).segment().file();
        Outbox outbox = open();
        Outbox.Claim one = outbox.pollDue().orElseThrow();
        Outbox.Claim two = outbox.pollDue().orElseThrow();
        Outbox.Claim three = outbox.pollDue().orElseThrow();
        outbox.sent(one, "250 OK", List.of(), List.of());
        outbox.failed(two, "550 no such user", List.of(), List.of());
        assertThat(outbox.deferred(three, "451 later", List.of(three.message().message().recipients().get(0)),
                List.of(), List.of())).isEqualTo(Status.DEFERRED);
        assertThat(file).exists();

        // After a restart the deferred one still holds the segment; once it is sent the segment goes.
        Outbox again = open();
        Outbox.Claim retried = again.pollDue().orElseThrow();
        assertThat(retried.message().id()).isEqualTo(queued(3).id());
        assertThat(file).exists();
        again.sent(retried, "250 OK", List.of(), List.of());
        assertThat(file).doesNotExist();
        assertThat(names("queue")).isEmpty();
        assertThat(again.state(queued(1).id()).orElseThrow().status()).isEqualTo("sent");
        assertThat(again.state(queued(2).id()).orElseThrow().status()).isEqualTo("failed");
    }

    @Test
    void messageFilesOfTheOldLayoutMoveIntoASegmentAndTheBadOnesAreMovedAsideCounted() throws Exception {
        Path queue = Files.createDirectories(dir.resolve("queue"));
        Files.createDirectories(dir.resolve("state"));
        QueuedMessage good = queued(1);
        QueuedMessage truncated = queued(2);
        QueuedMessage altered = queued(3);
        for (QueuedMessage message : List.of(good, truncated, altered)) {
            Files.write(queue.resolve(message.id() + ".msg"), concat(MessageFile.encode(message)));
        }
        byte[] whole = Files.readAllBytes(queue.resolve(truncated.id() + ".msg"));
        Files.write(queue.resolve(truncated.id() + ".msg"), Arrays.copyOf(whole, whole.length - 5));
        byte[] flipped = Files.readAllBytes(queue.resolve(altered.id() + ".msg"));
        flipped[flipped.length - 3] ^= 1;
        Files.write(queue.resolve(altered.id() + ".msg"), flipped);
        Files.writeString(queue.resolve("0000000000000-0000000000000000.msg"), "not a message at all");
        Files.writeString(dir.resolve("state").resolve(good.id() + ".json"), "{\"id\": \"" + good.id() + "\", \"st");

        Outbox outbox = open();
        assertThat(outbox.waiting()).isEqualTo(1);
        assertThat(corrupt).hasSize(4).anyMatch(c -> c.startsWith(truncated.id()) && c.contains("truncated"))
                .anyMatch(c -> c.startsWith(altered.id()) && c.contains("SHA-256"));
        assertThat(names("corrupt")).contains(truncated.id() + ".msg", altered.id() + ".msg",
                "0000000000000-0000000000000000.msg", good.id() + ".json");
        assertThat(names("queue")).containsExactly(good.id() + Segment.SUFFIX);
        Outbox.Claim claim = open().pollDue().orElseThrow();
        assertThat(claim.message().id()).isEqualTo(good.id());
        assertThat(claim.message().message().recipients()).containsExactly("r1@example.org");
    }

    // Where needle first occurs in bytes at or after from; -1 when it does not.
    private static int indexOf(byte[] bytes, byte[] needle, int from) {
        for (int i = from; i + needle.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[][] parts) {
        byte[] all = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    @Test
    void aRecordThatGoesBadWhileWaitingIsPutAsideWhenItsTurnComesAndTheNextOneGoes() throws Exception {
        Outbox outbox = open();
        String bad = outbox.accept(message("bad@example.org"), Optional.empty()).id();
        clock.advance(Duration.ofMillis(1));
        String next = outbox.accept(message("next@example.org"), Optional.empty()).id();
        // Both went into one segment, bad's frame first: one byte of its message changes.
        Path segment = dir.resolve("queue").resolve(bad + Segment.SUFFIX);
        assertThat(names("queue")).containsExactly(bad + Segment.SUFFIX);
        byte[] bytes = Files.readAllBytes(segment);
        int nextFrame = indexOf(bytes, Segment.MAGIC, 1);
        bytes[nextFrame - 3] ^= 1;
        Files.write(segment, bytes);
        assertThat(outbox.pollDue().orElseThrow().message().id()).isEqualTo(next);
        assertThat(corrupt).singleElement().asString().startsWith(bad + Segment.SUFFIX + "@0: ");
        assertThat(dir.resolve("corrupt").resolve(bad + Segment.SUFFIX + "@0"))
                .hasBinaryContent(Arrays.copyOf(bytes, nextFrame));
        assertThat(outbox.waiting()).isEqualTo(1);
        // A restart finds the same stretch put aside already: it is not counted again, and next still waits.
        Outbox restarted = open();
        assertThat(corrupt).hasSize(1);
        assertThat(restarted.pollDue().orElseThrow().message().id()).isEqualTo(next);
    }

    private Outbox open(long memoryBudget) throws Exception {
        return Outbox.open(dir, clock, RETRY, new Random(7), (file, reason) -> corrupt.add(file.getFileName()
                + ": " + reason), Durability.FSYNC, memoryBudget);
    }

    /** Overwrites every segment in the queue with bytes that are no frame at all (not zeros: those are unused). */
    private void damageSegments() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("queue"))) {
            for (Path file : files.toList()) {
                byte[] garbage = new byte[(int) Files.size(file)];
                Arrays.fill(garbage, (byte) 0x55);
                Files.write(file, garbage);
            }
        }
    }

    @Test
    void aMessageAcceptedByThisProcessIsClaimedFromMemoryWithoutReadingItsSegmentAgain() throws Exception {
        Outbox outbox = open(1 << 20);
        String id = outbox.accept(message("m@example.org"), Optional.empty()).id();
        Path segment = dir.resolve("queue").resolve(id + Segment.SUFFIX);
        byte[] onDisk = Files.readAllBytes(segment);
        // A read of the file now would find no frame and put it aside: a claim from memory never looks at it.
        damageSegments();
        List<Outbox.Claim> claims = outbox.awaitDue(32, Duration.ZERO);
        assertThat(claims).singleElement().satisfies(claim -> {
            assertThat(claim.message().id()).isEqualTo(id);
            assertThat(claim.message().message().recipients()).containsExactly("m@example.org");
            assertThat(new String(claim.message().message().content(), StandardCharsets.US_ASCII))
                    .isEqualTo("Subject: for m@example.org\r\n\r\nhi\r\n");
        });
        assertThat(corrupt).isEmpty();
        assertThat(outbox.memoryHeld()).isZero();

        // After a restart the file is the only copy: the claim reads it (damaged now, it is put aside).
        Outbox restarted = open(1 << 20);
        assertThat(restarted.memoryHeld()).isZero();
        assertThat(restarted.awaitDue(32, Duration.ZERO)).isEmpty();
        assertThat(corrupt).singleElement().asString().startsWith(id + Segment.SUFFIX + "@0: ");
        Files.write(segment, onDisk);
    }

    @Test
    void messagesBeyondTheMemoryBudgetAreClaimedFromTheirSegmentAndABatchAcceptIsOneSegment() throws Exception {
        Outbox outbox = open(1 << 20);
        String id = outbox.accept(message("m@example.org"), Optional.empty()).id();
        long one = outbox.memoryHeld();
        assertThat(one).isPositive();
        outbox.awaitDue(32, Duration.ZERO);

        // Room for one message: the first of the batch is held, the second only on disk.
        Outbox small = open(one);
        clock.advance(Duration.ofMillis(1));
        List<Outbox.Accepted> accepted = small.acceptAll(List.of(
                new Outbox.Submission(message("x@example.org"), Optional.empty()),
                new Outbox.Submission(message("y@example.org"), Optional.empty())));
        assertThat(accepted).extracting(Outbox.Accepted::duplicate).containsExactly(false, false);
        assertThat(small.memoryHeld()).isEqualTo(one);
        assertThat(names("queue")).hasSize(2).contains(id + Segment.SUFFIX);
        damageSegments();
        List<Outbox.Claim> claims = small.awaitDue(32, Duration.ZERO);
        // The first came from memory; the second's read found the damage and put it aside (so did id's).
        assertThat(claims).extracting(c -> c.message().message().recipients().get(0))
                .containsExactly("x@example.org");
        assertThat(corrupt).hasSize(2);
        assertThat(small.memoryHeld()).isZero();
    }

    @Test
    void aBatchClaimTakesUpToItsSizeInDueOrderAcrossSegmentsAndPutsAsideOnlyTheFrameThatWentBad() throws Exception {
        List<Segment.Entry> first = segment(dir, queued(1), queued(2), queued(3));
        segment(dir, queued(4), queued(5));
        Outbox outbox = open();
        Path file = first.get(0).segment().file();
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) first.get(1).offset() + Segment.FRAME_HEADER + 10] ^= 1;
        Files.write(file, bytes);

        List<Outbox.Claim> claims = outbox.awaitDue(4, Duration.ZERO);
        assertThat(claims).extracting(claim -> claim.message().id())
                .containsExactly(queued(1).id(), queued(3).id(), queued(4).id());
        assertThat(claims.get(2).message().message().recipients()).containsExactly("r4@example.org");
        assertThat(new String(claims.get(1).message().message().content(), StandardCharsets.US_ASCII))
                .isEqualTo("Subject: for r3@example.org\r\n\r\nhi\r\n");
        assertThat(corrupt).singleElement().asString()
                .startsWith(file.getFileName() + "@" + first.get(1).offset() + ": ");
        assertThat(outbox.waiting()).isEqualTo(4);
        assertThat(outbox.state(queued(1).id()).orElseThrow().status()).isEqualTo("sending");
        // The rest: what is due, no more; then nothing, without waiting.
        assertThat(outbox.awaitDue(4, Duration.ZERO)).extracting(claim -> claim.message().id())
                .containsExactly(queued(5).id());
        assertThat(outbox.awaitDue(4, Duration.ZERO)).isEmpty();
    }

    @Test
    void aBatchClaimWhoseSegmentVanishedForgetsItsMessagesAndTakesTheNextSegment() throws Exception {
        List<Segment.Entry> gone = segment(dir, queued(1), queued(2));
        segment(dir, queued(3));
        Outbox outbox = open();
        Files.delete(gone.get(0).segment().file());

        assertThat(outbox.awaitDue(32, Duration.ZERO)).extracting(claim -> claim.message().id())
                .containsExactly(queued(3).id());
        assertThat(outbox.waiting()).isEqualTo(1);
        assertThat(corrupt).isEmpty();
    }

    @Test
    void aCrashAfterTheSentRecordButBeforeTheSegmentWasRemovedDoesNotSendAgain() throws Exception {
        Outbox first = open();
        String id = first.accept(message("b@example.org"), Optional.of("key-1")).id();
        Path file = dir.resolve("queue").resolve(id + Segment.SUFFIX);
        byte[] saved = Files.readAllBytes(file);
        first.sent(first.pollDue().orElseThrow(), "250 OK id=1", List.of(), List.of());
        // As if the process died between writing the sent record and deleting the segment.
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

    /** Real fsyncs, counted. */
    private static final class CountedDurability implements Durability {
        int files;
        int data;
        int directories;
        boolean failFiles;

        @Override
        public void forceData(java.nio.channels.FileChannel channel, Path file) throws java.io.IOException {
            if (failFiles) {
                throw new java.io.IOException("disk full (test)");
            }
            data++;
            FSYNC.forceData(channel, file);
        }

        @Override
        public void forceFile(Path file) throws java.io.IOException {
            if (failFiles) {
                throw new java.io.IOException("disk full (test)");
            }
            files++;
            FSYNC.forceFile(file);
        }

        @Override
        public void forceDirectory(Path directory) throws java.io.IOException {
            directories++;
            FSYNC.forceDirectory(directory);
        }
    }

    private static List<Outbox.Sent> sentWithTranscripts(List<Outbox.Claim> claims) {
        return claims.stream().map(claim -> new Outbox.Sent(claim, "250 2.0.0 Ok: queued as " + claim.message().id(),
                List.of(), List.of("> DATA", "< 250 for " + claim.message().id()))).toList();
    }

    @Test
    void theSentRecordsOfABatchAreOneFileWithOneFileAndOneDirectoryFsyncAndSurviveARestart() throws Exception {
        QueuedMessage[] messages = new QueuedMessage[32];
        for (int i = 0; i < messages.length; i++) {
            messages[i] = queued(i + 1);
        }
        segment(dir, messages);
        CountedDurability durability = new CountedDurability();
        Outbox outbox = open(dir, durability);
        List<Outbox.Claim> claims = new ArrayList<>();
        for (Optional<Outbox.Claim> claim = outbox.pollDue(); claim.isPresent(); claim = outbox.pollDue()) {
            claims.add(claim.get());
        }
        assertThat(claims).hasSize(32);
        int filesBefore = durability.files;
        int directoriesBefore = durability.directories;

        outbox.sentAll(sentWithTranscripts(claims));

        assertThat(durability.files - filesBefore).isEqualTo(1);
        assertThat(durability.directories - directoriesBefore).isEqualTo(1);
        assertThat(outbox.waiting()).isZero();
        assertThat(names("queue")).isEmpty();
        assertThat(outbox.state(queued(5).id()).orElseThrow().transcript()).containsExactly("> DATA",
                "< 250 for " + queued(5).id());

        Outbox again = open();
        assertThat(again.waiting()).isZero();
        assertThat(again.pollDue()).isEmpty();
        for (QueuedMessage message : messages) {
            MessageState state = again.state(message.id()).orElseThrow();
            assertThat(state.status()).isEqualTo("sent");
            assertThat(state.queueId()).isEqualTo("250 2.0.0 Ok: queued as " + message.id());
            assertThat(state.transcript()).containsExactly("> DATA", "< 250 for " + message.id());
        }
        assertThat(again.list(Optional.of(Status.SENT), Optional.empty(), 100).messages()).hasSize(32);
    }

    @Test
    void aSentRecordInABatchReplacesTheDeferredRecordOfTheSameMessageAcrossRestarts() throws Exception {
        Outbox first = open();
        String id = first.accept(message("b@example.org"), Optional.empty()).id();
        first.deferred(first.pollDue().orElseThrow(), "451 later", List.of("b@example.org"), List.of(),
                List.of("< 451 later"));
        Outbox second = open();
        second.sentAll(sentWithTranscripts(List.of(second.pollDue().orElseThrow())));
        assertThat(second.state(id).orElseThrow().attempts()).isEqualTo(2);

        Outbox third = open();
        assertThat(third.pollDue()).isEmpty();
        MessageState state = third.state(id).orElseThrow();
        assertThat(state.status()).isEqualTo("sent");
        assertThat(state.attempts()).isEqualTo(2);
        assertThat(names("state")).noneMatch(name -> name.equals(id + ".json"));
    }

    @Test
    void aBatchOfSentRecordsThatCannotBeWrittenLeavesNoRecordAndItsMessagesAreSentAgainAfterARestart()
            throws Exception {
        segment(dir, queued(1), queued(2));
        CountedDurability durability = new CountedDurability();
        Outbox outbox = open(dir, durability);
        List<Outbox.Claim> claims = List.of(outbox.pollDue().orElseThrow(), outbox.pollDue().orElseThrow());
        durability.failFiles = true;

        assertThatThrownBy(() -> outbox.sentAll(sentWithTranscripts(claims))).isInstanceOf(
                java.io.IOException.class);
        assertThat(names("state")).isEmpty();
        assertThat(names("tmp")).isEmpty();
        assertThat(outbox.waiting()).isEqualTo(2);

        assertThat(claimAll(open())).containsExactly(queued(1).id(), queued(2).id());
    }

    @Test
    void finishedRecordsOlderThanMaxAgeAreRemovedWithTheirBatchFileAtTheNextStart() throws Exception {
        segment(dir, queued(1), queued(2));
        Outbox outbox = open();
        outbox.sentAll(sentWithTranscripts(List.of(outbox.pollDue().orElseThrow(), outbox.pollDue().orElseThrow())));
        assertThat(names("state")).hasSize(1);
        clock.advance(Duration.ofHours(25));

        Outbox later = open();
        assertThat(names("state")).isEmpty();
        assertThat(later.state(queued(1).id())).isEmpty();
    }

    /** Claims every due message and records it sent with a transcript naming it. */
    private static List<Outbox.Claim> sendAll(Outbox outbox) throws Exception {
        List<Outbox.Claim> claims = new ArrayList<>();
        for (Optional<Outbox.Claim> claim = outbox.pollDue(); claim.isPresent(); claim = outbox.pollDue()) {
            claims.add(claim.get());
        }
        outbox.sentAll(sentWithTranscripts(claims));
        return claims;
    }

    private List<Path> sentLogs() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("state"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sent")).sorted().toList();
        }
    }

    @Test
    void theSentRecordsOfLaterBatchesAreAppendedOverTheZerosWrittenAheadWithOneFdatasyncAndNoNewName() throws Exception {
        segment(dir, queued(1), queued(2));
        segment(dir, queued(3), queued(4));
        CountedDurability durability = new CountedDurability();
        Outbox outbox = open(dir, durability);
        outbox.sentAll(sentWithTranscripts(List.of(outbox.pollDue().orElseThrow(), outbox.pollDue().orElseThrow())));
        int filesBefore = durability.files;
        int dataBefore = durability.data;
        int directoriesBefore = durability.directories;

        outbox.sentAll(sentWithTranscripts(List.of(outbox.pollDue().orElseThrow(), outbox.pollDue().orElseThrow())));

        // The first append wrote zeros ahead: the second overwrites them, one fdatasync with no size to commit.
        assertThat(durability.data - dataBefore).isEqualTo(1);
        assertThat(durability.files - filesBefore).isZero();
        // The second segment's deletion is not forced; the records' file needs no new name.
        assertThat(durability.directories - directoriesBefore).isZero();
        assertThat(names("state")).containsExactly(queued(1).id() + ".sent");
        assertThat(new String(Files.readAllBytes(sentLogs().get(0)), StandardCharsets.ISO_8859_1))
                .as("binary records, not JSON").doesNotContain("\"status\"").doesNotContain("{\"");
        Outbox again = open();
        assertThat(corrupt).as("the zeros after the records are no damage").isEmpty();
        for (int i = 1; i <= 4; i++) {
            MessageState state = again.state(queued(i).id()).orElseThrow();
            assertThat(state.status()).isEqualTo("sent");
            assertThat(state.attempts()).isEqualTo(1);
            assertThat(state.queueId()).isEqualTo("250 2.0.0 Ok: queued as " + queued(i).id());
            assertThat(state.transcript()).containsExactly("> DATA", "< 250 for " + queued(i).id());
        }
        assertThat(again.waiting()).isZero();
    }

    @Test
    void aRestartedOutboxAppendsToANewFileAndNeverAfterTheLastRunsTail() throws Exception {
        segment(dir, queued(1));
        segment(dir, queued(2));
        Outbox first = open();
        first.sentAll(sentWithTranscripts(List.of(first.pollDue().orElseThrow())));
        byte[] firstRun = Files.readAllBytes(sentLogs().get(0));

        Outbox second = open();
        sendAll(second);

        assertThat(names("state")).containsExactly(queued(1).id() + ".sent", queued(2).id() + ".sent");
        assertThat(sentLogs().get(0)).hasBinaryContent(firstRun);
    }

    @Test
    void aSentLogCutAtAnyByteKeepsEveryWholeRecordAndSendsTheCutOnesAgain() throws Exception {
        // A crash in the middle of an append (before its fsync returned, so before the messages left the queue)
        // leaves a torn tail: the whole records stand, the torn one is put aside, counted once, and sent again.
        Path whole = dir.resolve("whole");
        segment(whole, queued(1), queued(2), queued(3));
        Outbox writer = open(whole, Durability.FSYNC);
        writer.sentAll(sentWithTranscripts(List.of(writer.pollDue().orElseThrow())));
        writer.sentAll(sentWithTranscripts(List.of(writer.pollDue().orElseThrow(), writer.pollDue().orElseThrow())));
        Path log;
        try (Stream<Path> files = Files.list(whole.resolve("state"))) {
            log = files.findFirst().orElseThrow();
        }
        // The records, without the zeros written ahead after them (a cut there loses nothing).
        List<Long> ends = frameEnds(Files.readAllBytes(log));
        assertThat(ends).hasSize(3);
        byte[] bytes = Arrays.copyOf(Files.readAllBytes(log), (int) (long) ends.get(2));
        byte[] segmentBytes = Files.readAllBytes(segment(dir.resolve("segment"), queued(1), queued(2), queued(3))
                .get(0).segment().file());
        for (int cut = 0; cut <= bytes.length; cut += cut < 200 ? 1 : 7) {
            Path outbox = dir.resolve("cut-" + cut);
            Files.createDirectories(outbox.resolve("queue"));
            Files.createDirectories(outbox.resolve("state"));
            Files.write(outbox.resolve("queue").resolve(queued(1).id() + Segment.SUFFIX), segmentBytes);
            Files.write(outbox.resolve("state").resolve(log.getFileName()), Arrays.copyOf(bytes, cut));
            corrupt.clear();
            List<String> again = new ArrayList<>();
            boolean atBoundary = cut == 0;
            for (int i = 0; i < ends.size(); i++) {
                if (ends.get(i) > cut) {
                    again.add(queued(i + 1).id());
                }
                atBoundary |= ends.get(i) == cut;
            }

            Outbox afterCut = open(outbox, NO_FSYNC);
            assertThat(corrupt).as("cut at %d", cut).hasSize(atBoundary ? 0 : 1);
            assertThat(claimAll(afterCut)).as("cut at %d", cut).isEqualTo(again);
            for (int i = 0; i < ends.size(); i++) {
                if (ends.get(i) <= cut) {
                    assertThat(afterCut.state(queued(i + 1).id()).orElseThrow().status()).isEqualTo("sent");
                }
            }
            open(outbox, NO_FSYNC);
            assertThat(corrupt).as("counted once, cut at %d", cut).hasSize(atBoundary ? 0 : 1);
        }
    }

    // A file of frames up to its last frame's end (without the zeros written ahead).
    private static byte[] records(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        List<Long> ends = frameEnds(bytes);
        return Arrays.copyOf(bytes, ends.isEmpty() ? 0 : (int) (long) ends.get(ends.size() - 1));
    }

    // Where each frame of a file of frames ends.
    private static List<Long> frameEnds(byte[] bytes) {
        List<Long> ends = new ArrayList<>();
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        long at = 0;
        // Up to the zeros written ahead after the last frame, if any.
        while (at + Segment.FRAME_HEADER <= bytes.length
                && Arrays.equals(bytes, (int) at, (int) at + Segment.MAGIC.length, Segment.MAGIC, 0,
                Segment.MAGIC.length)) {
            at += Segment.FRAME_HEADER + buffer.getInt((int) at + Segment.MAGIC.length);
            ends.add(at);
        }
        return ends;
    }

    @Test
    void aLogWhoseOnlyAppendWasTornIsPutAsideAndRemovedSoTheNextRunCanTakeItsName() throws Exception {
        // A crash in a log's first append: no record in it is whole, so its messages are still queued; its first
        // message is then the first of the next run's first batch, whose log takes the same name.
        segment(dir, queued(1), queued(2));
        Outbox first = open();
        first.sentAll(sentWithTranscripts(List.of(first.pollDue().orElseThrow(), first.pollDue().orElseThrow())));
        Path log = sentLogs().get(0);
        byte[] torn = Arrays.copyOf(Files.readAllBytes(log), 30);
        segment(dir, queued(1), queued(2));
        Files.write(log, torn);

        Outbox second = open();
        assertThat(corrupt).hasSize(1);
        assertThat(dir.resolve("corrupt").resolve(log.getFileName() + "@0")).hasBinaryContent(torn);
        assertThat(log).doesNotExist();
        sendAll(second);

        assertThat(sentLogs()).containsExactly(log);
        Outbox third = open();
        assertThat(third.waiting()).isZero();
        assertThat(third.state(queued(1).id()).orElseThrow().status()).isEqualTo("sent");
        assertThat(corrupt).hasSize(1);
    }

    @Test
    void aDamagedRecordInTheSentLogIsPutAsideItsMessageSentAgainAndTheOthersStand() throws Exception {
        // The fourth message still waits, so the segment (and the second message in it) is still there.
        segment(dir, queued(1), queued(2), queued(3), queued(4));
        Outbox first = open();
        first.sentAll(sentWithTranscripts(List.of(first.pollDue().orElseThrow(), first.pollDue().orElseThrow(),
                first.pollDue().orElseThrow())));
        Path log = sentLogs().get(0);
        byte[] bytes = Files.readAllBytes(log);
        long middle = frameEnds(bytes).get(0);
        bytes[(int) middle + Segment.FRAME_HEADER + 3] ^= 0x10;
        Files.write(log, bytes);

        Outbox outbox = open();
        assertThat(corrupt).singleElement().asString().startsWith(log.getFileName() + "@" + middle + ": ")
                .contains("SHA-256");
        assertThat(dir.resolve("corrupt").resolve(log.getFileName() + "@" + middle)).exists();
        assertThat(claimAll(outbox)).containsExactly(queued(2).id(), queued(4).id());
        assertThat(outbox.state(queued(1).id()).orElseThrow().status()).isEqualTo("sent");
        assertThat(outbox.state(queued(3).id()).orElseThrow().transcript()).containsExactly("> DATA",
                "< 250 for " + queued(3).id());
    }

    @Test
    void aRecordWhoseChecksumHoldsButWhoseContentIsNoRecordIsPutAsideNotACrash() throws Exception {
        segment(dir, queued(1), queued(2));
        Files.createDirectories(dir.resolve("state"));
        byte[][] garbage = Segment.frame(new byte[] {1, 0, 0, 0, 9, 'x'});
        byte[][] wrongVersion = Segment.frame(new byte[] {(byte) 0x7f, 1, 2, 3});
        Files.write(dir.resolve("state").resolve(queued(1).id() + ".sent"),
                concat(new byte[][] {concat(garbage), concat(wrongVersion)}));

        Outbox outbox = open();
        assertThat(corrupt).hasSize(2);
        assertThat(claimAll(outbox)).containsExactly(queued(1).id(), queued(2).id());
    }

    @Test
    void aFailedAppendLeavesTheEarlierRecordsWholeAndItsOwnMessagesAreSentAgainAfterARestart() throws Exception {
        segment(dir, queued(1), queued(2), queued(3));
        CountedDurability durability = new CountedDurability();
        Outbox outbox = open(dir, durability);
        outbox.sentAll(sentWithTranscripts(List.of(outbox.pollDue().orElseThrow())));
        byte[] before = records(sentLogs().get(0));
        List<Outbox.Claim> claims = List.of(outbox.pollDue().orElseThrow(), outbox.pollDue().orElseThrow());
        durability.failFiles = true;

        assertThatThrownBy(() -> outbox.sentAll(sentWithTranscripts(claims))).isInstanceOf(
                java.io.IOException.class);
        assertThat(outbox.waiting()).isEqualTo(2);
        assertThat(records(sentLogs().get(0))).isEqualTo(before);

        durability.failFiles = false;
        Outbox again = open(dir, durability);
        assertThat(corrupt).isEmpty();
        assertThat(claimAll(again)).containsExactly(queued(2).id(), queued(3).id());
        assertThat(again.state(queued(1).id()).orElseThrow().status()).isEqualTo("sent");
    }

    @Test
    void sentRecordsOfAnEarlierVersionAsJsonRecsFilesAreStillReadAtStartup() throws Exception {
        // Before the sent log, each delivery batch wrote state/<first id>.recs: frames of JSON records.
        segment(dir, queued(1), queued(2), queued(3));
        Files.createDirectories(dir.resolve("state"));
        List<byte[]> frames = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            MessageState sent = new MessageState(queued(i).id(), "sent", 1, "2026-11-30T00:00:00Z",
                    "2026-11-30T00:00:01Z", null, "250 queued as Q" + i, "250 queued as Q" + i, null, null,
                    "key-" + i, List.of("> DATA", "< 250 queued as Q" + i));
            frames.add(concat(Segment.frame(Mappers.JSON.writeValueAsBytes(sent))));
        }
        Files.write(dir.resolve("state").resolve(queued(1).id() + ".recs"), concat(frames.toArray(byte[][]::new)));

        Outbox outbox = open();
        assertThat(corrupt).isEmpty();
        assertThat(claimAll(outbox)).containsExactly(queued(3).id());
        MessageState state = outbox.state(queued(2).id()).orElseThrow();
        assertThat(state.status()).isEqualTo("sent");
        assertThat(state.queueId()).isEqualTo("250 queued as Q2");
        assertThat(state.transcript()).containsExactly("> DATA", "< 250 queued as Q2");
        assertThat(outbox.accept(message("x@example.org"), Optional.of("key-1")).id()).isEqualTo(queued(1).id());
        assertThat(names("state")).contains(queued(1).id() + ".recs");
        // Read again at the next start too, until its records are older than max-age.
        Outbox later = open();
        assertThat(later.state(queued(1).id()).orElseThrow().status()).isEqualTo("sent");
        sendAll(later);
        clock.advance(Duration.ofHours(25));
        open();
        assertThat(names("state")).doesNotContain(queued(1).id() + ".recs");
    }

    /** Claims the due messages, each by its id. */
    private static java.util.Map<String, Outbox.Claim> claimsById(Outbox outbox) throws Exception {
        java.util.Map<String, Outbox.Claim> claims = new java.util.HashMap<>();
        for (Optional<Outbox.Claim> claim = outbox.pollDue(); claim.isPresent(); claim = outbox.pollDue()) {
            claims.put(claim.get().message().id(), claim.get());
        }
        return claims;
    }

    @Test
    void aSentMessageIsForgottenWhileRunningMaxAgeAfterItWasSentAsARestartWouldButAWaitingOneIsNot()
            throws Exception {
        Outbox outbox = open();
        String sent = outbox.accept(message("b@example.org"), Optional.of("key-sent")).id();
        String waiting = outbox.accept(message("c@example.org"), Optional.of("key-waiting")).id();
        java.util.Map<String, Outbox.Claim> claims = claimsById(outbox);
        assertThat(claims).containsOnlyKeys(sent, waiting);
        outbox.sent(claims.get(sent), "250 OK id=1", List.of(), List.of());
        assertThat(outbox.deferred(claims.get(waiting), "451 later", List.of("c@example.org"), List.of(),
                List.of())).isEqualTo(Status.DEFERRED);

        // Just before max-age: the sent message answers, in the list too, and its key gives its id.
        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertThat(outbox.state(sent).orElseThrow().status()).isEqualTo("sent");
        assertThat(outbox.list(Optional.empty(), Optional.empty(), 50).messages()).extracting(MessageState::id)
                .containsExactlyInAnyOrder(sent, waiting);
        assertThat(outbox.accept(message("b@example.org"), Optional.of("key-sent")))
                .isEqualTo(new Outbox.Accepted(sent, true));
        assertThat(outbox.indexed()).isEqualTo(2);

        // At max-age it is gone from GET, the list and the keys, as after a restart; the waiting message, older
        // than max-age too, stays with its key until the retry policy fails it.
        clock.advance(Duration.ofSeconds(1));
        assertThat(outbox.state(sent)).isEmpty();
        assertThat(open().state(sent)).as("after a restart").isEmpty();
        assertThat(outbox.list(Optional.empty(), Optional.empty(), 50).messages()).extracting(MessageState::id)
                .containsExactly(waiting);
        assertThat(outbox.state(waiting).orElseThrow().status()).isEqualTo("deferred");
        assertThat(outbox.accept(message("c@example.org"), Optional.of("key-waiting")))
                .isEqualTo(new Outbox.Accepted(waiting, true));
        Outbox.Accepted again = outbox.accept(message("b@example.org"), Optional.of("key-sent"));
        assertThat(again.duplicate()).isFalse();
        assertThat(again.id()).isNotEqualTo(sent);
        assertThat(outbox.state(again.id()).orElseThrow().status()).isEqualTo("queued");

        // The waiting message fails at its next attempt, by the retry policy's own rule, and is then kept a
        // max-age from its failure.
        Outbox.Claim retried = outbox.pollDue().orElseThrow();
        assertThat(retried.message().id()).isEqualTo(waiting);
        assertThat(outbox.deferred(retried, "451 later", List.of("c@example.org"), List.of(), List.of()))
                .isEqualTo(Status.FAILED);
        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertThat(outbox.state(waiting).orElseThrow().status()).isEqualTo("failed");
        clock.advance(Duration.ofSeconds(1));
        assertThat(outbox.state(waiting)).isEmpty();
        assertThat(outbox.accept(message("c@example.org"), Optional.of("key-waiting")).duplicate()).isFalse();
    }

    @Test
    void finishedMessagesPastMaxAgeLeaveTheIndexAndTheKeysWhileRunningOldestFirst() throws Exception {
        Outbox outbox = open(dir, NO_FSYNC);
        List<Outbox.Submission> batch = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            batch.add(new Outbox.Submission(message("r" + i + "@example.org"), Optional.of("key-" + i)));
        }
        outbox.acceptAll(batch.subList(0, 200));
        sendAll(outbox);
        clock.advance(Duration.ofHours(12));
        outbox.acceptAll(batch.subList(200, 400));
        List<Outbox.Claim> later = new ArrayList<>(claimsById(outbox).values());
        outbox.sentAll(sentWithTranscripts(later.subList(0, 150)));
        for (Outbox.Claim claim : later.subList(150, 200)) {
            outbox.failed(claim, "550 no such user", List.of(), List.of());
        }
        assertThat(outbox.indexed()).isEqualTo(400);
        assertThat(outbox.keysRemembered()).isEqualTo(400);

        clock.advance(Duration.ofHours(12));
        assertThat(outbox.list(Optional.empty(), Optional.empty(), 500).messages()).hasSize(200);
        assertThat(outbox.indexed()).isEqualTo(200);
        assertThat(outbox.keysRemembered()).isEqualTo(200);

        clock.advance(Duration.ofHours(12));
        assertThat(outbox.list(Optional.empty(), Optional.empty(), 500).messages()).isEmpty();
        assertThat(outbox.indexed()).isZero();
        assertThat(outbox.keysRemembered()).isZero();
        assertThat(outbox.waiting()).isZero();
    }

    /** What two days of traffic left: when each message finished, sent or failed, and its segment as accepted. */
    private record Traffic(Map<String, Instant> sentAt, Map<String, Instant> failedAt, String deferredThenSent,
                           Map<String, byte[]> segments, Map<String, List<String>> idsBySegment) {
    }

    /**
     * Two days of traffic, a batch an hour (one segment each): nine sent, one failed (its own {@code .json}); at
     * hour 30 one message is deferred and sent an hour later with the next batch.
     */
    private Traffic twoDaysOfTraffic(Outbox outbox) throws Exception {
        Map<String, Instant> sentAt = new HashMap<>();
        Map<String, Instant> failedAt = new HashMap<>();
        Map<String, byte[]> segments = new HashMap<>();
        Map<String, List<String>> idsBySegment = new HashMap<>();
        String deferredThenSent = null;
        for (int hour = 0; hour < 48; hour++) {
            List<Outbox.Submission> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(new Outbox.Submission(message("h" + hour + "-" + i + "@example.org"), Optional.empty()));
            }
            List<String> ids = outbox.acceptAll(batch).stream().map(Outbox.Accepted::id).toList();
            Path segment = dir.resolve("queue").resolve(ids.get(0) + Segment.SUFFIX);
            segments.put(segment.getFileName().toString(), Files.readAllBytes(segment));
            idsBySegment.put(segment.getFileName().toString(), ids);
            List<Outbox.Claim> claims = new ArrayList<>(claimsById(outbox).values());
            claims.sort(java.util.Comparator.comparing(claim -> claim.message().id()));
            Outbox.Claim failing = claims.stream().filter(claim -> ids.get(0).equals(claim.message().id()))
                    .findFirst().orElseThrow();
            claims.remove(failing);
            outbox.failed(failing, "550 no such user", List.of(), List.of());
            failedAt.put(failing.message().id(), clock.instant());
            if (hour == 30) {
                Outbox.Claim deferring = claims.remove(claims.size() - 1);
                deferredThenSent = deferring.message().id();
                outbox.deferred(deferring, "451 later", deferring.message().message().recipients(), List.of(),
                        List.of());
                assertThat(dir.resolve("state").resolve(deferredThenSent + ".json")).exists();
            }
            outbox.sentAll(sentWithTranscripts(claims));
            claims.forEach(claim -> sentAt.put(claim.message().id(), clock.instant()));
            if (hour == 31) {
                assertThat(sentAt).containsKey(deferredThenSent);
                assertThat(dir.resolve("state").resolve(deferredThenSent + ".json"))
                        .as("a deferred record superseded by its sent one").doesNotExist();
            }
            clock.advance(Duration.ofHours(1));
        }
        return new Traffic(sentAt, failedAt, deferredThenSent, segments, idsBySegment);
    }

    /** Every record in the sent logs in state/, by file name. */
    private Map<String, List<MessageState>> recordsOnDisk() throws Exception {
        Map<String, List<MessageState>> all = new java.util.TreeMap<>();
        for (Path log : sentLogs()) {
            all.put(log.getFileName().toString(), SegmentReader.scan(log, StateCodec::decode).found().stream()
                    .map(SegmentReader.Found::value).toList());
        }
        return all;
    }

    private boolean expired(Instant finishedAt) {
        return RETRY.expired(finishedAt, clock.instant());
    }

    @Test
    void aRunningOutboxDeletesTheRecordFilesOfMessagesPastMaxAgeAndKeepsTheNewest() throws Exception {
        Outbox outbox = open(dir, NO_FSYNC);
        Traffic traffic = twoDaysOfTraffic(outbox);
        outbox.list(Optional.empty(), Optional.empty(), 1);

        // No sent log holds only records past max-age, and none is older than one roll age past it.
        Map<String, List<MessageState>> onDisk = recordsOnDisk();
        Instant oldestAllowed = clock.instant().minus(RETRY.maxAge())
                .minus(RETRY.maxAge().dividedBy(Outbox.LOG_ROLLS_PER_MAX_AGE));
        for (Map.Entry<String, List<MessageState>> log : onDisk.entrySet()) {
            assertThat(log.getValue()).as(log.getKey())
                    .anyMatch(state -> !expired(Instant.parse(state.updatedAt())))
                    .allMatch(state -> Instant.parse(state.updatedAt()).isAfter(oldestAllowed));
        }
        assertThat(onDisk).hasSizeLessThanOrEqualTo(Outbox.LOG_ROLLS_PER_MAX_AGE + 1);
        // Every message finished within max-age still has its record on disk and answers.
        List<String> recorded = onDisk.values().stream().flatMap(List::stream).map(MessageState::id).toList();
        traffic.sentAt().forEach((id, at) -> {
            if (!expired(at)) {
                assertThat(recorded).as(id).contains(id);
                assertThat(outbox.state(id).orElseThrow().status()).isEqualTo("sent");
            }
        });
        // A failed message's own record goes as its message is forgotten.
        List<String> jsons = names("state").stream().filter(name -> name.endsWith(".json")).toList();
        List<String> failedWithinMaxAge = traffic.failedAt().entrySet().stream().filter(e -> !expired(e.getValue()))
                .map(e -> e.getKey() + ".json").toList();
        assertThat(jsons).containsExactlyInAnyOrderElementsOf(failedWithinMaxAge);
        // Now is hour 48: the batches of hours 25 to 47 are within max-age.
        assertThat(failedWithinMaxAge).hasSize(23);
        assertThat(names("queue")).isEmpty();
        assertThat(outbox.indexed()).isEqualTo(23 * 10);
    }

    @Test
    void aRestartAfterTheRunningExpiryLoadsNoExpiredRecordAndSendsNothingRecordedWithinMaxAge() throws Exception {
        Outbox outbox = open(dir, NO_FSYNC);
        Traffic traffic = twoDaysOfTraffic(outbox);
        outbox.list(Optional.empty(), Optional.empty(), 1);
        List<String> stateBefore = names("state");
        // As if the segments of the messages finished within max-age were never deleted (their deletions are not
        // forced): the records that are left must still say they are finished.
        traffic.segments().forEach((name, bytes) -> {
            boolean recent = traffic.idsBySegment().get(name).stream().allMatch(id -> !expired(
                    traffic.sentAt().getOrDefault(id, traffic.failedAt().get(id))));
            if (recent) {
                try {
                    Files.write(dir.resolve("queue").resolve(name), bytes);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        assertThat(names("queue")).hasSize(23);

        Outbox restarted = open(dir, NO_FSYNC);
        assertThat(claimAll(restarted)).isEmpty();
        assertThat(restarted.waiting()).isZero();
        assertThat(names("queue")).isEmpty();
        List<String> within = new ArrayList<>();
        traffic.sentAt().forEach((id, at) -> {
            if (!expired(at)) {
                within.add(id);
            } else {
                assertThat(restarted.state(id)).as(id).isEmpty();
            }
        });
        traffic.failedAt().forEach((id, at) -> {
            if (!expired(at)) {
                within.add(id);
            }
        });
        assertThat(restarted.list(Optional.empty(), Optional.empty(), 1000).messages())
                .extracting(MessageState::id).containsExactlyInAnyOrderElementsOf(within);
        assertThat(restarted.state(traffic.deferredThenSent()).orElseThrow().attempts()).isEqualTo(2);
        assertThat(names("state")).isEqualTo(stateBefore);
    }

    @Test
    void theSentLogRollsAQuarterOfMaxAgeAfterItBeganAndARolledLogGoesMaxAgeAfterItsLastRecord() throws Exception {
        Outbox outbox = open(dir, NO_FSYNC);
        outbox.accept(message("a@example.org"), Optional.empty());
        sendAll(outbox);
        List<Path> first = sentLogs();
        assertThat(first).hasSize(1);
        clock.advance(Duration.ofHours(6).minusSeconds(1));
        outbox.accept(message("b@example.org"), Optional.empty());
        sendAll(outbox);
        assertThat(sentLogs()).as("younger than a quarter of max-age: appended to").isEqualTo(first);

        clock.advance(Duration.ofSeconds(1));
        outbox.accept(message("c@example.org"), Optional.empty());
        sendAll(outbox);
        List<Path> logs = sentLogs();
        assertThat(logs).as("a quarter of max-age old: rolled").hasSize(2).contains(first.get(0));
        Path second = logs.stream().filter(log -> !log.equals(first.get(0))).findFirst().orElseThrow();

        // The segment that took a, b and c rolls (as after its idle second); their messages are all sent, so it
        // goes, and their records may go with their age.
        outbox.close();
        assertThat(names("queue")).isEmpty();
        // The first log's last record is max-age old: the log goes, while the current one stays.
        clock.advance(Duration.ofHours(24).minusSeconds(1));
        outbox.list(Optional.empty(), Optional.empty(), 1);
        assertThat(sentLogs()).containsExactly(second);
        // No append since: the expiry pass rolled the idle log, so it goes with its last record, and an idle
        // outbox's state/ is empty.
        clock.advance(Duration.ofSeconds(1));
        assertThat(outbox.list(Optional.empty(), Optional.empty(), 10).messages()).isEmpty();
        assertThat(sentLogs()).isEmpty();
        String last = outbox.accept(message("d@example.org"), Optional.empty()).id();
        sendAll(outbox);
        assertThat(sentLogs()).extracting(log -> log.getFileName().toString()).containsExactly(last + ".sent");
    }

    @Test
    void aSentRecordPastMaxAgeStaysWhileItsSegmentHoldsAMessageStillWaitingSoARestartDoesNotSendItAgain()
            throws Exception {
        Outbox outbox = open(dir, NO_FSYNC);
        List<String> ids = outbox.acceptAll(List.of(
                new Outbox.Submission(message("a@example.org"), Optional.empty()),
                new Outbox.Submission(message("b@example.org"), Optional.empty()))).stream()
                .map(Outbox.Accepted::id).toList();
        Map<String, Outbox.Claim> claims = claimsById(outbox);
        outbox.sentAll(sentWithTranscripts(List.of(claims.get(ids.get(0)))));
        outbox.deferred(claims.get(ids.get(1)), "451 later", List.of("b@example.org"), List.of(), List.of());
        Path log = sentLogs().get(0);
        // Another message a quarter of max-age later rolls the log, so only its records hold it.
        clock.advance(Duration.ofHours(7));
        String other = outbox.accept(message("c@example.org"), Optional.empty()).id();
        outbox.sentAll(sentWithTranscripts(List.of(claimsById(outbox).get(other))));
        assertThat(sentLogs()).hasSize(2);

        // Past max-age the sent message is forgotten, but its segment still holds the deferred one: the record
        // stays, and a restart (a crash now) does not send it again.
        clock.advance(Duration.ofHours(17).plusSeconds(1));
        assertThat(outbox.state(ids.get(0))).isEmpty();
        assertThat(log).exists();
        Outbox restarted = open(dir, NO_FSYNC);
        assertThat(restarted.state(ids.get(0))).isEmpty();
        List<Outbox.Claim> due = restarted.awaitDue(10, Duration.ZERO);
        assertThat(due).extracting(claim -> claim.message().id()).containsExactly(ids.get(1));
        assertThat(log).exists();

        // The waiting one fails (past max-age): its segment goes, and the sent record with it.
        assertThat(restarted.deferred(due.get(0), "451 later", List.of("b@example.org"), List.of(), List.of()))
                .isEqualTo(Status.FAILED);
        assertThat(names("queue")).isEmpty();
        assertThat(log).doesNotExist();
        assertThat(claimAll(open(dir, NO_FSYNC))).isEmpty();
    }

    @Test
    void anExpiredRecordFileStaysWhenQueueCannotBeForcedFirst() throws Exception {
        // queue/ is forced before a final record goes, so a segment deletion lost in a crash cannot come back
        // without its record; when that fails the record file stays (the next start tries again).
        boolean[] queueFails = {false};
        Durability durability = new Durability() {
            @Override
            public void forceFile(Path file) {
            }

            @Override
            public void forceDirectory(Path directory) throws java.io.IOException {
                if (queueFails[0] && directory.endsWith("queue")) {
                    throw new java.io.IOException("injected: fsync failed");
                }
            }
        };
        Outbox outbox = open(dir, durability);
        outbox.accept(message("a@example.org"), Optional.empty());
        sendAll(outbox);
        Path log = sentLogs().get(0);
        clock.advance(Duration.ofHours(7));
        outbox.accept(message("b@example.org"), Optional.empty());
        sendAll(outbox);
        queueFails[0] = true;

        clock.advance(Duration.ofHours(17));
        outbox.list(Optional.empty(), Optional.empty(), 1);
        assertThat(log).exists();
        queueFails[0] = false;
        open(dir, durability);
        assertThat(log).doesNotExist();
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
