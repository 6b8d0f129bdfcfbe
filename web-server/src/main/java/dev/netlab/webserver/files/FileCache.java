package dev.netlab.webserver.files;

import dev.netlab.webserver.http.Body;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Small files' bytes and head fields, reused only while the stat the resolver already made shows the same file:
 * same device and inode (a file replaced by rename is another file), same size, same modification time to the
 * nanosecond. A hit saves the open, fstat, pread and close of every request (and for a file larger than the answer
 * buffer, the head's own write and the sendfile).
 *
 * <p>A write in the same clock tick as an earlier one can leave the modification time unchanged, so a file is only
 * cached once its modification time is {@link #SETTLE} old when its bytes are read (git's "racily clean" rule):
 * any later write then moves the time. What it cannot see is a same-size rewrite in place whose modification time is
 * then set back to its old value to the nanosecond (the premise of rsync's and make's quick check too).
 */
final class FileCache {

    private static final Logger LOG = Logger.getLogger(FileCache.class.getName());

    /**
     * Files up to this size are cached: what goes out in one write with its head (copied into the answer buffer up
     * to {@link #MAX_ARRAY_BYTES}, in a gathering write from a direct buffer above), instead of an open, two fstat,
     * a write of the head, a sendfile and a close.
     */
    static final int MAX_FILE_BYTES = 64 * 1024;
    /** Files up to this size are cached as arrays, copied after the head into the answer buffer. */
    static final int MAX_ARRAY_BYTES = 15 * 1024;
    /** A file is cached once its modification time is this old (then a later write changes it). */
    static final Duration SETTLE = Duration.ofSeconds(1);
    private static final long MAX_TOTAL_BYTES = 32L * 1024 * 1024;

    /** A cached file: the validators it was read under and its representation (bytes as the body). */
    record Entry(Object fileKey, long size, FileTime modified, FileRepresentation representation) {

        boolean matches(BasicFileAttributes attributes) {
            return size == attributes.size() && modified.equals(attributes.lastModifiedTime())
                    && fileKey.equals(attributes.fileKey());
        }
    }

    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();
    /** Channels of cached files kept open for sendfile, at most {@link StaticFileHandler#DESCRIPTORS_KEPT_OPEN}. */
    private final AtomicInteger keptPlaces = new AtomicInteger();
    private final AtomicLong totalBytes = new AtomicLong();
    private final Clock clock;

    FileCache(Clock clock) {
        this.clock = clock;
    }

    /** The wall clock that tells settled files, and the present for Last-Modified. */
    Clock clock() {
        return clock;
    }

    /** The representation cached for {@code path} if {@code attributes} (a stat made now) show the same file. */
    FileRepresentation lookup(Path path, BasicFileAttributes attributes) {
        Entry entry = entries.get(path);
        if (entry == null) {
            return null;
        }
        if (entry.matches(attributes)) {
            return entry.representation();
        }
        if (entries.remove(path, entry)) {
            totalBytes.addAndGet(-entry.size());
            closeKeptFile(entry);
        }
        return null;
    }

    /**
     * Takes up to {@code wanted} of the places for the channels of a cached file kept open, as many as are left; 0
     * when all are taken. Places taken are given back by {@link #giveBackKeptPlaces} when the file is not cached after
     * all, else when its entry leaves the cache.
     */
    int takeKeptPlaces(int wanted) {
        int kept;
        int taken;
        do {
            kept = keptPlaces.get();
            taken = Math.min(wanted, StaticFileHandler.DESCRIPTORS_KEPT_OPEN - kept);
            if (taken <= 0) {
                return 0;
            }
        } while (!keptPlaces.compareAndSet(kept, kept + taken));
        return taken;
    }

    /** Gives back {@code places} taken by {@link #takeKeptPlaces} for channels that were not kept. */
    void giveBackKeptPlaces(int places) {
        keptPlaces.addAndGet(-places);
    }

    /** How many channels of cached files are kept open (tests). */
    int keptPlaces() {
        return keptPlaces.get();
    }

    // An entry that left the cache closes its file: an answer still sending from it goes on from its buffer. (A file
    // deleted from disk leaves the cache only when its path is asked for again and finds another file there, so
    // up to DESCRIPTORS_KEPT_OPEN deleted files of at most 64 KiB can keep their disk space until then.)
    private void closeKeptFile(Entry entry) {
        if (entry.representation().body() instanceof Body.Shared shared && shared.file() != null) {
            try {
                shared.file().close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing a cached file failed", e);
            }
            keptPlaces.addAndGet(-shared.file().size());
        }
    }

    /** Whether a file with these attributes may be cached when read from now on (small and settled). */
    boolean cacheable(BasicFileAttributes attributes) {
        return attributes.size() <= MAX_FILE_BYTES && attributes.fileKey() != null
                && attributes.lastModifiedTime().toInstant().plus(SETTLE).isBefore(clock.instant())
                && totalBytes.get() + attributes.size() <= MAX_TOTAL_BYTES;
    }

    /**
     * Caches {@code representation}, read after {@code before} was taken and found unchanged by {@code after}
     * (both stats of {@code path}).
     *
     * @return false, caching nothing, when the file changed in between
     */
    boolean put(Path path, BasicFileAttributes before, BasicFileAttributes after, FileRepresentation representation) {
        Entry entry = new Entry(before.fileKey(), before.size(), before.lastModifiedTime(), representation);
        if (!entry.matches(after)) {
            return false;
        }
        totalBytes.addAndGet(entry.size());
        Entry previous = entries.put(path, entry);
        if (previous != null) {
            totalBytes.addAndGet(-previous.size());
            closeKeptFile(previous);
        }
        return true;
    }

    /** How many files are cached (tests). */
    int size() {
        return entries.size();
    }
}
