package dev.netlab.watch;

/** What one service's admin socket gave: its figures, or why it could not be read. */
sealed interface Reading<T> {

    /** The admin address read, {@code host:port}. */
    String address();

    record Up<T>(String address, T figures) implements Reading<T> {
    }

    record Down<T>(String address, String reason) implements Reading<T> {
    }
}
