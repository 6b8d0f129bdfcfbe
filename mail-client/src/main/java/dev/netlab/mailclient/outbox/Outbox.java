package dev.netlab.mailclient.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.mailclient.smtp.OutgoingMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * The durable outbox: accepted messages in segment files in {@code queue/}, one segment per group commit, written
 * whole before the callers answer 202 (a message in a segment alone means queued; {@link SegmentWriter}); status
 * records in {@code state/}, written only after an attempt changes them: one file per deferred or failed message
 * (written atomically), and the sent records appended to one log ({@link #sentAll}, {@link SentLog}: binary records
 * framed like a segment; {@code .recs} files of JSON records from before are still read);
 * {@code tmp/} for writes in progress and {@code corrupt/} for what cannot be read, put aside so it never blocks the
 * others. A segment
 * leaves {@code queue/} only after every message in it has its final status (sent or failed) on disk, so a crash at
 * any moment loses nothing: at most a message the relay took just before the crash is sent again.
 *
 * <p>After a start every waiting message is due at once. Workers {@link #awaitDue(int, Duration) claim} due messages
 * in batches (one read per segment for a batch) and report each attempt's outcome back.
 */
public final class Outbox {

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());
    private static final ObjectMapper MAPPER = Mappers.JSON;
    private static final HexFormat HEX = HexFormat.of();
    // The longest a worker sleeps without looking at the clock again (a test's clock moves without telling us).
    private static final Duration MAX_WAIT = Duration.ofMillis(200);
    /** A file of sent records written together by an earlier version (JSON frames) ends so. */
    static final String RECORDS_SUFFIX = ".recs";
    /**
     * A sent log takes appends for max-age / this at most: its records are all forgotten max-age after its last
     * one, so it is deleted at most 1.25 max-age after it began and the logs on disk hold about a max-age of
     * records (not all of them since the start, as one file taking every append until it is 16 MiB could), for a
     * new file (one directory fsync) only four times per max-age.
     */
    static final int LOG_ROLLS_PER_MAX_AGE = 4;

    /** Told about files moved aside, so they can be counted. */
    public interface CorruptionListener {
        void movedAside(Path file, String reason);
    }

    /** A message given to a worker, with its record when it was claimed. */
    public record Claim(QueuedMessage message, MessageState state) {
    }

    /** The answer to an accept: the id, and whether an earlier request with the same idempotency key made it. */
    public record Accepted(String id, boolean duplicate) {
    }

    /** One message of a client's batch ({@link #acceptAll}) and its idempotency key. */
    public record Submission(OutgoingMessage message, Optional<String> idempotencyKey) {
    }

    /** A message the relay took, with its final reply, for {@link #sentAll}. */
    public record Sent(Claim claim, String finalReply, List<String> rejected, List<String> transcript) {
    }

    /** One page of a listing; {@code next} is the id to pass as {@code after} for the next page. */
    public record Page(List<MessageState> messages, Optional<String> next) {
    }

    /**
     * A finished message, when it finished (its record's {@code updated_at}), and the segment that held it when it
     * finished (null when none did).
     */
    private record Finished(Instant at, String id, Segment queued) {
    }

    private record Due(Instant at, String id) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            int byTime = at.compareTo(other.at);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }

    private final Path queueDir;
    private final Path stateDir;
    private final Path corruptDir;
    private final Durability durability;
    private final DurableFiles files;
    private final SegmentWriter segments;
    // The sent records: appended to one file in state/, its frames each one message's MessageState.
    private final SentLog sentLog;
    private final Clock clock;
    private final RetryPolicy retry;
    private final RandomGenerator random;
    private final CorruptionListener corruption;
    // Accepted messages kept for their first claim, so delivery need not read the segment back.
    private final RecentMessages recent;
    private final ConcurrentSkipListMap<String, MessageState> index = new ConcurrentSkipListMap<>();
    // Where each waiting message is; an entry leaves when its message is finished or given up.
    private final Map<String, Segment.Entry> entries = new ConcurrentHashMap<>();
    // Where each finished message's record is when it was written in a batch (state/*.sent, *.recs); each entry
    // holds its file once (a file goes with its last record forgotten: releaseRecordFile).
    private final Map<String, Segment.Entry> batchedRecords = new ConcurrentHashMap<>();
    private final Map<String, String> idsByKey = new ConcurrentHashMap<>();
    // The finished messages in the order they finished (sorted at start): once the oldest is older than max-age it
    // leaves the index, batchedRecords and idsByKey, as a restart would drop it, and its record goes from disk
    // ({@link #forgetExpired}).
    private final ConcurrentLinkedQueue<Finished> finishedInOrder = new ConcurrentLinkedQueue<>();
    private final ReentrantLock forgetting = new ReentrantLock();
    private final ReentrantLock keyedAccepts = new ReentrantLock();
    private final ReentrantLock dueLock = new ReentrantLock();
    private final Condition dueChanged = dueLock.newCondition();
    private final PriorityQueue<Due> due = new PriorityQueue<>();
    private final AtomicLong waiting = new AtomicLong();
    private volatile boolean handingOut = true;

    private Outbox(Path dir, Clock clock, RetryPolicy retry, RandomGenerator random, CorruptionListener corruption,
                   Durability durability, long memoryBudget) {
        this.queueDir = dir.resolve("queue");
        this.stateDir = dir.resolve("state");
        this.corruptDir = dir.resolve("corrupt");
        this.durability = durability;
        this.files = new DurableFiles(dir.resolve("tmp"), durability);
        this.segments = new SegmentWriter(dir.resolve("tmp"), queueDir, durability, this::queued,
                Outbox::releaseSegment, SegmentWriter.IDLE_ROLL);
        this.sentLog = new SentLog(stateDir, durability, clock, retry.maxAge().dividedBy(LOG_ROLLS_PER_MAX_AGE),
                this::releaseRecordFile);
        this.clock = clock;
        this.retry = retry;
        this.random = random;
        this.corruption = corruption;
        this.recent = new RecentMessages(memoryBudget);
    }

    /**
     * Opens (creating when needed) the outbox in {@code dir} and loads what a previous run left: every waiting
     * message is due now; unreadable files and records are put in {@code corrupt/}.
     */
    public static Outbox open(Path dir, Clock clock, RetryPolicy retry, RandomGenerator random,
                              CorruptionListener corruption) throws IOException {
        return open(dir, clock, retry, random, corruption, Durability.FSYNC);
    }

    /** As the other {@code open}, forcing files and directories to disk through {@code durability}. */
    public static Outbox open(Path dir, Clock clock, RetryPolicy retry, RandomGenerator random,
                              CorruptionListener corruption, Durability durability) throws IOException {
        return open(dir, clock, retry, random, corruption, durability, 0);
    }

    /**
     * As the other {@code open}, holding the messages this process accepts in memory for their first claim, up to
     * {@code memoryBudget} bytes (0: never; every claim reads the segment).
     */
    public static Outbox open(Path dir, Clock clock, RetryPolicy retry, RandomGenerator random,
                              CorruptionListener corruption, Durability durability, long memoryBudget)
            throws IOException {
        Outbox outbox = new Outbox(dir, clock, retry, random, corruption, durability, memoryBudget);
        for (Path sub : List.of(outbox.queueDir, outbox.stateDir, outbox.corruptDir, dir.resolve("tmp"))) {
            Files.createDirectories(sub);
        }
        outbox.load(dir.resolve("tmp"));
        return outbox;
    }

    private void load(Path tmp) throws IOException {
        // A file still in tmp/ was never renamed into place, so no 202 was ever given for it.
        for (Path leftover : list(tmp, "")) {
            Files.deleteIfExists(leftover);
        }
        Map<String, MessageState> states = new ConcurrentHashMap<>();
        Map<String, Segment.Entry> batched = new HashMap<>();
        Instant now = clock.instant();
        for (Path file : list(stateDir, ".json")) {
            try {
                MessageState state = MAPPER.readValue(Files.readAllBytes(file), MessageState.class);
                if (state.id() == null || !file.getFileName().toString().equals(state.id() + ".json")) {
                    throw new IOException("the record's id does not match its file name");
                }
                states.put(state.id(), state);
            } catch (JsonProcessingException e) {
                moveAside(file, "unreadable status record: " + e.getOriginalMessage());
            } catch (IOException e) {
                moveAside(file, "unreadable status record: " + e.getMessage());
            }
        }
        // Each file of records is held while it loads; its records indexed below hold it too.
        List<Segment> recordFiles = new ArrayList<>();
        for (Path file : recordFiles()) {
            recordFiles.add(loadRecords(file, states, batched));
        }
        for (Path file : list(queueDir, Segment.SUFFIX)) {
            loadSegment(file, states, batched, now);
        }
        migrateMessageFiles(states, batched, now);
        List<Path> unneeded = new ArrayList<>();
        for (MessageState state : states.values()) {
            Segment.Entry entry = batched.get(state.id());
            if (state.statusValue().isWaiting() || retry.expired(finishedAt(state), now)) {
                // A waiting record without its message, or a finished one past max-age whose message is in no
                // segment (one beside its segment was indexed above): the rule a running outbox forgets by.
                if (entry == null) {
                    unneeded.add(stateDir.resolve(state.id() + ".json"));
                }
                continue;
            }
            indexFinished(state, entry, null);
        }
        for (Segment file : recordFiles) {
            // Not one record in it is needed any more (all superseded, or damaged and put aside): it goes.
            releaseRecordFile(file, unneeded);
        }
        removeRecords(unneeded);
        List<Finished> finished = new ArrayList<>(finishedInOrder);
        finished.sort(Comparator.comparing(Finished::at));
        finishedInOrder.clear();
        finishedInOrder.addAll(finished);
        forgetExpired();
    }

    // The files of sent records: an earlier version's batches (.recs), then the sent logs, each oldest first.
    private List<Path> recordFiles() throws IOException {
        List<Path> all = new ArrayList<>(list(stateDir, RECORDS_SUFFIX));
        all.addAll(list(stateDir, SentLog.SUFFIX));
        return all;
    }

    /**
     * Reads one file of sent records: each replaces the same message's record from a single file (a deferred one,
     * now superseded: its file is deleted); damaged frames are put aside like a segment's. Returns the file, held
     * once while the outbox loads.
     */
    private Segment loadRecords(Path file, Map<String, MessageState> states, Map<String, Segment.Entry> batched)
            throws IOException {
        SegmentReader.Scan<MessageState> scan = SegmentReader.scan(file, Outbox::decodeState);
        for (SegmentReader.Damage damage : scan.damaged()) {
            putAside(file.getFileName() + "@" + damage.offset(), damage.bytes(), damage.reason());
        }
        Segment segment = new Segment(file, 1);
        for (SegmentReader.Found<MessageState> found : scan.found()) {
            MessageState state = found.value();
            MessageState earlier = states.put(state.id(), state);
            if (earlier != null && !batched.containsKey(state.id())) {
                files.delete(stateDir.resolve(state.id() + ".json"));
            }
            batched.put(state.id(), new Segment.Entry(segment, found.offset(), found.length()));
        }
        return segment;
    }

    // A sent record: binary (StateCodec), or JSON in a .recs file an earlier version wrote.
    private static MessageState decodeState(byte[] payload) throws CorruptMessageException {
        MessageState state;
        if (payload.length > 0 && payload[0] == '{') {
            try {
                state = MAPPER.readValue(payload, MessageState.class);
            } catch (IOException e) {
                throw new CorruptMessageException("unreadable status record: " + e.getClass().getSimpleName());
            }
        } else {
            state = StateCodec.decode(payload);
        }
        if (state.id() == null || state.status() == null || state.updatedAt() == null) {
            throw new CorruptMessageException("a status record lacks a field");
        }
        return state;
    }

    // A finished message's record: in memory its summary, on disk in its own file or in a batch (entry, which it
    // holds); queued is the segment that still holds the message, if one does.
    private void indexFinished(MessageState state, Segment.Entry entry, Segment queued) {
        index(state);
        if (entry != null) {
            entry.segment().hold();
            rememberRecord(state.id(), entry);
        }
        finishedInOrder.add(new Finished(finishedAt(state), state.id(), queued));
    }

    // The message's record is in a batch at entry (holding its file); a record it supersedes lets its file go.
    private void rememberRecord(String id, Segment.Entry entry) {
        Segment.Entry superseded = batchedRecords.put(id, entry);
        if (superseded != null) {
            releaseRecordFile(superseded.segment());
        }
    }

    // One hold on a file of records goes (a record forgotten or superseded, the file's appends or its load done).
    private void releaseRecordFile(Segment file) {
        List<Path> unneeded = new ArrayList<>(1);
        releaseRecordFile(file, unneeded);
        removeRecords(unneeded);
    }

    private static void releaseRecordFile(Segment file, List<Path> unneeded) {
        if (file.release()) {
            unneeded.add(file.file());
        }
    }

    /**
     * Lets a forgotten message's final record go: one hold on its file of records (entry), or its own
     * {@code <id>.json}. While a segment still holds the message (queued, another message in it still waiting) the
     * record is what keeps a restart from sending it again, so it goes only once that segment is gone, as a start
     * keeps it then.
     */
    private void dropRecord(String id, Segment.Entry entry, Segment queued, List<Path> unneeded) {
        if (queued != null && queued.whenGone(() -> {
            List<Path> later = new ArrayList<>(1);
            dropRecord(id, entry, null, later);
            removeRecords(later);
        })) {
            return;
        }
        if (entry == null) {
            unneeded.add(stateDir.resolve(id + ".json"));
        } else {
            releaseRecordFile(entry.segment(), unneeded);
        }
    }

    /**
     * Deletes files of final records nobody needs any more. {@code queue/} is forced to disk first: a segment whose
     * deletion was not yet durable must not come back after a crash without the record that says its message is
     * finished. The deletions themselves are not forced: one lost in a crash is made again by the next start, which
     * finds the same records expired.
     */
    private void removeRecords(List<Path> unneeded) {
        if (unneeded.isEmpty()) {
            return;
        }
        try {
            durability.forceDirectory(queueDir);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "outbox: cannot force queue/, " + unneeded.size()
                    + " expired record files stay until the next start: " + e);
            return;
        }
        unneeded.forEach(DurableFiles::deleteQuietly);
    }

    // When a loaded record finished; one without a readable time counts from now (kept a full max-age).
    private Instant finishedAt(MessageState state) {
        try {
            return InstantText.parse(state.updatedAt());
        } catch (RuntimeException e) {
            return clock.instant();
        }
    }

    /**
     * Forgets the finished messages older than max-age (by their last record's time, the rule a start applies):
     * they leave the index, their batched records and their idempotency keys, so GET answers 404 and a key comes
     * back as new, as after a restart; their records leave the disk ({@link #dropRecord}). Waiting messages are
     * never here (they fail by the retry policy instead).
     * Called on the paths that read or change the index (accepts, GET and lists, records, claims): when nothing is
     * due it costs a clock read and a peek; one thread forgets at a time, the others go on.
     */
    private void forgetExpired() {
        Finished oldest = finishedInOrder.peek();
        if (oldest == null) {
            return;
        }
        Instant now = clock.instant();
        if (!retry.expired(oldest.at(), now) || !forgetting.tryLock()) {
            return;
        }
        try {
            List<Path> unneeded = new ArrayList<>();
            for (Finished done = finishedInOrder.peek(); done != null && retry.expired(done.at(), now);
                 done = finishedInOrder.peek()) {
                finishedInOrder.poll();
                MessageState state = index.get(done.id());
                if (state == null || state.statusValue().isWaiting() || !index.remove(done.id(), state)) {
                    continue;
                }
                Segment.Entry record = batchedRecords.remove(done.id());
                if (state.idempotencyKey() != null) {
                    idsByKey.remove(state.idempotencyKey(), done.id());
                }
                dropRecord(done.id(), record, done.queued(), unneeded);
            }
            removeRecords(unneeded);
            if (sentLog.rollDue(now)) {
                // The sent log has taken no append since it grew old (the service idle): its records go too.
                try {
                    sentLog.rollIfDue();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "outbox: cannot roll the sent log: " + e.getMessage());
                }
            }
        } finally {
            forgetting.unlock();
        }
    }

    // Indexes the segment's waiting messages; puts its damaged stretches aside; deletes it when nothing waits in it.
    private void loadSegment(Path file, Map<String, MessageState> states, Map<String, Segment.Entry> batched,
                             Instant now) throws IOException {
        SegmentReader.Scan<QueuedMessage> scan = SegmentReader.scan(file);
        Segment segment = new Segment(file, 0);
        for (SegmentReader.Damage damage : scan.damaged()) {
            putAside(file.getFileName() + "@" + damage.offset(), damage.bytes(), damage.reason());
        }
        int waitingHere = 0;
        for (SegmentReader.Found<QueuedMessage> found : scan.found()) {
            QueuedMessage message = found.value();
            if (entries.containsKey(message.id())) {
                continue;
            }
            MessageState state = states.remove(message.id());
            if (state != null && !state.statusValue().isWaiting()) {
                // Finished: the final record was written before the crash, the segment not yet removed.
                indexFinished(state, batched.get(state.id()), segment);
                continue;
            }
            waitingHere++;
            segment.hold();
            enqueue(state == null ? queuedState(message) : state, new Segment.Entry(segment, found.offset(),
                    found.length()), now);
        }
        if (waitingHere == 0) {
            files.delete(file);
            segment.gone();
        }
    }

    private void enqueue(MessageState loaded, Segment.Entry entry, Instant now) {
        MessageState state = loaded;
        if (state.statusValue() == Status.SENDING) {
            state = state.withStatus(state.attempts() == 0 ? Status.QUEUED : Status.DEFERRED);
        }
        entries.put(state.id(), entry);
        index(state);
        waiting.incrementAndGet();
        due.add(new Due(now, state.id()));
    }

    // One file per message (the layout before segments): rewritten into segments, then removed.
    private void migrateMessageFiles(Map<String, MessageState> states, Map<String, Segment.Entry> batched,
                                     Instant now) throws IOException {
        List<Path> legacy = list(queueDir, ".msg");
        for (int from = 0; from < legacy.size(); from += GroupCommit.MAX_BATCH) {
            List<Path> chunk = legacy.subList(from, Math.min(legacy.size(), from + GroupCommit.MAX_BATCH));
            List<QueuedMessage> moving = new ArrayList<>();
            for (Path file : chunk) {
                QueuedMessage message;
                try {
                    message = MessageFile.decode(Files.readAllBytes(file));
                    if (!file.getFileName().toString().equals(message.id() + ".msg")) {
                        throw new CorruptMessageException("the header's id does not match the file name");
                    }
                } catch (CorruptMessageException e) {
                    moveAside(file, e.getMessage());
                    continue;
                }
                MessageState state = states.get(message.id());
                if (entries.containsKey(message.id())) {
                    continue;
                }
                if (state != null && !state.statusValue().isWaiting()) {
                    indexFinished(states.remove(message.id()), batched.get(message.id()), null);
                    continue;
                }
                moving.add(message);
            }
            if (!moving.isEmpty()) {
                List<Segment.Entry> written = segments.appendAll(moving);
                for (int i = 0; i < moving.size(); i++) {
                    MessageState state = states.remove(moving.get(i).id());
                    enqueue(state == null ? queuedState(moving.get(i)) : state, written.get(i), now);
                }
            }
            for (Path file : chunk) {
                if (Files.exists(file)) {
                    files.delete(file);
                }
            }
        }
    }

    private void index(MessageState state) {
        // Transcripts stay on disk: memory holds one small record per message, however many wait.
        index.put(state.id(), state.summary());
        if (state.idempotencyKey() != null) {
            idsByKey.put(state.idempotencyKey(), state.id());
        }
    }

    private static List<Path> list(Path dir, String suffix) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private void moveAside(Path file, String reason) {
        LOG.log(System.Logger.Level.WARNING, "outbox: moved " + file.getFileName() + " to corrupt/: " + reason);
        try {
            files.moveInto(file, corruptDir);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "outbox: cannot move " + file.getFileName() + " aside: " + e);
        }
        corruption.movedAside(file, reason);
    }

    /**
     * Copies a damaged stretch of a segment to {@code corrupt/<segment>@<offset>}, logs and counts it; a stretch put
     * aside before (found again after a restart) is not counted twice. The segment itself stays until its other
     * messages are finished.
     */
    private void putAside(String name, byte[] bytes, String reason) {
        Path aside = corruptDir.resolve(name);
        if (Files.exists(aside)) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "outbox: moved " + name + " to corrupt/: " + reason);
        try {
            files.write(aside, bytes);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "outbox: cannot put " + name + " aside: " + e);
        }
        corruption.movedAside(queueDir.resolve(name), reason);
    }

    private MessageState queuedState(QueuedMessage message) {
        String acceptedAt = InstantText.format(message.acceptedAt());
        return new MessageState(message.id(), Status.QUEUED.label(), 0, acceptedAt, acceptedAt, null, null, null, null,
                null, message.idempotencyKey().orElse(null), null);
    }

    /**
     * Stores a message durably (its file is on disk, renamed into place and its directory synced when this returns)
     * and makes it due now. With an idempotency key seen before, stores nothing and returns the first id.
     */
    public Accepted accept(OutgoingMessage message, Optional<String> idempotencyKey) throws IOException {
        forgetExpired();
        if (idempotencyKey.isEmpty()) {
            return new Accepted(store(message, idempotencyKey), false);
        }
        keyedAccepts.lock();
        try {
            String earlier = idsByKey.get(idempotencyKey.get());
            if (earlier != null) {
                return new Accepted(earlier, true);
            }
            return new Accepted(store(message, idempotencyKey), false);
        } finally {
            keyedAccepts.unlock();
        }
    }

    private String store(OutgoingMessage message, Optional<String> idempotencyKey) throws IOException {
        Instant now = clock.instant();
        String id = newId(now);
        segments.append(new QueuedMessage(id, now, idempotencyKey, message));
        return id;
    }

    // Ids sort by acceptance time, so listings come out oldest first: 13 hex digits of milliseconds, 16 random.
    private String newId(Instant now) {
        return HEX.toHexDigits(now.toEpochMilli()).substring(3) + "-" + HEX.toHexDigits(random.nextLong());
    }

    /**
     * Stores a client's batch durably as one segment (one file fsync, one rename, one directory fsync) and makes it
     * due; answers one {@link Accepted} per item, in order. An item whose idempotency key was seen before, or
     * earlier in this batch, stores nothing and gets that message's id, as the same POSTs one after another would.
     * All or nothing: when the write fails, nothing of the batch is stored or remembered.
     */
    public List<Accepted> acceptAll(List<Submission> batch) throws IOException {
        forgetExpired();
        boolean keyed = batch.stream().anyMatch(s -> s.idempotencyKey().isPresent());
        if (keyed) {
            keyedAccepts.lock();
        }
        try {
            Instant now = clock.instant();
            List<Accepted> answers = new ArrayList<>(batch.size());
            List<QueuedMessage> fresh = new ArrayList<>(batch.size());
            Map<String, String> keysHere = keyed ? new HashMap<>() : Map.of();
            for (Submission submission : batch) {
                Optional<String> key = submission.idempotencyKey();
                String earlier = key.isEmpty() ? null : keysHere.getOrDefault(key.get(), idsByKey.get(key.get()));
                if (earlier != null) {
                    answers.add(new Accepted(earlier, true));
                    continue;
                }
                String id = newId(now);
                key.ifPresent(k -> keysHere.put(k, id));
                fresh.add(new QueuedMessage(id, now, key, submission.message()));
                answers.add(new Accepted(id, false));
            }
            if (!fresh.isEmpty()) {
                segments.appendBatch(fresh);
            }
            return answers;
        } finally {
            if (keyed) {
                keyedAccepts.unlock();
            }
        }
    }

    // A group commit's messages, on disk now: indexed and made due together, so one worker wakes for the batch.
    private void queued(List<QueuedMessage> messages, List<Segment.Entry> written) {
        for (int i = 0; i < messages.size(); i++) {
            QueuedMessage queued = messages.get(i);
            entries.put(queued.id(), written.get(i));
            recent.offer(queued);
            index(queuedState(queued));
            waiting.incrementAndGet();
        }
        dueLock.lock();
        try {
            for (QueuedMessage queued : messages) {
                due.add(new Due(queued.acceptedAt(), queued.id()));
            }
            // One worker per claim's worth of messages (a worker claims up to 32 at once).
            for (int woken = 0; woken < messages.size(); woken += 32) {
                dueChanged.signal();
            }
        } finally {
            dueLock.unlock();
        }
    }

    private void makeDue(String id, Instant at) {
        dueLock.lock();
        try {
            due.add(new Due(at, id));
            dueChanged.signal();
        } finally {
            dueLock.unlock();
        }
    }

    /** Claims a message that is due right now, without waiting (one unreadable is moved aside and skipped). */
    public Optional<Claim> pollDue() throws InterruptedException {
        return awaitDue(1, Duration.ZERO).stream().findFirst();
    }

    /**
     * Claims up to {@code max} messages, in the order they fell due: waits up to {@code maxWait} for the first, then
     * takes those due right now. The batch's messages are read with one read per segment; one whose frame has
     * become unreadable is moved aside and skipped.
     */
    public List<Claim> awaitDue(int max, Duration maxWait) throws InterruptedException {
        forgetExpired();
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            List<String> ids = nextDueIds(max, deadline);
            if (ids.isEmpty()) {
                return List.of();
            }
            List<Claim> claims = claimAll(ids);
            if (!claims.isEmpty()) {
                return claims;
            }
        }
    }

    // Up to max ids that are due, waiting until deadline for the first; empty when none came or handing out stopped.
    private List<String> nextDueIds(int max, long deadline) throws InterruptedException {
        dueLock.lock();
        try {
            while (handingOut) {
                Due first = due.peek();
                Instant now = clock.instant();
                if (first != null && !first.at().isAfter(now)) {
                    List<String> ids = new ArrayList<>(Math.min(max, due.size()));
                    while (ids.size() < max && !due.isEmpty() && !due.peek().at().isAfter(now)) {
                        ids.add(due.poll().id());
                    }
                    return ids;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                long untilDue = first == null ? Long.MAX_VALUE : Duration.between(now, first.at()).toNanos();
                dueChanged.awaitNanos(Math.min(left, Math.min(untilDue, MAX_WAIT.toNanos())));
            }
            return List.of();
        } finally {
            dueLock.unlock();
        }
    }

    /** One due message about to be claimed: its record and where its frame is. */
    private record Claimable(int position, MessageState state, Segment.Entry entry) {
    }

    // Claims the messages that can still be claimed, reading each segment once; the result keeps the ids' order.
    private List<Claim> claimAll(List<String> ids) {
        Map<Segment, List<Claimable>> bySegment = new LinkedHashMap<>();
        Claim[] claimed = new Claim[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            MessageState state = index.get(ids.get(i));
            Segment.Entry entry = entries.get(ids.get(i));
            if (state == null || !state.statusValue().isWaiting() || state.statusValue() == Status.SENDING
                    || entry == null) {
                continue;
            }
            QueuedMessage held = recent.take(state.id());
            if (held != null) {
                // Accepted by this process and never claimed: the bytes are still here, no read needed.
                QueuedMessage message = state.recipientsLeft() == null ? held
                        : held.forRecipients(state.recipientsLeft());
                if (index.replace(state.id(), state, state.withStatus(Status.SENDING))) {
                    claimed[i] = new Claim(message, state);
                }
                continue;
            }
            bySegment.computeIfAbsent(entry.segment(), s -> new ArrayList<>()).add(new Claimable(i, state, entry));
        }
        for (List<Claimable> group : bySegment.values()) {
            List<SegmentReader.Read<QueuedMessage>> reads;
            try {
                reads = SegmentReader.readAll(group.stream().map(Claimable::entry).toList(),
                        MessageFile::decodeFramed);
            } catch (NoSuchFileException e) {
                group.forEach(c -> forget(c.state().id(), c.state()));
                continue;
            } catch (IOException e) {
                for (Claimable c : group) {
                    putAside(c.entry().name(), bytesOf(c.entry()), e.getMessage());
                    forget(c.state().id(), c.state());
                }
                continue;
            }
            for (int i = 0; i < group.size(); i++) {
                Claimable c = group.get(i);
                SegmentReader.Read<QueuedMessage> read = reads.get(i);
                if (read.value() == null) {
                    putAside(c.entry().name(), read.bytes(), read.failure());
                    forget(c.state().id(), c.state());
                    continue;
                }
                QueuedMessage message = c.state().recipientsLeft() == null ? read.value()
                        : read.value().forRecipients(c.state().recipientsLeft());
                if (index.replace(c.state().id(), c.state(), c.state().withStatus(Status.SENDING))) {
                    claimed[c.position()] = new Claim(message, c.state());
                }
            }
        }
        List<Claim> claims = new ArrayList<>(ids.size());
        for (Claim claim : claimed) {
            if (claim != null) {
                claims.add(claim);
            }
        }
        return claims;
    }

    private static byte[] bytesOf(Segment.Entry entry) {
        try {
            return SegmentReader.bytes(entry);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private void forget(String id, MessageState state) {
        index.remove(id, state);
        waiting.decrementAndGet();
        leaveSegment(id);
    }

    // The message no longer needs its segment; the last one to leave deletes the file (not forced to disk: should
    // the deletion be lost in a crash, the final records make the next start delete it again). Returns the segment.
    private Segment leaveSegment(String id) {
        recent.take(id);
        Segment.Entry entry = entries.remove(id);
        if (entry == null) {
            return null;
        }
        releaseSegment(entry.segment());
        return entry.segment();
    }

    /**
     * Rolls the segment taking accepts (the service stops; accepts stopped before): once its messages are finished
     * no file of it stays. The outbox can still be used; the next accept starts a new segment.
     */
    public void close() throws IOException {
        segments.close();
    }

    // One hold on a segment in queue/ goes (a message left it, or the writer let it go): the last one deletes it.
    private static void releaseSegment(Segment segment) {
        if (segment.release() && DurableFiles.deleteQuietly(segment.file())) {
            segment.gone();
        }
    }

    /** Records that the relay took the message; it leaves the queue. */
    public void sent(Claim claim, String finalReply, List<String> rejected, List<String> transcript)
            throws IOException {
        sentAll(List.of(new Sent(claim, finalReply, rejected, transcript)));
    }

    /**
     * Records that the relay took every message in {@code batch}; they leave the queue. The records are one append
     * to the sent log in {@code state/} (one write and one fsync for the whole batch, shared with batches recorded
     * at the same time); when it cannot be written nothing is recorded and the messages stay claimed (the caller
     * releases them).
     */
    public void sentAll(List<Sent> batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        Instant finishedAt = clock.instant();
        String updatedAt = InstantText.format(finishedAt);
        List<MessageState> finished = new ArrayList<>(batch.size());
        List<byte[]> payloads = new ArrayList<>(batch.size());
        for (Sent sent : batch) {
            MessageState after = finalState(sent.claim().state(), Status.SENT, sent.finalReply(), sent.finalReply(),
                    sent.rejected(), sent.transcript(), updatedAt);
            finished.add(after);
            payloads.add(StateCodec.encode(after));
        }
        List<Segment.Entry> written = sentLog.append(finished.get(0).id(), payloads);
        for (int i = 0; i < finished.size(); i++) {
            MessageState after = finished.get(i);
            rememberRecord(after.id(), written.get(i));
            if (batch.get(i).claim().state().attempts() > 0) {
                // Its deferred record is superseded now, as a start would find it (a deletion lost in a crash is
                // made again there).
                DurableFiles.deleteQuietly(stateDir.resolve(after.id() + ".json"));
            }
            leaveQueue(after, finishedAt);
        }
        forgetExpired();
    }

    /** Records a permanent failure; the message leaves the queue. */
    public void failed(Claim claim, String reply, List<String> rejected, List<String> transcript) throws IOException {
        finish(claim, Status.FAILED, reply, null, rejected, transcript);
    }

    private void finish(Claim claim, Status status, String reply, String queueId, List<String> rejected,
                        List<String> transcript) throws IOException {
        Instant finishedAt = clock.instant();
        MessageState after = finalState(claim.state(), status, reply, queueId, rejected, transcript,
                finishedAt.toString());
        writeState(after);
        Segment.Entry superseded = batchedRecords.remove(after.id());
        if (superseded != null) {
            releaseRecordFile(superseded.segment());
        }
        leaveQueue(after, finishedAt);
        forgetExpired();
    }

    /** The final record of a claimed message after this attempt. */
    private static MessageState finalState(MessageState before, Status status, String reply, String queueId,
                                           List<String> rejected, List<String> transcript, String updatedAt) {
        return new MessageState(before.id(), status.label(), before.attempts() + 1, before.acceptedAt(), updatedAt,
                null, reply, queueId, merge(before.rejected(), rejected), null, before.idempotencyKey(), transcript);
    }

    /** A finished message whose record is on disk leaves the queue; it is forgotten max-age after it finished. */
    private void leaveQueue(MessageState after, Instant finishedAt) {
        Segment queued = leaveSegment(after.id());
        index.put(after.id(), after.summary());
        waiting.decrementAndGet();
        finishedInOrder.add(new Finished(finishedAt, after.id(), queued));
    }

    /**
     * Records an attempt that may succeed later: the message waits for its backoff, or fails when it has grown
     * older than max-age.
     *
     * @param recipientsLeft the recipients still to try (after a partial delivery), or all of them
     * @return {@link Status#DEFERRED}, or {@link Status#FAILED} when the message expired
     */
    public Status deferred(Claim claim, String lastReply, List<String> recipientsLeft, List<String> rejected,
                           List<String> transcript) throws IOException {
        MessageState before = claim.state();
        Instant now = clock.instant();
        if (retry.expired(Instant.parse(before.acceptedAt()), now)) {
            finish(claim, Status.FAILED, "gave up after " + (before.attempts() + 1) + " attempts over the max-age of "
                    + retry.maxAge() + "; last reply: " + lastReply, null, rejected, transcript);
            return Status.FAILED;
        }
        int attempts = before.attempts() + 1;
        Instant next = now.plus(retry.backoff(attempts, random));
        boolean allLeft = recipientsLeft.equals(claim.message().message().recipients())
                && before.recipientsLeft() == null;
        MessageState after = new MessageState(before.id(), Status.DEFERRED.label(), attempts, before.acceptedAt(),
                now.toString(), next.toString(), lastReply, null, merge(before.rejected(), rejected),
                allLeft ? null : List.copyOf(recipientsLeft), before.idempotencyKey(), transcript);
        writeState(after);
        index.put(before.id(), after.summary());
        makeDue(before.id(), next);
        return Status.DEFERRED;
    }

    /** Gives a claimed message back untouched (shutting down, or its outcome could not be written). */
    public void release(Claim claim, Duration after) {
        index.put(claim.state().id(), claim.state());
        makeDue(claim.state().id(), clock.instant().plus(after));
    }

    private static List<String> merge(List<String> earlier, List<String> now) {
        if ((earlier == null || earlier.isEmpty()) && now.isEmpty()) {
            return null;
        }
        List<String> all = new ArrayList<>(earlier == null ? List.of() : earlier);
        all.addAll(now);
        return List.copyOf(all);
    }

    private void writeState(MessageState state) throws IOException {
        files.write(stateDir.resolve(state.id() + ".json"), MAPPER.writeValueAsBytes(state));
    }

    /** The record of message {@code id}, with the last attempt's transcript, if the outbox knows it. */
    public Optional<MessageState> state(String id) {
        forgetExpired();
        MessageState summary = index.get(id);
        if (summary == null) {
            return Optional.empty();
        }
        try {
            Segment.Entry batched = batchedRecords.get(id);
            MessageState stored = batched != null ? SegmentReader.read(batched, Outbox::decodeState)
                    : MAPPER.readValue(Files.readAllBytes(stateDir.resolve(id + ".json")), MessageState.class);
            // The status in memory is newer while an attempt is under way (sending is never written).
            return Optional.of(stored.withStatus(summary.statusValue()));
        } catch (IOException | CorruptMessageException e) {
            return Optional.of(summary);
        }
    }

    /** Messages oldest first, optionally only those with {@code status}, {@code limit} at most after {@code after}. */
    public Page list(Optional<Status> status, Optional<String> after, int limit) {
        forgetExpired();
        Map<String, MessageState> tail = after.isPresent() ? index.tailMap(after.get(), false) : index;
        List<MessageState> page = new ArrayList<>();
        for (MessageState state : tail.values()) {
            if (status.isPresent() && state.statusValue() != status.get()) {
                continue;
            }
            if (page.size() == limit) {
                return new Page(page, Optional.of(page.get(page.size() - 1).id()));
            }
            page.add(state);
        }
        return new Page(page, Optional.empty());
    }

    /** The bytes of accepted messages held in memory for their first claim (for tests and the bench). */
    public long memoryHeld() {
        return recent.bytes();
    }

    /** How many messages the index holds, waiting and finished (for tests). */
    int indexed() {
        return index.size();
    }

    /** How many idempotency keys are remembered (for tests). */
    int keysRemembered() {
        return idsByKey.size();
    }

    /** How many accepts wait for the next group commit (for tests). */
    int waitingForCommit() {
        return segments.waiting();
    }

    /** How many messages wait in the queue (queued, sending, deferred). */
    public long waiting() {
        return waiting.get();
    }

    /** Hands out no more messages (shutting down): waiting workers return empty-handed at once. */
    public void stopHandingOut() {
        handingOut = false;
        dueLock.lock();
        try {
            dueChanged.signalAll();
        } finally {
            dueLock.unlock();
        }
    }
}
