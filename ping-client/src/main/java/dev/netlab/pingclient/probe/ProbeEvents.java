package dev.netlab.pingclient.probe;

/** What happens to one probe stream, in order, on the stream's thread. */
public interface ProbeEvents {

    /** A probe left; {@code text} is the lab payload (empty in binary modes). */
    default void sent(long seq, int bytes, String text) {
    }

    /** The first reply to a probe, within its timeout. {@code oneWay} is null outside STAMP mode. */
    default void received(long seq, long rttNanos, int bytes, String text, boolean reordered, OneWay oneWay) {
    }

    /** A reply to a probe already counted lost. */
    default void late(long seq, long rttNanos, int bytes, OneWay oneWay) {
    }

    /** One more reply to a probe already answered. */
    default void duplicate(long seq, long rttNanos, int bytes) {
    }

    /** A probe's timeout passed without a reply. */
    default void lost(long seq) {
    }

    /** A probe's timeout passed (right after {@link #lost} when it went unanswered): its fate counts in the loss. */
    default void decided(long seq) {
    }

    /** Something was counted and dropped; the stream goes on. */
    default void error(ErrorKind kind, String detail) {
    }

    /** Fans events out to several listeners. */
    static ProbeEvents all(ProbeEvents... listeners) {
        return new ProbeEvents() {
            @Override
            public void sent(long seq, int bytes, String text) {
                for (ProbeEvents l : listeners) {
                    l.sent(seq, bytes, text);
                }
            }

            @Override
            public void received(long seq, long rttNanos, int bytes, String text, boolean reordered, OneWay oneWay) {
                for (ProbeEvents l : listeners) {
                    l.received(seq, rttNanos, bytes, text, reordered, oneWay);
                }
            }

            @Override
            public void late(long seq, long rttNanos, int bytes, OneWay oneWay) {
                for (ProbeEvents l : listeners) {
                    l.late(seq, rttNanos, bytes, oneWay);
                }
            }

            @Override
            public void duplicate(long seq, long rttNanos, int bytes) {
                for (ProbeEvents l : listeners) {
                    l.duplicate(seq, rttNanos, bytes);
                }
            }

            @Override
            public void lost(long seq) {
                for (ProbeEvents l : listeners) {
                    l.lost(seq);
                }
            }

            @Override
            public void decided(long seq) {
                for (ProbeEvents l : listeners) {
                    l.decided(seq);
                }
            }

            @Override
            public void error(ErrorKind kind, String detail) {
                for (ProbeEvents l : listeners) {
                    l.error(kind, detail);
                }
            }
        };
    }
}
