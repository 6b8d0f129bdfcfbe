package dev.netlab.pingclient.probe;

/**
 * What a STAMP reflector adds to a reply (RFC 8762 section 4.3): its own sequence number and the times it received
 * the probe and sent the reply, as NTP 64-bit timestamps on the reflector's clock.
 *
 * @param reflectorSeq the reflector's sequence number (a stateful reflector counts what it received)
 * @param receiveNtp   when the probe arrived at the reflector
 * @param transmitNtp  when the reply left the reflector
 */
public record StampTimes(long reflectorSeq, long receiveNtp, long transmitNtp) {
}
