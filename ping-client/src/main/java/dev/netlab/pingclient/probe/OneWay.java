package dev.netlab.pingclient.probe;

/**
 * One-way delays of a STAMP reply. They subtract timestamps of two different clocks (ours and the reflector's), so
 * they are only as right as the clocks' synchronisation: clock-dependent, unlike the round trip.
 *
 * @param forwardNanos  reflector receive time minus our send time
 * @param reverseNanos  our receive time minus reflector transmit time
 * @param reflectorSeq  the reflector's own sequence number
 * @param senderWireSeq our sequence number as sent (from 0)
 */
public record OneWay(long forwardNanos, long reverseNanos, long reflectorSeq, long senderWireSeq) {
}
