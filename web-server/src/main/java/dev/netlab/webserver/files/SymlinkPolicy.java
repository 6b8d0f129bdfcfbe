package dev.netlab.webserver.files;

/** What a symbolic link under the root gets (config {@code webserver.symlinks}). */
public enum SymlinkPolicy {
    /** Followed when its target lies inside the root; 404 otherwise. */
    INSIDE_ROOT,
    /** Every link is a 404, like jwebserver. */
    REFUSE,
    /** Followed wherever it points (the operator vouches for every link). */
    FOLLOW
}
