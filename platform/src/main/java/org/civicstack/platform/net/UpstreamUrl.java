package org.civicstack.platform.net;

import static org.civicstack.platform.net.UnsafeUpstreamReason.CREDENTIALS_IN_URL;
import static org.civicstack.platform.net.UnsafeUpstreamReason.FRAGMENT_NOT_ALLOWED;
import static org.civicstack.platform.net.UnsafeUpstreamReason.INVALID_HOST;
import static org.civicstack.platform.net.UnsafeUpstreamReason.INVALID_PORT;
import static org.civicstack.platform.net.UnsafeUpstreamReason.MALFORMED_URL;
import static org.civicstack.platform.net.UnsafeUpstreamReason.MISSING_HOST;
import static org.civicstack.platform.net.UnsafeUpstreamReason.NON_CANONICAL_IP_LITERAL;
import static org.civicstack.platform.net.UnsafeUpstreamReason.SCHEME_NOT_ALLOWED;
import static org.civicstack.platform.net.UnsafeUpstreamReason.ZONE_ID_NOT_ALLOWED;

import java.net.IDN;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import inet.ipaddr.IPAddress;

/**
 * An upstream base URL in its one canonical text form: {@code http} or {@code https}, a lowercase ASCII host
 * (IDNA: Unicode compatibility forms such as full-width letters folded by NFKC, IDN converted to punycode, no
 * trailing dot), a canonical dotted-quad IPv4 or RFC 5952 IPv6 literal, the port only when it is not the scheme's
 * default, the path ({@code /} when empty) and query with RFC 3986 section 6.2.2 normalisation (percent-encoding in
 * upper case, percent-encoded unreserved characters decoded, dot segments removed from the path), no user
 * information, no fragment. The canonical text is what the registry stores and shows and what the gateway connects
 * to: equal URLs have equal text, and parsing the text again gives the same URL.
 *
 * <p>Parsing is strict on purpose (RFC 3986 with every ambiguity refused: whitespace, control characters,
 * backslashes, characters that should be percent-encoded, numeric hosts that are not a canonical dotted quad), so
 * that the text the registry stores is read the same way by every HTTP client the gateway might use.
 *
 * <p>{@link #parse} checks the text only: it does not resolve the host nor check any address. An instance obtained
 * from {@link UpstreamUrlPolicy#validate} has passed both; the gateway must still check each connection with
 * {@link UpstreamAddressGuard}.
 */
public final class UpstreamUrl {

    /** Longer inputs are refused before any parsing. */
    public static final int MAX_LENGTH = 2048;

    /** RFC 3986 appendix B: splits any string into scheme, authority, path, query and fragment. */
    private static final Pattern COMPONENTS =
            Pattern.compile("^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\\?([^#]*))?(#.*)?$", Pattern.DOTALL);
    private static final String PCHAR = "[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2}";
    private static final Pattern PATH = Pattern.compile("(?:/|" + PCHAR + ")*");
    private static final Pattern QUERY = Pattern.compile("(?:[/?]|" + PCHAR + ")*");
    private static final Pattern RAW_HOST = Pattern.compile("[A-Za-z0-9.\\-\\P{ASCII}]+");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");

    private final String scheme;
    private final String host;
    private final int port;
    private final String path;
    private final String query;
    /** The host as an address when it is an IP literal, else {@code null}. */
    private final IPAddress literal;
    private final String text;

