package com.klingvideo.pipeline.outbound;

import com.klingvideo.pipeline.outbound.FetchException.Reason;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * GETs a URL named by a caller, through {@link OutboundGuard}: each hop's host is checked and resolved
 * once, and the connection goes to the checked address itself (a socket to that {@link InetAddress}, TLS
 * on top with SNI and certificate host name checks against the URL's host, as any https client does).
 * That is why this is a small HTTP/1.1 client of its own: the JDK's {@code HttpClient} and
 * {@code HttpsURLConnection} resolve the host again themselves, after any check, and neither can be told
 * which address to use.
 *
 * <p>Redirects are followed here, at most {@value #MAX_REDIRECTS}, each target checked like the first
 * URL. One deadline covers everything: lookups, connects, handshakes, redirects and the body, which
 * keeps being read against it after {@link #get} returns. The request line carries the URL's raw path
 * and query byte for byte (signed URLs). One request per connection ({@code Connection: close}).
 */
public final class GuardedHttpClient {

    public static final int MAX_REDIRECTS = 3;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final int MAX_HEADER_LINE = 16 * 1024;
    private static final int MAX_HEADER_LINES = 200;

    /** Opens a TCP connection to exactly this address. */
    @FunctionalInterface
    public interface Connector {
        Connector PLAIN = (address, timeoutMillis) -> {
            Socket socket = new Socket();
            try {
                socket.connect(address, timeoutMillis);
                return socket;
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        };

        Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException;
    }

    private final OutboundGuard guard;
    private final Connector connector;
    private final SSLSocketFactory tls;

    /** System DNS, plain sockets, the JDK's default trust. */
    public GuardedHttpClient(OutboundGuard guard) {
        this(guard, Connector.PLAIN, defaultTls());
    }

    public GuardedHttpClient(OutboundGuard guard, Connector connector, SSLSocketFactory tls) {
        this.guard = guard;
        this.connector = connector;
        this.tls = tls;
    }

    /**
     * The 2xx answer to a GET of {@code url}, after redirects; the caller reads and closes its body.
     *
     * @param budget the deadline for the whole fetch, body included
     * @throws FetchException for every way the fetch can fail; its message is for the log
     */
    public Response get(URI url, Duration budget) throws FetchException {
        Deadline deadline = new Deadline(budget);
        URI current = url;
        for (int redirects = 0; ; redirects++) {
            OutboundGuard.Target target = guard.check(current);
            Response response = exchange(target, deadline);
            int status = response.status();
            if (status >= 200 && status <= 299) {
                return response;
            }
            response.close();
            String where = Urls.redact(current);
            if (!REDIRECTS.contains(status)) {
                throw new FetchException(Reason.HTTP_STATUS, where + " answered HTTP " + status);
            }
            if (redirects == MAX_REDIRECTS) {
                throw new FetchException(Reason.REDIRECT, Urls.redact(url) + " was redirected more than "
                        + MAX_REDIRECTS + " times");
            }
            current = location(current, response, where);
        }
    }

    private static URI location(URI current, Response response, String where) throws FetchException {
        String location = response.header("location").orElseThrow(() ->
                new FetchException(Reason.REDIRECT, where + " was redirected without a Location"));
        try {
            return current.resolve(new URI(location.trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new FetchException(Reason.REDIRECT, where + " was redirected to an invalid URL");
        }
    }

    private Response exchange(OutboundGuard.Target target, Deadline deadline) throws FetchException {
        String where = Urls.redact(target.url());
        Socket socket = connect(target, deadline, where);
        try {
            if (target.tls()) {
                socket = handshake(socket, target, deadline, where);
            }
            InputStream in = new BufferedInputStream(new DeadlineStream(socket, deadline, where));
            OutputStream out = socket.getOutputStream();
            out.write(requestHead(target).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return Response.read(socket, in, where);
        } catch (FetchException e) {
            closeQuietly(socket);
            throw e;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new FetchException(Reason.CONNECT, where + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private Socket connect(OutboundGuard.Target target, Deadline deadline, String where) throws FetchException {
        List<String> failures = new ArrayList<>();
        IOException last = null;
        for (InetAddress address : target.addresses()) {
            try {
                return connector.connect(new InetSocketAddress(address, target.port()), deadline.remainingMillis(where));
            } catch (SocketTimeoutException e) {
                last = e;
                failures.add(address.getHostAddress() + " timed out");
            } catch (IOException e) {
                last = e;
                failures.add(address.getHostAddress() + " " + e.getClass().getSimpleName());
            }
        }
        deadline.remainingMillis(where);
        throw new FetchException(Reason.CONNECT, where + ": no connection (" + String.join(", ", failures) + ")", last);
    }

    private Socket handshake(Socket plain, OutboundGuard.Target target, Deadline deadline, String where)
            throws IOException {
        SSLSocket ssl = (SSLSocket) tls.createSocket(plain, target.host(), target.port(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        // The certificate must name the URL's host: the same check HttpClient and HttpsURLConnection make.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!target.literal()) {
            parameters.setServerNames(List.of(new SNIHostName(target.host())));
        }
        ssl.setSSLParameters(parameters);
        try {
            ssl.setSoTimeout(deadline.remainingMillis(where));
            ssl.startHandshake();
            return ssl;
        } catch (SocketTimeoutException e) {
            closeQuietly(ssl);
            throw new FetchException(Reason.TIMEOUT, where + ": TLS handshake timed out", e);
        } catch (SSLException e) {
            closeQuietly(ssl);
            throw new FetchException(Reason.CONNECT, where + ": TLS handshake failed (" + e.getMessage() + ")", e);
        }
    }

    private static String requestHead(OutboundGuard.Target target) {
        URI url = target.url();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
        return "GET " + path + query + " HTTP/1.1\r\n"
                + "Host: " + target.hostHeader() + "\r\n"
                + "User-Agent: kling-video-pipeline\r\n"
                + "Accept: */*\r\n"
                + "Accept-Encoding: identity\r\n"
                + "Connection: close\r\n"
                + "\r\n";
    }

    private static SSLSocketFactory defaultTls() {
        try {
            return SSLContext.getDefault().getSocketFactory();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do with a connection we are giving up
        }
    }

    /** One deadline for a whole fetch. */
    static final class Deadline {
        private final long end;

        Deadline(Duration budget) {
            this.end = System.nanoTime() + budget.toNanos();
        }

        /** What is left, at least 1 ms; throws once nothing is. */
        int remainingMillis(String where) throws FetchException {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new FetchException(Reason.TIMEOUT, where + ": the deadline passed");
            }
            return (int) Math.min(Integer.MAX_VALUE, left);
        }
    }

    /** Reads from the socket with the socket timeout set to what is left of the deadline. */
    private static final class DeadlineStream extends FilterInputStream {
        private final Socket socket;
        private final Deadline deadline;
        private final String where;

        DeadlineStream(Socket socket, Deadline deadline, String where) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.deadline = deadline;
            this.where = where;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            socket.setSoTimeout(deadline.remainingMillis(where));
            try {
                return super.read(b, off, len);
            } catch (SocketTimeoutException e) {
                throw new FetchException(Reason.TIMEOUT, where + ": the deadline passed while reading", e);
            }
        }
    }

    /** A 2xx (or, inside this class, any) answer: status, headers and the framed body. */
    public static final class Response implements AutoCloseable {
        private final Socket socket;
        private final int status;
        private final Map<String, String> headers;
        private final InputStream body;
        private final OptionalLong contentLength;

        private Response(Socket socket, int status, Map<String, String> headers, InputStream body,
                OptionalLong contentLength) {
            this.socket = socket;
            this.status = status;
            this.headers = headers;
            this.body = body;
            this.contentLength = contentLength;
        }

        public int status() {
            return status;
        }

        /** A header by name (any case); repeated headers are joined with commas. */
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        /** The declared length of the body, when it is framed by one. */
        public OptionalLong contentLength() {
            return contentLength;
        }

        /** The body, ending where the framing says; reading past the deadline fails with a {@link FetchException}. */
        public InputStream body() {
            return body;
        }

        @Override
        public void close() {
            closeQuietly(socket);
        }

        static Response read(Socket socket, InputStream in, String where) throws IOException {
            int status;
            Map<String, String> headers;
            do {
                String statusLine = line(in, where);
                String[] parts = statusLine.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[0-9]{3}")) {
                    throw new FetchException(Reason.PROTOCOL, where + ": not an HTTP/1.x answer");
                }
                status = Integer.parseInt(parts[1]);
                headers = headers(in, where);
            } while (status >= 100 && status <= 199);

            String transfer = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT);
            String length = headers.get("content-length");
            if (status == 204 || status == 304) {
                return new Response(socket, status, headers, InputStream.nullInputStream(), OptionalLong.of(0));
            }
            if (transfer.contains("chunked")) {
                return new Response(socket, status, headers, new ChunkedBody(in, where), OptionalLong.empty());
            }
            if (!transfer.isEmpty()) {
                throw new FetchException(Reason.PROTOCOL, where + ": unsupported transfer encoding " + transfer);
            }
            if (length != null) {
                long declared = contentLength(length, where);
                return new Response(socket, status, headers, new FixedBody(in, declared, where),
                        OptionalLong.of(declared));
            }
            return new Response(socket, status, headers, in, OptionalLong.empty());
        }

        private static long contentLength(String value, String where) throws FetchException {
            String first = null;
            for (String part : value.split(",")) {
                String trimmed = part.trim();
                if (!trimmed.matches("[0-9]{1,18}") || (first != null && !first.equals(trimmed))) {
                    throw new FetchException(Reason.PROTOCOL, where + ": invalid Content-Length");
                }
                first = trimmed;
            }
            return Long.parseLong(first);
        }

        private static Map<String, String> headers(InputStream in, String where) throws IOException {
            Map<String, String> headers = new LinkedHashMap<>();
            for (int count = 0; ; count++) {
                String line = line(in, where);
                if (line.isEmpty()) {
                    return headers;
                }
                int colon = line.indexOf(':');
                if (count == MAX_HEADER_LINES || colon <= 0) {
                    throw new FetchException(Reason.PROTOCOL, where + ": malformed response headers");
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                headers.merge(name, value, (a, b) -> a + ", " + b);
            }
        }

        /** One CRLF- (or LF-) terminated line of ISO-8859-1 text, bounded. */
        static String line(InputStream in, String where) throws IOException {
            StringBuilder text = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new FetchException(Reason.PROTOCOL, where + ": the answer ended inside its head");
                }
                if (c == '\n') {
                    int end = text.length();
                    return end > 0 && text.charAt(end - 1) == '\r' ? text.substring(0, end - 1) : text.toString();
                }
                if (text.length() == MAX_HEADER_LINE) {
                    throw new FetchException(Reason.PROTOCOL, where + ": a response header line is too long");
                }
                text.append((char) c);
            }
        }
    }

    /**
     * A framed body over the connection. A plain {@link InputStream}, not a filter: skip, mark and
     * available must not reach past the framing into the connection.
     */
    private abstract static class Framed extends InputStream {
        final InputStream in;
        final String where;

        Framed(InputStream in, String where) {
            this.in = in;
            this.where = where;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A body of a declared length; ending early is an error, not a short file. */
    private static final class FixedBody extends Framed {
        private long left;

        FixedBody(InputStream in, long length, String where) {
            super(in, where);
            this.left = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new FetchException(Reason.PROTOCOL, where + ": the body ended " + left + " bytes early");
            }
            left -= n;
            return n;
        }
    }

    /** Decodes {@code Transfer-Encoding: chunked}; trailers are read and dropped. */
    private static final class ChunkedBody extends Framed {
        private long leftInChunk;
        private boolean ended;

        ChunkedBody(InputStream in, String where) {
            super(in, where);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (ended) {
                return -1;
            }
            if (leftInChunk == 0) {
                String size = Response.line(in, where);
                int semicolon = size.indexOf(';');
                String hex = (semicolon < 0 ? size : size.substring(0, semicolon)).trim();
                if (!hex.matches("[0-9a-fA-F]{1,15}")) {
                    throw new FetchException(Reason.PROTOCOL, where + ": invalid chunk size");
                }
                leftInChunk = Long.parseLong(hex, 16);
                if (leftInChunk == 0) {
                    while (!Response.line(in, where).isEmpty()) {
                        // trailer fields: not used
                    }
                    ended = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, leftInChunk));
            if (n < 0) {
                throw new FetchException(Reason.PROTOCOL, where + ": the body ended inside a chunk");
            }
            leftInChunk -= n;
            if (leftInChunk == 0 && !Response.line(in, where).isEmpty()) {
                throw new FetchException(Reason.PROTOCOL, where + ": a chunk did not end with CRLF");
            }
            return n;
        }
    }
}
