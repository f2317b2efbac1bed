package org.civicstack.testkit;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Drives a citizen's whole login against a running identity over plain HTTP, like the app's in-app browser would:
 * {@code /oauth2/authorize} (code + PKCE S256) → the hosted login page → number → the code read from the SMS
 * provider's stand-in → back to the authorization endpoint → the redirect with the authorization code → the token
 * request. Cookie- and CSRF-aware; follows no redirect by itself, so every hop can be asserted.
 *
 * <pre>{@code
 * CitizenLoginDriver driver = new CitizenLoginDriver("http://localhost:" + port, AliyunSmsStandIn::latestCodeFor);
 * CitizenLoginDriver.Tokens tokens = driver.login("city-app", "https://app.example/cb", "13800138000", "openid");
 * }</pre>
 *
 * Each driver is one browser (its own cookies); the PKCE verifier, state and nonce are fresh per {@link #authorize}.
 */
public final class CitizenLoginDriver {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String base;
    private final Function<String, Optional<String>> codeForNumber;
    private final HttpClient http;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String csrf;
    private String codeVerifier;
    private String state;

    /**
     * @param base identity's base URL, e.g. {@code http://localhost:8081}
     * @param codeForNumber the latest code texted to a number (as the provider receives it: 11 digits for a
     *         mainland number), e.g. identity's {@code AliyunSmsStandIn.latestCodeFor}
     */
    public CitizenLoginDriver(String base, Function<String, Optional<String>> codeForNumber) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.codeForNumber = codeForNumber;
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Sends this header with every request from now on (e.g. {@code X-Forwarded-For} as the gateway would). */
    public CitizenLoginDriver withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** What the token endpoint answered for the authorization code. */
    public record Tokens(HttpResponse<String> response, String accessToken, String idToken, String refreshToken) {
    }

    /** The whole flow; fails with the step's response if any step does not go as a citizen's would. */
    public Tokens login(String clientId, String redirectUri, String mobile, String scope) {
        String callback = signIn(authorize(clientId, redirectUri, scope, Map.of()), redirectUri, mobile);
        Map<String, String> query = query(URI.create(callback));
        if (!state.equals(query.get("state"))) {
            throw new AssertionError("state not returned unchanged: " + callback);
        }
        String authorizationCode = Optional.ofNullable(query.get("code"))
                .orElseThrow(() -> new AssertionError("no code in " + callback));
        return token(clientId, redirectUri, authorizationCode, codeVerifier);
    }

    /**
     * The citizen's part for an authorization URL some other client built (an independent relying party): opens
     * it, signs in on the hosted page with the code texted to {@code mobile}, and returns the URL the browser is
     * finally sent to (the app's redirect URI with {@code code} and {@code state}).
     */
    public String signInAt(String authorizationUrl, String redirectUri, String mobile) {
        return signIn(get(authorizationUrl), redirectUri, mobile);
    }

    private String signIn(HttpResponse<String> redirect, String redirectUri, String mobile) {
        expect(redirect, 302, "authorize (not signed in) should send to the login page");
        expectLocationPath(redirect, "/login");
        expect(openLoginPage(), 200, "login page");
        expect(sendCode(mobile), 200, "sending the code");
        String code = codeForNumber.apply(mobile).orElseThrow(() -> new AssertionError("no SMS to " + mobile));
        HttpResponse<String> signedIn = enterCode(code);
        expect(signedIn, 303, "entering the right code should return to the authorization request");
        HttpResponse<String> authorized = get(location(signedIn));
        expect(authorized, 302, "authorization after login");
        String callback = location(authorized);
        if (!callback.startsWith(redirectUri)) {
            throw new AssertionError("expected a redirect to " + redirectUri + ", got " + callback);
        }
        return callback;
    }

    /**
     * {@code GET /oauth2/authorize} with a fresh PKCE S256 challenge, state and nonce; {@code extra} adds or
     * overrides parameters (e.g. {@code code_challenge_method=plain}; an empty value removes one).
     */
    public HttpResponse<String> authorize(String clientId, String redirectUri, String scope, Map<String, String> extra) {
        codeVerifier = random(48);
        state = random(16);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", clientId);
        parameters.put("redirect_uri", redirectUri);
        parameters.put("scope", scope);
        parameters.put("state", state);
        parameters.put("nonce", random(16));
        parameters.put("code_challenge", challenge(codeVerifier));
        parameters.put("code_challenge_method", "S256");
        extra.forEach((key, value) -> {
            if (value.isEmpty()) {
                parameters.remove(key);
            } else {
                parameters.put(key, value);
            }
        });
        return get(base + "/oauth2/authorize?" + form(parameters));
    }

    public HttpResponse<String> openLoginPage() {
        return rememberCsrf(get(base + "/login"));
    }

    public HttpResponse<String> sendCode(String mobile) {
        return rememberCsrf(post("/login/code", Map.of("mobile", mobile)));
    }

    public HttpResponse<String> enterCode(String code) {
        return rememberCsrf(post("/login/verify", Map.of("code", code)));
    }

    /** Follows an identity-relative or absolute {@code Location}. */
    public HttpResponse<String> follow(HttpResponse<String> redirect) {
        return get(location(redirect));
    }

    /** {@code POST /oauth2/token}, authorization_code grant, as a public client (client_id in the form). */
    public Tokens token(String clientId, String redirectUri, String authorizationCode, String verifier) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("grant_type", "authorization_code");
        parameters.put("client_id", clientId);
        parameters.put("redirect_uri", redirectUri);
        parameters.put("code", authorizationCode);
        if (verifier != null) {
            parameters.put("code_verifier", verifier);
        }
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(parameters))));
        return new Tokens(response, field(response.body(), "access_token"), field(response.body(), "id_token"),
                field(response.body(), "refresh_token"));
    }

    /** The PKCE verifier of the last {@link #authorize}. */
    public String codeVerifier() {
        return codeVerifier;
    }

    public String state() {
        return state;
    }

    public HttpResponse<String> post(String path, Map<String, String> fields) {
        Map<String, String> parameters = new LinkedHashMap<>(fields);
        if (csrf != null) {
            parameters.put("_csrf", csrf);
        }
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(parameters))));
    }

    public HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url.startsWith("/") ? base + url : url)).GET());
    }

    public static Map<String, String> query(URI uri) {
        Map<String, String> query = new LinkedHashMap<>();
        if (uri.getRawQuery() == null) {
            return query;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            query.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    public static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("no Location in a " + response.statusCode() + " response"));
    }

    private HttpResponse<String> rememberCsrf(HttpResponse<String> response) {
        Matcher matcher = CSRF.matcher(response.body());
        if (matcher.find()) {
            csrf = matcher.group(1);
        }
        return response;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        headers.forEach(request::header);
        try {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request to identity failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void expect(HttpResponse<String> response, int status, String step) {
        if (response.statusCode() != status) {
            throw new AssertionError(step + ": expected " + status + " but got " + response.statusCode() + " "
                    + response.headers().firstValue("Location").orElse("") + "\n" + response.body());
        }
    }

    private void expectLocationPath(HttpResponse<String> response, String path) {
        String location = location(response);
        URI target = URI.create(location);
        if (!target.getPath().equals(path)) {
            throw new AssertionError("expected a redirect to " + path + ", got " + location);
        }
        // the browser must stay where it is (behind the gateway: the gateway), never be sent to a backend's own port
        if (target.isAbsolute() && !(target.getScheme() + "://" + target.getRawAuthority()).equals(base)) {
            throw new AssertionError("expected a redirect on " + base + " (or a relative one), got " + location);
        }
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return matcher.find() ? matcher.group(1) : null;
    }

    /** The PKCE S256 challenge of a verifier (RFC 7636 §4.2). */
    public static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    private static String form(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
