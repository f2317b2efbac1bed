package org.civicstack.identity.login;

import org.civicstack.testkit.AliyunSmsStandIn;
import org.civicstack.testkit.CitizenLoginDriver;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.clients.CitizenAppClient;
import org.civicstack.identity.clients.CitizenAppClientRegistrar;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The citizen login end to end over HTTP: the hosted page, SMS codes (Aliyun adapter against WireMock), the
 * authorization code grant with PKCE S256 up to tokens, and every way a client or citizen can get it wrong.
 */
class CitizenLoginFlowIT extends LoginIntegrationTest {

    static final String APP = "it-login-app";
    static final String REDIRECT = "https://app.civicstack.test/oauth2/callback";

    @LocalServerPort
    int port;
    @Autowired
    CitizenAppClientRegistrar apps;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    CitizenAccounts accounts;
    @Autowired
    CitizenLogin login;

    @BeforeEach
    void registerAppAndForgetSendCounters() {
        apps.register(CitizenAppClient.of(APP, List.of("openid", "offline_access", "svc:parking"), List.of(REDIRECT)));
        // every test sends from 127.0.0.1: start each with a fresh per-address window (per-number keys are per test)
        var keys = redis.keys("cs:identity:login:send:address:*");
        if (keys != null && !keys.isEmpty()) {
            redis.delete(keys);
        }
    }

