package dev.netlab.webserver.files;

import java.util.List;

/**
 * The file one request target last resolved to and its precompressed siblings, with when that stat was taken: later
 * requests for the target reuse them for less than the check interval after it (nginx's open_file_cache_valid, with
 * a bound of milliseconds), so a change on disk is seen at most that late. Shared by the connections; a race only
 * makes two of them stat.
 */
final class RecentStat {

    /** A resolution and the wall-clock milliseconds at which its stat began. */
    record Checked(Resolution.File file, List<Precompressed.Sibling> siblings, long checkedAt) {
    }

    private volatile Checked last;

    /**
     * What the last stat found if it began less than {@code intervalMillis} before {@code now}; null when it is older,
     * when there is none, or when the clock is behind it (a clock set back).
     */
    Checked reusable(long now, long intervalMillis) {
        Checked checked = last;
        if (checked == null) {
            return null;
        }
        long age = now - checked.checkedAt();
        return age >= 0 && age < intervalMillis ? checked : null;
    }

    /** Remembers a stat that began at {@code checkedAt}. */
    void remember(Resolution.File file, List<Precompressed.Sibling> siblings, long checkedAt) {
        last = new Checked(file, siblings, checkedAt);
    }
}
