package dev.netlab.mailclient.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.netlab.kit.testing.MutableClock;
import dev.netlab.mailclient.smtp.OutgoingMessage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accepts that arrive together share one commit into the active segment: one fdatasync, and their failure. */
class GroupCommitTest {

    private static final RetryPolicy RETRY = new RetryPolicy(Duration.ofMinutes(1), Duration.ofMinutes(8),
            Duration.ofHours(24));
    private static final int FOLLOWERS = 8;

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * Real fsyncs, counted by kind; the first directory fsync waits until the test lets it go; a chosen data fsync
     * (a commit's {@code fdatasync}) fails.
     */
    private static final class HeldDurability implements Durability {
        final AtomicInteger fileForces = new AtomicInteger();
        final AtomicInteger dataForces = new AtomicInteger();
        final AtomicInteger directoryForces = new AtomicInteger();
        final CountDownLatch firstEntered = new CountDownLatch(1);
        final CountDownLatch letFirstGo = new CountDownLatch(1);
        final int failingDataForce;

        HeldDurability(int failingDataForce) {
            this.failingDataForce = failingDataForce;
        }

        @Override
        public void forceFile(Path file) throws IOException {
            fileForces.incrementAndGet();
            FSYNC.forceFile(file);
        }

        @Override
        public void forceData(FileChannel channel, Path file) throws IOException {
            if (dataForces.incrementAndGet() == failingDataForce) {
                throw new IOException("injected: fsync failed");
            }
            FSYNC.forceData(channel, file);
        }

        @Override
        public void forceDirectory(Path directory) throws IOException {
            if (directoryForces.incrementAndGet() == 1) {
                firstEntered.countDown();
                try {
                    letFirstGo.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            FSYNC.forceDirectory(directory);
        }
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private Outbox open(Durability durability) throws IOException {
        return Outbox.open(dir, new MutableClock(Instant.parse("2026-11-30T00:00:00Z")), RETRY, new Random(7),
                (file, reason) -> { }, durability);
    }

    private static OutgoingMessage message(int n) {
        return new OutgoingMessage("a@example.org", List.of("r" + n + "@example.org"), ("Subject: " + n
                + "\r\n\r\nhi\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The leader's accept is held in its directory fsync while FOLLOWERS more accepts queue up behind it. */
    private List<Future<String>> leaderThenFollowers(Outbox outbox, HeldDurability durability) throws Exception {
        List<Future<String>> accepts = new ArrayList<>();
        accepts.add(threads.submit(() -> outbox.accept(message(0), Optional.empty()).id()));
        assertThat(durability.firstEntered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int n = 1; n <= FOLLOWERS; n++) {
            int number = n;
            accepts.add(threads.submit(() -> outbox.accept(message(number), Optional.empty()).id()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox.waitingForCommit() >= FOLLOWERS);
        assertThat(outbox.waitingForCommit()).isEqualTo(FOLLOWERS);
        durability.letFirstGo.countDown();
        return accepts;
    }

    /** The ids of the messages in each segment in {@code queue/}, one list per segment. */
    private List<List<String>> segments() throws IOException {
        List<List<String>> segments = new ArrayList<>();
        for (String name : files("queue")) {
            assertThat(name).endsWith(Segment.SUFFIX);
            SegmentReader.Scan<QueuedMessage> scan = SegmentReader.scan(dir.resolve("queue").resolve(name));
            assertThat(scan.damaged()).isEmpty();
            segments.add(scan.found().stream().map(f -> f.value().id()).toList());
        }
        return segments;
    }

    private List<String> files(String sub) throws IOException {
        try (Stream<Path> entries = Files.list(dir.resolve(sub))) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aLoneAcceptIsCommittedAtOnceWithOneDataFsyncAndTheDirectoryFsyncThatNamesItsSegment() throws Exception {
        HeldDurability durability = new HeldDurability(0);
        durability.letFirstGo.countDown();
        Outbox outbox = open(durability);
        String id = outbox.accept(message(1), Optional.empty()).id();
        assertThat(files("queue")).containsExactly(id + Segment.SUFFIX);
        assertThat(segments()).containsExactly(List.of(id));
        // The segment was written ahead as zeros (its one file fsync), then the message over them: one fdatasync,
        // and queue/ once for the segment's name.
        assertThat(durability.fileForces).hasValue(1);
        assertThat(durability.dataForces).hasValue(1);
        assertThat(durability.directoryForces).hasValue(1);
        assertThat(files("tmp")).isEmpty();
    }

    @Test
    void aBatchOfAcceptsCostsOneDataFsyncAndGoesAfterItsPredecessorInTheSameSegment() throws Exception {
        HeldDurability durability = new HeldDurability(0);
        Outbox outbox = open(durability);
        List<String> ids = new ArrayList<>();
        for (Future<String> accept : leaderThenFollowers(outbox, durability)) {
            ids.add(accept.get(10, TimeUnit.SECONDS));
        }
        assertThat(ids).doesNotHaveDuplicates().hasSize(FOLLOWERS + 1);
        // One segment: the leader's message first, then every follower's, written by the second commit.
        assertThat(files("queue")).containsExactly(ids.get(0) + Segment.SUFFIX);
        assertThat(segments()).singleElement().satisfies(inOrder -> {
            assertThat(inOrder.get(0)).isEqualTo(ids.get(0));
            assertThat(inOrder.subList(1, inOrder.size())).containsExactlyInAnyOrderElementsOf(ids.subList(1,
                    ids.size()));
        });
        assertThat(files("tmp")).isEmpty();
        // Two batches: one fdatasync each, however many followers; only the first named a new file in queue/.
        assertThat(durability.dataForces).hasValue(2);
        assertThat(durability.directoryForces).hasValue(1);
        assertThat(outbox.waiting()).isEqualTo(FOLLOWERS + 1);
    }

    @Test
    void aFailedDataFsyncFailsEveryAcceptInItsBatchCutsItOffAndLeavesNoneOfThem() throws Exception {
        HeldDurability durability = new HeldDurability(2);
        Outbox outbox = open(durability);
        List<Future<String>> accepts = leaderThenFollowers(outbox, durability);
        String leader = accepts.get(0).get(10, TimeUnit.SECONDS);
        for (Future<String> follower : accepts.subList(1, accepts.size())) {
            assertThatThrownBy(() -> follower.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IOException.class).hasMessageContaining("injected: fsync failed");
        }
        // The followers' frames were cut off the leader's segment: a restart finds the leader's message alone,
        // and nothing damaged.
        assertThat(files("queue")).containsExactly(leader + Segment.SUFFIX);
        assertThat(segments()).containsExactly(List.of(leader));
        assertThat(files("tmp")).isEmpty();
        assertThat(outbox.waiting()).isEqualTo(1);
        assertThat(open(Durability.FSYNC).waiting()).isEqualTo(1);
        // The failed segment takes no more: the next accept starts a segment of its own.
        String after = outbox.accept(message(99), Optional.empty()).id();
        assertThat(files("queue")).containsExactlyInAnyOrder(leader + Segment.SUFFIX, after + Segment.SUFFIX);
    }
}