    static String aMobile() {
        return "139" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    CitizenLoginDriver driver() {
        return new CitizenLoginDriver("http://localhost:" + port, AliyunSmsStandIn::latestCodeFor);
    }

    @Nested
    class TheWholeFlow {

        @Test
        void codeAndPkceGiveTokensForTheCitizenWhoseAccountIsCreatedAtTheFirstLogin() throws Exception {
            String mobile = aMobile();
            assertThat(accounts.find(MobileNumber.parse(mobile).orElseThrow())).isEmpty();

            CitizenLoginDriver.Tokens tokens = driver().login(APP, REDIRECT, mobile, "openid svc:parking");

            assertThat(tokens.response().statusCode()).as(tokens.response().body()).isEqualTo(200);
            var citizen = accounts.find(MobileNumber.parse(mobile).orElseThrow()).orElseThrow();
            SignedJWT access = SignedJWT.parse(tokens.accessToken());
            assertThat(new TokenEndpoint(port).verifies(access)).isTrue();
            assertThat(access.getJWTClaimsSet().getSubject()).isEqualTo(citizen.toString());
            assertThat(access.getJWTClaimsSet().getStringClaim("client_id")).isEqualTo(APP);
            assertThat(access.getJWTClaimsSet().getStringClaim("client_type")).isEqualTo("citizen_app");
            assertThat(access.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("openid svc:parking");
            SignedJWT id = SignedJWT.parse(tokens.idToken());
            assertThat(id.getJWTClaimsSet().getSubject()).isEqualTo(citizen.toString());
            assertThat(id.getJWTClaimsSet().getAudience()).containsExactly(APP);
            // one live session, started by this login, amr sms
            assertThat(jdbc.queryForObject("SELECT count(*) FROM citizen_session WHERE citizen_id = ? "
                    + "AND ended_at IS NULL AND amr = ARRAY['sms']", Integer.class, citizen.value())).isEqualTo(1);
        }

        @Test
        void aSecondLoginOfTheSameNumberUsesTheSameAccount() throws Exception {
            String mobile = aMobile();
            String first = SignedJWT.parse(driver().login(APP, REDIRECT, mobile, "openid").accessToken())
                    .getJWTClaimsSet().getSubject();
            redis.delete(redis.keys("cs:identity:login:send:number:60:*"));

            String second = SignedJWT.parse(driver().login(APP, REDIRECT, mobile, "openid").accessToken())
                    .getJWTClaimsSet().getSubject();

            assertThat(second).isEqualTo(first);
        }

        @Test
        void eventsSayWhatHappenedWithoutTheNumberOrTheCode() {
            String mobile = aMobile();
            driver().login(APP, REDIRECT, mobile, "openid");
            String code = AliyunSmsStandIn.latestCodeFor(mobile).orElseThrow();
            var citizen = accounts.find(MobileNumber.parse(mobile).orElseThrow()).orElseThrow();

            List<String> payloads = jdbc.queryForList("SELECT payload::text FROM outbox_event WHERE stream = "
                    + "'cs:identity:token-events' AND (payload->>'citizen_id' = ? OR payload->>'kind' = 'otp_sent') "
                    + "ORDER BY created_at DESC LIMIT 50", String.class, citizen.toString());
            assertThat(payloads).anyMatch(p -> p.contains("\"login_succeeded\"") && p.contains(citizen.toString()));
            assertThat(payloads).anyMatch(p -> p.contains("\"otp_sent\""));
            assertThat(payloads).noneMatch(p -> p.contains(mobile.substring(3)) || p.contains("\"" + code + "\""));
        }
    }

    @Nested
    class TheCodePage {

        @Test
        void aWrongCodeSaysHowManyTriesAreLeftAndTheFifthKillsTheCode() {
            CitizenLoginDriver browser = driver();
            String mobile = aMobile();
            browser.authorize(APP, REDIRECT, "openid", Map.of());
            browser.openLoginPage();
            browser.sendCode(mobile);
            String right = AliyunSmsStandIn.latestCodeFor(mobile).orElseThrow();
            String wrong = right.equals("000000") ? "111111" : "000000";

            for (int left = 4; left >= 1; left--) {
                HttpResponse<String> answer = browser.enterCode(wrong);
                assertThat(answer.statusCode()).isEqualTo(400);
                assertThat(answer.body()).contains("还可尝试 " + left + " 次");
            }
            HttpResponse<String> fifth = browser.enterCode(wrong);
            assertThat(fifth.statusCode()).isEqualTo(400);
            assertThat(fifth.body()).contains("该验证码已失效").contains("name=\"mobile\"");

            // even the right code is dead now, and the browser has to start again
            assertThat(browser.enterCode(right).statusCode()).isEqualTo(400);
            assertThat(jdbc.queryForObject("SELECT kill_reason FROM login_code WHERE mobile_e164 = ?", String.class,
                    "+86" + mobile)).isEqualTo("too_many_attempts");
        }

        @Test
        void anExpiredCodeIsRefused() {
            CitizenLoginDriver browser = driver();
            String mobile = aMobile();
            browser.openLoginPage();
            browser.sendCode(mobile);
            jdbc.update("UPDATE login_code SET expires_at = now() - interval '1 second' WHERE mobile_e164 = ?",
                    "+86" + mobile);

            HttpResponse<String> answer = browser.enterCode(AliyunSmsStandIn.latestCodeFor(mobile).orElseThrow());

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("该验证码已失效");
        }

        @Test
        void aUsedCodeCannotSignInAnotherBrowser() {
            CitizenLoginDriver first = driver();
            String mobile = aMobile();
            first.authorize(APP, REDIRECT, "openid", Map.of());
            first.openLoginPage();
            first.sendCode(mobile);
            String code = AliyunSmsStandIn.latestCodeFor(mobile).orElseThrow();
            assertThat(first.enterCode(code).statusCode()).isEqualTo(303);

            assertThat(first.enterCode(code).statusCode()).isEqualTo(400);
            assertThat(jdbc.queryForObject("SELECT consumed_at IS NOT NULL FROM login_code WHERE mobile_e164 = ?",
                    Boolean.class, "+86" + mobile)).isTrue();
        }

        @Test
        void theRightCodePresentedConcurrentlySignsInExactlyOnce() throws Exception {
            String mobile = aMobile();
            CitizenLogin.SendOutcome sent = login.sendCode(mobile, "192.0.2.10", APP);
            LoginChallengeId challenge = ((CitizenLogin.SendOutcome.Sent) sent).challenge();
            String code = AliyunSmsStandIn.latestCodeFor(mobile).orElseThrow();
            int parallel = 8;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            try {
                List<java.util.concurrent.Future<CitizenLogin.VerifyOutcome>> outcomes = new java.util.ArrayList<>();
                for (int i = 0; i < parallel; i++) {
                    outcomes.add(pool.submit(() -> {
                        start.await();
                        return login.verify(challenge, code, APP, "it");
                    }));
                }
                start.countDown();
                List<CitizenLogin.VerifyOutcome> results = new java.util.ArrayList<>();
                for (var outcome : outcomes) {
                    results.add(outcome.get(30, java.util.concurrent.TimeUnit.SECONDS));
                }

                assertThat(results).filteredOn(r -> r instanceof CitizenLogin.VerifyOutcome.LoggedIn).hasSize(1);
                assertThat(results).filteredOn(r -> r instanceof CitizenLogin.VerifyOutcome.CodeDead)
                        .hasSize(parallel - 1);
                var citizen = accounts.find(MobileNumber.parse(mobile).orElseThrow()).orElseThrow();
                assertThat(jdbc.queryForObject("SELECT count(*) FROM citizen_session WHERE citizen_id = ?",
                        Integer.class, citizen.value())).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void somethingOtherThanSixDigitsIsNotCountedAsATry() {
            CitizenLoginDriver browser = driver();
            String mobile = aMobile();
            browser.openLoginPage();
            browser.sendCode(mobile);

            HttpResponse<String> answer = browser.enterCode("12ab");

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("验证码为 6 位数字");
            assertThat(jdbc.queryForObject("SELECT failed_attempts FROM login_code WHERE mobile_e164 = ?",
                    Integer.class, "+86" + mobile)).isZero();
        }

        @Test
        void anInvalidNumberIsAClearErrorAndNothingIsSent() {
            CitizenLoginDriver browser = driver();
            browser.openLoginPage();
            long before = AliyunSmsStandIn.sent().size();

            HttpResponse<String> answer = browser.sendCode("12345");

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("请输入有效的手机号码");
            assertThat(AliyunSmsStandIn.sent()).hasSize((int) before);
        }

        @Test
        void aKnownAndAnUnknownNumberGetTheSameAnswer() {
            String known = aMobile();
            driver().login(APP, REDIRECT, known, "openid");
            redis.delete(redis.keys("cs:identity:login:send:number:60:*"));
            String unknown = aMobile();

            CitizenLoginDriver a = driver();
            a.openLoginPage();
            HttpResponse<String> forKnown = a.sendCode(known);
            CitizenLoginDriver b = driver();
            b.openLoginPage();
            HttpResponse<String> forUnknown = b.sendCode(unknown);

            assertThat(forKnown.statusCode()).isEqualTo(forUnknown.statusCode()).isEqualTo(200);
            assertThat(withoutVariableParts(forKnown.body(), known))
                    .isEqualTo(withoutVariableParts(forUnknown.body(), unknown));
        }

        private String withoutVariableParts(String page, String mobile) {
            String masked = MobileNumber.parse(mobile).orElseThrow().masked();
            return page.replaceAll("name=\"_csrf\" value=\"[^\"]+\"", "").replace(masked, "MASKED");
        }

        @Test
        void theLanguageFollowsAcceptLanguageAndTheSwitch() {
            CitizenLoginDriver browser = driver();
            assertThat(browser.openLoginPage().body()).contains("<html lang=\"zh-CN\"").contains("手机号码")
                    .contains("name=\"viewport\"").doesNotContain("<script").doesNotContain("http://")
                    .doesNotContain("https://");

            HttpResponse<String> english = browser.get("/login?lang=en");

            assertThat(english.body()).contains("<html lang=\"en\"").contains("Mobile number");
            assertThat(browser.get("/login").body()).contains("Mobile number");
            var request = java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                    .header("Accept-Language", "en-GB,en;q=0.9,zh;q=0.5").GET();
            assertThat(new TokenEndpoint(port).send(request).body()).contains("<html lang=\"en\"");
        }

        @Test
        void aPostWithoutTheCsrfTokenIsRefused() {
            CitizenLoginDriver browser = driver();
            browser.get("/login"); // session cookie, but the token is not sent

            var request = java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login/code"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("mobile=" + aMobile()));
            HttpResponse<String> answer = new TokenEndpoint(port).send(request);

            assertThat(answer.statusCode()).isEqualTo(403);
            assertThat(answer.body()).contains("页面已过期");
        }
    }

    @Nested
    class SendLimits {

        @Test
        void aSecondCodeToTheSameNumberWithinAMinuteIsRefusedWithRetryAfter() {
            CitizenLoginDriver browser = driver();
            String mobile = aMobile();
            browser.openLoginPage();
            assertThat(browser.sendCode(mobile).statusCode()).isEqualTo(200);
            browser.post("/login/restart", Map.of());

            HttpResponse<String> again = browser.sendCode(mobile);

            assertThat(again.statusCode()).isEqualTo(429);
            assertThat(again.headers().firstValue("Retry-After")).hasValueSatisfying(
                    seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
            assertThat(again.body()).contains("发送过于频繁");
            assertThat(AliyunSmsStandIn.countFor(mobile)).isEqualTo(1);
        }

        @Test
        void oneAddressGetsTwentyCodesAnHourWhateverTheNumbers() {
            CitizenLoginDriver browser = driver();
            browser.openLoginPage();
            for (int i = 0; i < 20; i++) {
                assertThat(browser.sendCode(aMobile()).statusCode()).as("send %d", i + 1).isEqualTo(200);
                browser.post("/login/restart", Map.of());
            }
            String twentyFirst = aMobile();

            assertThat(browser.sendCode(twentyFirst).statusCode()).isEqualTo(429);
            assertThat(AliyunSmsStandIn.countFor(twentyFirst)).isZero();
        }

        @Test
        void behindTheGatewayTheLimitIsPerCitizenAddressNotPerGateway() {
            CitizenLoginDriver busy = driver().withHeader("X-Forwarded-For", "198.51.100.7");
            busy.openLoginPage();
            for (int i = 0; i < 20; i++) {
                assertThat(busy.sendCode(aMobile()).statusCode()).as("send %d", i + 1).isEqualTo(200);
                busy.post("/login/restart", Map.of());
            }
            assertThat(busy.sendCode(aMobile()).statusCode()).isEqualTo(429);

            CitizenLoginDriver other = driver().withHeader("X-Forwarded-For", "203.0.113.9");
            other.openLoginPage();

            assertThat(other.sendCode(aMobile()).statusCode()).isEqualTo(200);
        }
    }

    @Nested
    class BadAuthorizationRequests {

        @Test
        void pkcePlainIsRefusedWithInvalidRequest() {
            HttpResponse<String> answer = driver().authorize(APP, REDIRECT, "openid",
                    Map.of("code_challenge_method", "plain"));

            assertThat(errorAtRedirect(answer)).containsEntry("error", "invalid_request");
        }

        @Test
        void aMissingCodeChallengeIsRefusedWithInvalidRequest() {
            HttpResponse<String> answer = driver().authorize(APP, REDIRECT, "openid",
                    Map.of("code_challenge", "", "code_challenge_method", ""));

            assertThat(errorAtRedirect(answer)).containsEntry("error", "invalid_request");
        }

        @Test
        void aRedirectUriThatIsNotRegisteredExactlyIsRefusedWithoutRedirecting() {
            HttpResponse<String> answer = driver().authorize(APP, REDIRECT + "/other", "openid", Map.of());

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Location")).isEmpty();
            assertThat(answer.body()).contains("invalid_request").contains("redirect_uri");
        }

        @Test
        void anUnknownClientIsRefusedWithoutRedirecting() {
            HttpResponse<String> answer = driver().authorize("no-such-app", REDIRECT, "openid", Map.of());

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Location")).isEmpty();
            assertThat(answer.body()).contains("invalid_request").contains("client_id");
        }

        @Test
        void aScopeTheAppMayNotAskForIsRefused() {
            HttpResponse<String> answer = driver().authorize(APP, REDIRECT, "openid registry:write", Map.of());

            assertThat(errorAtRedirect(answer)).containsEntry("error", "invalid_scope");
        }

        private Map<String, String> errorAtRedirect(HttpResponse<String> answer) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
            String location = CitizenLoginDriver.location(answer);
            assertThat(location).startsWith(REDIRECT + "?");
            return CitizenLoginDriver.query(URI.create(location));
        }
    }

    @Nested
    class BadTokenRequests {

        private String codeFor(CitizenLoginDriver browser) {
            String mobile = aMobile();
            browser.authorize(APP, REDIRECT, "openid", Map.of());
            browser.openLoginPage();
            browser.sendCode(mobile);
            HttpResponse<String> signedIn = browser.enterCode(AliyunSmsStandIn.latestCodeFor(mobile).orElseThrow());
            HttpResponse<String> authorized = browser.follow(signedIn);
            return CitizenLoginDriver.query(URI.create(CitizenLoginDriver.location(authorized))).get("code");
        }

        @Test
        void aReplayedAuthorizationCodeIsInvalidGrant() {
            CitizenLoginDriver browser = driver();
            String code = codeFor(browser);
            assertThat(browser.token(APP, REDIRECT, code, browser.codeVerifier()).response().statusCode())
                    .isEqualTo(200);

            HttpResponse<String> replay = browser.token(APP, REDIRECT, code, browser.codeVerifier()).response();

            assertThat(replay.statusCode()).isEqualTo(400);
            assertThat((String) JsonPath.read(replay.body(), "$.error")).isEqualTo("invalid_grant");
        }

        @Test
        void aWrongCodeVerifierIsInvalidGrant() {
            CitizenLoginDriver browser = driver();
            String code = codeFor(browser);

            HttpResponse<String> answer = browser.token(APP, REDIRECT, code, "x".repeat(43)).response();

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat((String) JsonPath.read(answer.body(), "$.error")).isEqualTo("invalid_grant");
        }

        @Test
        void noCodeVerifierIsRefused() {
            CitizenLoginDriver browser = driver();
            String code = codeFor(browser);

            HttpResponse<String> answer = browser.token(APP, REDIRECT, code, null).response();

            assertThat(answer.statusCode()).isIn(400, 401);
            assertThat((String) JsonPath.read(answer.body(), "$.error")).isIn("invalid_grant", "invalid_client");
        }

        @Test
        void anUnknownAuthorizationCodeIsInvalidGrant() {
            CitizenLoginDriver browser = driver();

            HttpResponse<String> answer = browser.token(APP, REDIRECT, "not-a-code", "x".repeat(43)).response();

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat((String) JsonPath.read(answer.body(), "$.error")).isEqualTo("invalid_grant");
        }
    }
}
