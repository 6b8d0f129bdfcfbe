package dev.netlab.watch;

/** What the live view reacts to: a key, a new reading, a resize, the end of its input. */
sealed interface Event {

    /** The keys the view knows. */
    enum Key implements Event { QUIT, INTERRUPT, PAUSE, UP, DOWN, PAGE_UP, PAGE_DOWN, HOME, END }

    record Refreshed(Figures figures) implements Event {
    }

    record Resized() implements Event {
    }

    record InputClosed() implements Event {
    }
}
