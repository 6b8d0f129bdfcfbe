package dev.netlab.kit.lifecycle;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a stop request. Handling the signals ourselves (instead of a shutdown hook) lets
 * the service drain and then exit 0, where the JVM's default would exit 143.
 */
final class Signals {

    private Signals() {
    }

    static void onTermination(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> stop.run());
            } catch (IllegalArgumentException e) {
                // The signal is not available on this platform (or the JVM reserves it): keep the default.
            }
        }
    }
}
