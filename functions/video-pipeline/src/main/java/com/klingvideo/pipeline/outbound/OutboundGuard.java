package com.klingvideo.pipeline.outbound;

import com.klingvideo.pipeline.outbound.FetchException.Reason;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a URL named by a caller may be fetched, and where to: https on port 443 to a host
 * whose every address is public ({@link AddressRules}). A host name is resolved here, once; the fetch
 * connects to the addresses checked here and never looks the name up again, so a DNS answer that
 * changes between check and use (rebinding) cannot move the connection. Hosts written as numbers are
 * taken only in canonical form (four decimal parts, or an IPv6 literal): {@code 2130706433},
 * {@code 0x7f.1} or {@code 0177.0.0.1} mean different addresses to different parsers, so they are refused.
 *
 * <p>{@code allowLocal} is for the local stack, whose images and videos are served on this machine:
 * it also admits loopback addresses, plain http and any port. Every other rule holds.
 */
public final class OutboundGuard {

    private static final Pattern NUMERIC_LABEL = Pattern.compile("0[xX][0-9a-fA-F]*|[0-9]+");
    private static final Pattern CANONICAL_IPV4 =
            Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

    private final HostResolver resolver;
    private final boolean allowLocal;

    public OutboundGuard(HostResolver resolver, boolean allowLocal) {
        this.resolver = resolver;
        this.allowLocal = allowLocal;
    }

    /**
     * Where a URL may be fetched from.
     *
     * @param url        what to connect to; {@link #host()} goes into SNI, certificate checks and the Host header
     * @param tls        https
     * @param host       the host as written, without brackets or a trailing dot
     * @param hostHeader the Host header's value
     * @param addresses  the checked addresses, in the resolver's order: connect to these and nothing else
     * @param literal    the host is an address, not a name (no SNI)
     */
    public record Target(URI url, boolean tls, String host, String hostHeader, int port, List<InetAddress> addresses,
            boolean literal) {
    }

    /** @throws FetchException {@link Reason#BAD_URL}, {@link Reason#DNS} or {@link Reason#REFUSED_ADDRESS} */
    public Target check(URI url) throws FetchException {
        String where = Urls.redact(url);
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https");
        if (!tls && !(allowLocal && scheme.equals("http"))) {
            throw new FetchException(Reason.BAD_URL, where + ": scheme must be https");
        }
        if (url.getRawUserInfo() != null) {
            throw new FetchException(Reason.BAD_URL, where + ": user info is not allowed");
        }
        String rawHost = url.getHost();
        if (rawHost == null || rawHost.isEmpty()) {
            throw new FetchException(Reason.BAD_URL, where + ": no host");
        }
        int port = url.getPort() == -1 ? (tls ? 443 : 80) : url.getPort();
        if (!allowLocal && port != 443) {
            throw new FetchException(Reason.BAD_URL, where + ": port must be 443");
        }
        String hostHeader = rawHost + (url.getPort() == -1 ? "" : ":" + url.getPort());

        List<InetAddress> addresses;
        String host;
        boolean literal;
        if (rawHost.startsWith("[")) {
            host = rawHost.substring(1, rawHost.length() - 1);
            addresses = List.of(literal(host, where));
            literal = true;
        } else {
            host = rawHost.endsWith(".") ? rawHost.substring(0, rawHost.length() - 1) : rawHost;
            host = host.toLowerCase(Locale.ROOT);
            String[] labels = host.split("\\.", -1);
            if (NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
                if (!CANONICAL_IPV4.matcher(host).matches()) {
                    throw new FetchException(Reason.BAD_URL, where + ": a host written as a number must be a"
                            + " dotted-quad IPv4 address");
                }
                addresses = List.of(literal(host, where));
                literal = true;
            } else {
                addresses = resolve(host, where);
                literal = false;
            }
        }
        for (InetAddress address : addresses) {
            Optional<AddressRules.Range> range = AddressRules.nonPublic(address);
            if (range.isPresent() && !(allowLocal && range.get() == AddressRules.Range.LOOPBACK)) {
                throw new FetchException(Reason.REFUSED_ADDRESS, where + ": " + host + " is "
                        + address.getHostAddress() + ", a " + range.get() + " address");
            }
        }
        return new Target(url, tls, host, hostHeader, port, addresses, literal);
    }

    /** Parses an address literal; with a colon or in canonical dotted form the JDK does not look it up. */
    private static InetAddress literal(String text, String where) throws FetchException {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new FetchException(Reason.BAD_URL, where + ": not an address", e);
        }
    }

    private List<InetAddress> resolve(String host, String where) throws FetchException {
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new FetchException(Reason.DNS, where + ": " + host + " does not resolve", e);
        }
        if (addresses == null || addresses.isEmpty()) {
            throw new FetchException(Reason.DNS, where + ": " + host + " has no address");
        }
        return List.copyOf(addresses);
    }
}
