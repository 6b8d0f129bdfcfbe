package dev.netlab.webserver.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files known to have no precompressed sibling, so that their answers look for none: one stat of the directory
 * instead of a lookup per sibling. Creating, deleting or renaming an entry changes its directory's modification
 * time, so the knowledge holds while the directory's stat shows the same directory (device and inode) with the same
 * time; it is only taken when that time is {@link FileCache#SETTLE} old, so a later change moves the time (the
 * cache's "racily clean" rule). A name that exists in any form (a stale sibling, a directory, a link) is never
 * remembered as absent: it can become usable without its directory changing.
 */
final class AbsentSiblings {

    /** At most this many files are remembered; then the memory starts over. */
    static final int MAX_ENTRIES = 16_384;

    /** A file by the directory its name is looked up in (a followed link's target is not where siblings are). */
    private record Name(Path directory, String name) {
    }

    /** The directory's stat under which no sibling name existed. */
    private record Seen(Object directoryKey, FileTime directoryModified) {

        boolean matches(BasicFileAttributes directory) {
            return directoryModified.equals(directory.lastModifiedTime()) && directoryKey.equals(directory.fileKey());
        }
    }

    private final ConcurrentHashMap<Name, Seen> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    AbsentSiblings(Clock clock) {
        this.clock = clock;
    }

    /** The stat of the directory {@code file} is named in, taken before its siblings are looked up; null if none. */
    static BasicFileAttributes directoryOf(Resolution.File file) {
        try {
            return Files.readAttributes(file.directory(), BasicFileAttributes.class);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** Whether {@code file} had no sibling name under the same {@code directory} stat (taken now). */
    boolean known(Resolution.File file, BasicFileAttributes directory) {
        Seen seen = entries.get(new Name(file.directory(), file.name()));
        return seen != null && seen.matches(directory);
    }

    /**
     * Remembers that no sibling name of {@code file} existed when looked up after {@code directory} was taken, if its
     * time has settled.
     */
    void remember(Resolution.File file, BasicFileAttributes directory) {
        if (directory.fileKey() == null
                || !directory.lastModifiedTime().toInstant().plus(FileCache.SETTLE).isBefore(clock.instant())) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(new Name(file.directory(), file.name()), new Seen(directory.fileKey(), directory.lastModifiedTime()));
    }
}
