package dev.netlab.pingclient.probe;

/**
 * The one rule for loss, used by {@code GET /api/targets}, the command's summary and its JSON: lost probes over the
 * probes whose timeout has passed. A probe still inside its timeout is neither lost nor counted, so a long timeout
 * never shows waiting probes as loss. ({@code pingclient_packets_lost_total} counts at the same moment, when the
 * tracker reports the timeout passing.)
 *
 * @param decided probes whose timeout has passed, answered or not
 * @param lost    those of them that went unanswered
 */
public record LossRatio(long decided, long lost) {

    /** The loss in percent, 0 while no probe is decided. */
    public double percent() {
        return decided == 0 ? 0.0 : lost * 100.0 / decided;
    }
}
