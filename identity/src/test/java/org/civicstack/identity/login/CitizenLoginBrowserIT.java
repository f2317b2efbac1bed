package org.civicstack.identity.login;

import org.civicstack.testkit.AliyunSmsStandIn;
import org.civicstack.testkit.CitizenLoginDriver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.nimbusds.jwt.SignedJWT;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.clients.CitizenAppClient;
import org.civicstack.identity.clients.CitizenAppClientRegistrar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The acceptance test of the citizen login: a real headless Chromium (Debian's {@code chromium} driven through
 * {@code /usr/bin/chromedriver}; nothing is downloaded) goes from the app's authorization request through the hosted
 * login page — number, then the code the SMS provider stand-in received — back to the app's redirect URI, and the
 * authorization code is exchanged with its PKCE verifier for tokens. Without Chromium this test fails and says how
 * to install it ({@code ./.ci/install-test-tools}).
 */
class CitizenLoginBrowserIT extends LoginIntegrationTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String APP = "it-browser-app";

    @LocalServerPort
    int port;
    @Autowired
    CitizenAppClientRegistrar apps;
    @Autowired
    CitizenAccounts accounts;
    @Autowired
    StringRedisTemplate redis;

    WebDriver browser;
    Path profile;

    @BeforeAll
    static void chromiumIsInstalled() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("The browser test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "). Install them with ./.ci/install-test-tools (or: sudo apt-get install -y chromium "
                    + "chromium-driver) and run the tests again.");
        }
    }

    @BeforeEach
    void startBrowser() throws Exception {
        apps.register(CitizenAppClient.of(APP, List.of("openid", "offline_access"), List.of(AliyunSmsStandIn.appCallback())));
        var keys = redis.keys("cs:identity:login:send:address:*");
        if (keys != null && !keys.isEmpty()) {
            redis.delete(keys);
        }
        profile = Files.createTempDirectory("civicstack-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=390,844");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void aCitizenSignsInOnTheHostedPageAndTheAppGetsTokens() throws Exception {
        String mobile = "137" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
        String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
        String state = UUID.randomUUID().toString();
        String redirect = AliyunSmsStandIn.appCallback();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

        browser.get("http://localhost:" + port + "/oauth2/authorize?response_type=code&client_id=" + APP
                + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                + "&scope=openid&state=" + state + "&nonce=n-" + state
                + "&code_challenge=" + CitizenLoginDriver.challenge(verifier) + "&code_challenge_method=S256");

        // the hosted page in the browser's language (Accept-Language); the citizen switches to the other one
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("mobile")));
        assertThat(URI.create(browser.getCurrentUrl()).getPath()).isEqualTo("/login");
        String first = browser.findElement(By.tagName("html")).getAttribute("lang");
        assertThat(first).isIn("zh-CN", "en");
        browser.findElement(By.id("lang")).click();
        String other = first.equals("en") ? "zh-CN" : "en";
        wait.until(ExpectedConditions.attributeToBe(By.tagName("html"), "lang", other));
        assertThat(browser.findElement(By.id("send")).getText()).isEqualTo(other.equals("en") ? "Send code" : "获取验证码");

        browser.findElement(By.id("mobile")).sendKeys(mobile);
        browser.findElement(By.id("send")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("code")));
        assertThat(browser.findElement(By.id("sent")).getText())
                .contains(MobileNumber.parse(mobile).orElseThrow().masked());

        String code = AliyunSmsStandIn.latestCodeFor(mobile).orElseThrow(() -> new AssertionError("no SMS to " + mobile));
        browser.findElement(By.id("code")).sendKeys(code);
        browser.findElement(By.id("verify")).click();

        wait.until(ExpectedConditions.urlContains(AliyunSmsStandIn.APP_CALLBACK_PATH));
        URI callback = URI.create(browser.getCurrentUrl());
        Map<String, String> query = CitizenLoginDriver.query(callback);
        assertThat(query).containsEntry("state", state).containsKey("code");
        assertThat(browser.findElement(By.id("app")).getText()).isEqualTo("back in the app");

        CitizenLoginDriver.Tokens tokens = new CitizenLoginDriver("http://localhost:" + port, AliyunSmsStandIn::latestCodeFor)
                .token(APP, redirect, query.get("code"), verifier);

        assertThat(tokens.response().statusCode()).as(tokens.response().body()).isEqualTo(200);
        SignedJWT access = SignedJWT.parse(tokens.accessToken());
        assertThat(new TokenEndpoint(port).verifies(access)).isTrue();
        String citizen = accounts.find(MobileNumber.parse(mobile).orElseThrow()).orElseThrow().toString();
        assertThat(access.getJWTClaimsSet().getSubject()).isEqualTo(citizen);
        assertThat(SignedJWT.parse(tokens.idToken()).getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("n-" + state);
    }
}