    private UpstreamUrl(String scheme, String host, int port, String path, String query, IPAddress literal) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.path = path;
        this.query = query;
        this.literal = literal;
        StringBuilder out = new StringBuilder(scheme).append("://");
        out.append(literal != null && literal.isIPv6() ? "[" + host + "]" : host);
        if (port != defaultPort(scheme)) {
            out.append(':').append(port);
        }
        out.append(path);
        if (!query.isEmpty()) {
            out.append('?').append(query);
        }
        this.text = out.toString();
    }

    /**
     * Parses and normalises {@code candidate} without resolving it.
     *
     * @throws UnsafeUpstreamException with a syntax reason ({@code malformed_url}, {@code scheme_not_allowed},
     *         {@code credentials_in_url}, {@code fragment_not_allowed}, {@code missing_host}, {@code invalid_host},
     *         {@code invalid_port}, {@code non_canonical_ip_literal}, {@code zone_id_not_allowed})
     */
    public static UpstreamUrl parse(String candidate) {
        if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
            throw refused(MALFORMED_URL);
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '\\' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw refused(MALFORMED_URL);
            }
        }
        Matcher parts = COMPONENTS.matcher(candidate);
        if (!parts.matches() || parts.group(1) == null) {
            throw refused(MALFORMED_URL);
        }
        String scheme = parts.group(1).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused(SCHEME_NOT_ALLOWED);
        }
        if (parts.group(5) != null) {
            throw refused(FRAGMENT_NOT_ALLOWED);
        }
        String authority = parts.group(2);
        if (authority == null || authority.isEmpty()) {
            throw refused(MISSING_HOST);
        }
        if (authority.indexOf('@') >= 0) {
            throw refused(CREDENTIALS_IN_URL);
        }
        String path = parts.group(3).isEmpty() ? "/" : parts.group(3);
        String query = parts.group(4) == null ? "" : parts.group(4);
        if (!PATH.matcher(path).matches() || !QUERY.matcher(query).matches()) {
            throw refused(MALFORMED_URL);
        }
        path = removeDotSegments(normalisePercentEncoding(path));
        query = normalisePercentEncoding(query);
        return authority.startsWith("[") ? withIpv6Host(scheme, authority, path, query)
                : withNamedOrIpv4Host(scheme, authority, path, query);
    }

    private static UpstreamUrl withIpv6Host(String scheme, String authority, String path, String query) {
        int close = authority.indexOf(']');
        if (close < 0) {
            throw refused(MALFORMED_URL);
        }
        String rest = authority.substring(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(":")) {
            throw refused(MALFORMED_URL);
        }
        String literal = authority.substring(1, close);
        if (literal.indexOf('%') >= 0) {
            throw refused(ZONE_ID_NOT_ALLOWED);
        }
        IPAddress address = IpLiterals.ipv6Literal(literal);
        if (address == null) {
            throw refused(INVALID_HOST);
        }
        int port = port(scheme, rest.isEmpty() ? null : rest.substring(1));
        return new UpstreamUrl(scheme, address.toCanonicalString(), port, path, query, address);
    }

    private static UpstreamUrl withNamedOrIpv4Host(String scheme, String authority, String path, String query) {
        int colon = authority.indexOf(':');
        String rawHost = colon < 0 ? authority : authority.substring(0, colon);
        if (rawHost.isEmpty()) {
            throw refused(MISSING_HOST);
        }
        String host = asciiHost(rawHost);
        IPAddress literal = null;
        if (IpLiterals.looksNumeric(host)) {
            literal = IpLiterals.canonicalIpv4(host);
            // the raw text must already be canonical: full-width digits or a trailing dot are odd encodings too
            if (literal == null || !rawHost.equals(host)) {
                throw refused(NON_CANONICAL_IP_LITERAL);
            }
        } else if (!isDnsName(host)) {
            throw refused(INVALID_HOST);
        }
        int port = port(scheme, colon < 0 ? null : authority.substring(colon + 1));
        return new UpstreamUrl(scheme, host, port, path, query, literal);
    }

    /** Lowercase ASCII (IDNA, STD3 rules) without the trailing dot of a fully qualified name. */
    private static String asciiHost(String rawHost) {
        if (!RAW_HOST.matcher(rawHost).matches()) {
            throw refused(INVALID_HOST);
        }
        String ascii;
        try {
            ascii = IDN.toASCII(rawHost, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw refused(INVALID_HOST);
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        if (ascii.isEmpty()) {
            throw refused(INVALID_HOST);
        }
        return ascii;
    }

    /**
     * RFC 3986 sections 6.2.2.1-2: hex digits of percent-encodings in upper case, and percent-encoded unreserved
     * characters (letters, digits, {@code -._~}) decoded; everything else is kept as given. The text has already
     * been checked, so every {@code %} starts a two-digit escape.
     */
    static String normalisePercentEncoding(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int value = Integer.parseInt(text.substring(i + 1, i + 3), 16);
            if (isUnreserved(value)) {
                out.append((char) value);
            } else {
                out.append('%').append(Character.toUpperCase(text.charAt(i + 1)))
                        .append(Character.toUpperCase(text.charAt(i + 2)));
            }
            i += 2;
        }
        return out.toString();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** RFC 3986 section 5.2.4 for an absolute path: {@code /a/./b/../c} becomes {@code /a/c}. */
    static String removeDotSegments(String path) {
        if (!path.contains(".")) {
            return path;
        }
        String input = path;
        StringBuilder output = new StringBuilder(path.length());
        while (!input.isEmpty()) {
            if (input.startsWith("../")) {
                input = input.substring(3);
            } else if (input.startsWith("./")) {
                input = input.substring(2);
            } else if (input.startsWith("/./")) {
                input = input.substring(2);
            } else if (input.equals("/.")) {
                input = "/";
            } else if (input.startsWith("/../")) {
                input = input.substring(3);
                dropLastSegment(output);
            } else if (input.equals("/..")) {
                input = "/";
                dropLastSegment(output);
            } else if (input.equals(".") || input.equals("..")) {
                input = "";
            } else {
                int next = input.indexOf('/', input.startsWith("/") ? 1 : 0);
                int end = next < 0 ? input.length() : next;
                output.append(input, 0, end);
                input = input.substring(end);
            }
        }
        return output.isEmpty() ? "/" : output.toString();
    }

    private static void dropLastSegment(StringBuilder output) {
        int slash = output.lastIndexOf("/");
        output.setLength(Math.max(slash, 0));
    }

    private static boolean isDnsName(String host) {
        if (host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!DNS_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The explicit port, or the scheme's default when absent or empty (RFC 3986 section 6.2.3). */
    private static int port(String scheme, String text) {
        if (text == null || text.isEmpty()) {
            return defaultPort(scheme);
        }
        if (!PORT.matcher(text).matches() || Integer.parseInt(text) > 65535) {
            throw refused(INVALID_PORT);
        }
        return Integer.parseInt(text);
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    private static UnsafeUpstreamException refused(UnsafeUpstreamReason reason) {
        return new UnsafeUpstreamException(reason);
    }

    /** {@code http} or {@code https}. */
    public String scheme() {
        return scheme;
    }

    /** Lowercase ASCII DNS name, dotted-quad IPv4, or RFC 5952 IPv6 without brackets. */
    public String host() {
        return host;
    }

    /** The port to connect to: explicit, or 80/443 by scheme. */
    public int port() {
        return port;
    }

    /** The normalised path (percent-encoding kept but normalised, dot segments removed), {@code /} when empty. */
    public String path() {
        return path;
    }

    /** The query with normalised percent-encoding, without {@code ?}; empty when absent. */
    public Optional<String> query() {
        return query.isEmpty() ? Optional.empty() : Optional.of(query);
    }

    /** Whether the host is an IP address rather than a DNS name (then nothing is resolved). */
    public boolean isIpLiteral() {
        return literal != null;
    }

    IPAddress literal() {
        return literal;
    }

    public URI toUri() {
        return URI.create(text);
    }

    /** The canonical text form; equal URLs have equal text. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UpstreamUrl url && url.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
