package dev.netlab.pingclient.probe;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records a stream's events for assertions. */
final class Recorder implements ProbeEvents {

    record Received(long seq, long rttNanos, boolean reordered, OneWay oneWay) {
    }

    final List<Long> sent = new CopyOnWriteArrayList<>();
    final List<Long> sentAt = new CopyOnWriteArrayList<>();
    final List<Received> received = new CopyOnWriteArrayList<>();
    final List<Long> late = new CopyOnWriteArrayList<>();
    final List<Long> duplicates = new CopyOnWriteArrayList<>();
    final List<Long> lost = new CopyOnWriteArrayList<>();
    final List<Long> decided = new CopyOnWriteArrayList<>();
    final List<ErrorKind> errors = new CopyOnWriteArrayList<>();
    final List<String> errorDetails = new CopyOnWriteArrayList<>();

    @Override
    public void sent(long seq, int bytes, String text) {
        sent.add(seq);
        sentAt.add(System.nanoTime());
    }

    @Override
    public void received(long seq, long rttNanos, int bytes, String text, boolean reordered, OneWay oneWay) {
        received.add(new Received(seq, rttNanos, reordered, oneWay));
    }

    @Override
    public void late(long seq, long rttNanos, int bytes, OneWay oneWay) {
        late.add(seq);
    }

    @Override
    public void duplicate(long seq, long rttNanos, int bytes) {
        duplicates.add(seq);
    }

    @Override
    public void lost(long seq) {
        lost.add(seq);
    }

    @Override
    public void decided(long seq) {
        decided.add(seq);
    }

    @Override
    public void error(ErrorKind kind, String detail) {
        errors.add(kind);
        errorDetails.add(detail);
    }

    List<Long> receivedSeqs() {
        return received.stream().map(Received::seq).toList();
    }

    long errors(ErrorKind kind) {
        return errors.stream().filter(k -> k == kind).count();
    }
}
