package dev.netlab.mailclient.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Why a file named on the command line cannot be read, in words and without repeating its path. */
final class FileProblem {

    private FileProblem() {
    }

    /** {@code option: cannot read PATH: REASON}. */
    static UsageException unreadable(String option, Path path, IOException e) {
        return new UsageException(option + ": cannot read " + path + ": " + reason(e));
    }

    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs) {
            // The JDK puts the path first and the system's reason ("Is a directory") last.
            return fs.getReason() != null ? fs.getReason().toLowerCase(java.util.Locale.ROOT) : "unreadable";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
