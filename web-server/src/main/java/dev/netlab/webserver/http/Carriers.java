package dev.netlab.webserver.http;

/** The virtual-thread scheduler's carriers: how many platform threads run the connections' virtual threads. */
public final class Carriers {

    private Carriers() {
    }

    /** The scheduler's parallelism: its system property when set, else the processors this JVM may use. */
    public static int count() {
        return Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
    }
}
