package com.klingvideo.pipeline.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Which addresses a fetch made on a caller's behalf may reach: public unicast only. Everything a caller
 * could use to reach the function's own network is named here: loopback, the private and shared
 * (carrier-grade NAT) ranges, link-local (the instance metadata service lives there), unique-local,
 * multicast, broadcast, unspecified and reserved ranges, and the IPv6 forms that carry an IPv4 address
 * (mapped, compatible, NAT64, 6to4), which are judged by the address they carry.
 */
public final class AddressRules {

    /** Why an address is not public. */
    public enum Range {
        LOOPBACK, PRIVATE, SHARED, LINK_LOCAL, UNIQUE_LOCAL, SITE_LOCAL, MULTICAST, BROADCAST, UNSPECIFIED,
        RESERVED, DOCUMENTATION, TEREDO
    }

    private AddressRules() {
    }

    /** The range of an address that must not be reached, or empty for a public one. */
    public static Optional<Range> nonPublic(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4(b, 0);
        }
        if (address instanceof Inet6Address) {
            return ipv6(b);
        }
        return Optional.of(Range.RESERVED);
    }

    private static Optional<Range> ipv4(byte[] b, int at) {
        int a0 = b[at] & 0xff;
        int a1 = b[at + 1] & 0xff;
        int a2 = b[at + 2] & 0xff;
        int a3 = b[at + 3] & 0xff;
        if (a0 == 0) {
            return Optional.of(Range.UNSPECIFIED);
        }
        if (a0 == 127) {
            return Optional.of(Range.LOOPBACK);
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return Optional.of(Range.PRIVATE);
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return Optional.of(Range.SHARED);
        }
        if (a0 == 169 && a1 == 254) {
            return Optional.of(Range.LINK_LOCAL);
        }
        if (a0 == 255 && a1 == 255 && a2 == 255 && a3 == 255) {
            return Optional.of(Range.BROADCAST);
        }
        if (a0 >= 224 && a0 <= 239) {
            return Optional.of(Range.MULTICAST);
        }
        if (a0 >= 240) {
            return Optional.of(Range.RESERVED);
        }
        if ((a0 == 192 && a1 == 0 && a2 == 0) || (a0 == 198 && (a1 & 0xfe) == 18)) {
            return Optional.of(Range.RESERVED); // IETF protocol assignments, benchmarking
        }
        if ((a0 == 192 && a1 == 0 && a2 == 2) || (a0 == 198 && a1 == 51 && a2 == 100)
                || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return Optional.of(Range.DOCUMENTATION);
        }
        return Optional.empty();
    }

    private static Optional<Range> ipv6(byte[] b) {
        if (zero(b, 0, 10)) {
            boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                return ipv4(b, 12);
            }
            if (zero(b, 10, 2)) {
                if (zero(b, 12, 3)) {
                    int last = b[15] & 0xff;
                    return Optional.of(last == 1 ? Range.LOOPBACK : last == 0 ? Range.UNSPECIFIED : Range.RESERVED);
                }
                // IPv4-compatible (::a.b.c.d), deprecated: judged by the address it carries, and never public.
                return Optional.of(ipv4(b, 12).orElse(Range.RESERVED));
            }
            return Optional.of(Range.RESERVED);
        }
        int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        if (w0 == 0x0064 && w1 == 0xff9b) {
            // NAT64: 64:ff9b::/96 carries an IPv4 address; 64:ff9b:1::/48 is for local use.
            return zero(b, 4, 8) ? ipv4(b, 12) : Optional.of(Range.RESERVED);
        }
        if (w0 == 0x2002) {
            return Optional.of(ipv4(b, 2).orElse(Range.RESERVED)); // 6to4, relays are not for us either
        }
        if (w0 == 0x2001 && w1 == 0x0000) {
            return Optional.of(Range.TEREDO);
        }
        if (w0 == 0x2001 && w1 == 0x0db8) {
            return Optional.of(Range.DOCUMENTATION);
        }
        if (w0 == 0x0100 && zero(b, 2, 6)) {
            return Optional.of(Range.RESERVED); // discard-only 100::/64
        }
        if ((w0 & 0xfe00) == 0xfc00) {
            return Optional.of(Range.UNIQUE_LOCAL);
        }
        if ((w0 & 0xffc0) == 0xfe80) {
            return Optional.of(Range.LINK_LOCAL);
        }
        if ((w0 & 0xffc0) == 0xfec0) {
            return Optional.of(Range.SITE_LOCAL);
        }
        if ((w0 & 0xff00) == 0xff00) {
            return Optional.of(Range.MULTICAST);
        }
        if ((w0 & 0xe000) != 0x2000) {
            return Optional.of(Range.RESERVED); // only 2000::/3 is global unicast
        }
        return Optional.empty();
    }

    private static boolean zero(byte[] b, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
