package org.civicstack.identity.login;

import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.civicstack.identity.login.CitizenLogin.SendOutcome;
import org.civicstack.identity.login.CitizenLogin.VerifyOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The hosted login page ({@code /login}), two POST-driven steps: the mobile number ({@code POST /login/code}), then
 * the 6-digit code ({@code POST /login/verify}); {@code POST /login/restart} goes back to step one. On success the
 * citizen principal goes into the HTTP session and the browser returns to the saved {@code /oauth2/authorize}
 * request, which issues the authorization code. Every answer is HTML, never cached.
 */
@Controller
@io.swagger.v3.oas.annotations.Hidden
class LoginController {

    static final String CHALLENGE = LoginController.class.getName() + ".challenge";
    static final String MASKED_NUMBER = LoginController.class.getName() + ".masked";
    static final String LANGUAGE = LoginController.class.getName() + ".lang";
    private static final String AUTHORIZATION_ENDPOINT = "/oauth2/authorize";
    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8);
    private static final Logger log = LoggerFactory.getLogger(LoginController.class);

    private final CitizenLogin login;
    private final long validMinutes;
    private final SecurityContextRepository contexts;
    private final HttpSessionRequestCache requestCache = new HttpSessionRequestCache();

    LoginController(CitizenLogin login, SecurityContextRepository loginSecurityContextRepository,
            LoginProperties properties) {
        this.login = login;
        this.validMinutes = Math.max(1, properties.codeTtl().toMinutes());
        this.contexts = loginSecurityContextRepository;
    }

    @GetMapping("/login")
    ResponseEntity<String> page(HttpServletRequest request, HttpServletResponse response,
            @RequestParam(name = "lang", required = false) String lang,
            @RequestHeader(name = HttpHeaders.ACCEPT_LANGUAGE, required = false) String acceptLanguage) {
        LoginLanguage language = language(request, lang, acceptLanguage);
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(CHALLENGE) != null) {
            return html(HttpStatus.OK, LoginPage.codeStep(language, csrfName(request), csrf(request),
                    (String) session.getAttribute(MASKED_NUMBER), validMinutes, null));
        }
        return html(HttpStatus.OK, LoginPage.mobileStep(language, csrfName(request), csrf(request), null, null));
    }

    @PostMapping("/login/code")
    ResponseEntity<String> sendCode(HttpServletRequest request,
            @RequestParam(name = "mobile", required = false) String mobile,
            @RequestParam(name = "lang", required = false) String lang,
            @RequestHeader(name = HttpHeaders.ACCEPT_LANGUAGE, required = false) String acceptLanguage,
            HttpServletResponse response) {
        LoginLanguage language = language(request, lang, acceptLanguage);
        SendOutcome outcome;
        try {
            outcome = login.sendCode(mobile, request.getRemoteAddr(), clientId(request, response));
        } catch (DataAccessException e) {
            log.error("Login code not issued: storage unavailable ({})", e.getClass().getSimpleName());
            return unavailable(request, language, mobile);
        }
        if (outcome instanceof SendOutcome.Sent sent) {
            HttpSession session = request.getSession(true);
            session.setAttribute(CHALLENGE, sent.challenge().value().toString());
            session.setAttribute(MASKED_NUMBER, sent.mobile().masked());
            return html(HttpStatus.OK, LoginPage.codeStep(language, csrfName(request), csrf(request),
                    sent.mobile().masked(), validMinutes, null));
        }
        if (outcome instanceof SendOutcome.InvalidNumber) {
            return html(HttpStatus.BAD_REQUEST, LoginPage.mobileStep(language, csrfName(request), csrf(request),
                    mobile, language.message("error.number")));
        }
        if (outcome instanceof SendOutcome.RateLimited limited) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, limited.retryAfter().toSeconds())))
                    .cacheControl(CacheControl.noStore())
                    .contentType(HTML)
                    .body(LoginPage.mobileStep(language, csrfName(request), csrf(request), mobile,
                            language.message("error.rate", Math.max(1, limited.retryAfter().toSeconds()))));
        }
        return html(HttpStatus.SERVICE_UNAVAILABLE, LoginPage.mobileStep(language, csrfName(request), csrf(request),
                mobile, language.message("error.sms")));
    }

    @PostMapping("/login/verify")
    ResponseEntity<String> verify(HttpServletRequest request, HttpServletResponse response,
            @RequestParam(name = "code", required = false) String code,
            @RequestParam(name = "lang", required = false) String lang,
            @RequestHeader(name = HttpHeaders.ACCEPT_LANGUAGE, required = false) String acceptLanguage,
            @RequestHeader(name = HttpHeaders.USER_AGENT, required = false) String userAgent) {
        LoginLanguage language = language(request, lang, acceptLanguage);
        HttpSession session = request.getSession(false);
        Optional<LoginChallengeId> challenge = Optional.ofNullable(session)
                .map(s -> (String) s.getAttribute(CHALLENGE)).map(UUID::fromString).map(LoginChallengeId::new);
        if (challenge.isEmpty()) {
            return html(HttpStatus.BAD_REQUEST, LoginPage.mobileStep(language, csrfName(request), csrf(request), null,
                    language.message("error.session")));
        }
        String masked = (String) session.getAttribute(MASKED_NUMBER);
        VerifyOutcome outcome;
        try {
            outcome = login.verify(challenge.get(), code, clientId(request, response), userAgent);
        } catch (DataAccessException e) {
            log.error("Login code not checked: storage unavailable ({})", e.getClass().getSimpleName());
            return html(HttpStatus.SERVICE_UNAVAILABLE, LoginPage.codeStep(language, csrfName(request), csrf(request),
                    masked, validMinutes, language.message("error.unavailable")));
        }
        if (outcome instanceof VerifyOutcome.LoggedIn in) {
            return signIn(request, response, in, language);
        }
        if (outcome instanceof VerifyOutcome.MalformedCode) {
            return html(HttpStatus.BAD_REQUEST, LoginPage.codeStep(language, csrfName(request), csrf(request), masked,
                    validMinutes,
                    language.message("error.code.format")));
        }
        if (outcome instanceof VerifyOutcome.WrongCode wrong && wrong.attemptsLeft() > 0) {
            return html(HttpStatus.BAD_REQUEST, LoginPage.codeStep(language, csrfName(request), csrf(request), masked,
                    validMinutes,
                    language.message("error.code.wrong", wrong.attemptsLeft())));
        }
        if (outcome instanceof VerifyOutcome.AccountDisabled) {
            return restart(request, language, "error.disabled");
        }
        // killed by this wrong try, or expired / used / superseded: a new code is needed
        return restart(request, language, "error.code.dead");
    }

    @PostMapping("/login/restart")
    ResponseEntity<String> restart(HttpServletRequest request,
            @RequestParam(name = "lang", required = false) String lang,
            @RequestHeader(name = HttpHeaders.ACCEPT_LANGUAGE, required = false) String acceptLanguage) {
        LoginLanguage language = language(request, lang, acceptLanguage);
        forgetChallenge(request);
        return html(HttpStatus.OK, LoginPage.mobileStep(language, csrfName(request), csrf(request), null, null));
    }

    private ResponseEntity<String> signIn(HttpServletRequest request, HttpServletResponse response,
            VerifyOutcome.LoggedIn in, LoginLanguage language) {
        forgetChallenge(request);
        SavedRequest saved = requestCache.getRequest(request, response);
        // a new session id for the signed-in browser (session fixation)
        request.changeSessionId();
        Authentication principal = CitizenLoginPrincipal.create(in.citizen(), in.session().sid(),
                in.session().authTime(), in.session().amr());
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(principal);
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
        Optional<String> target = authorizationRequest(saved);
        if (target.isEmpty()) {
            return html(HttpStatus.OK, LoginPage.message(language, language.message("done")));
        }
        return ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, target.get())
                .cacheControl(CacheControl.noStore()).build();
    }

    /** Only ever back to identity's own authorization endpoint (no open redirect), as a relative URL. */
    private static Optional<String> authorizationRequest(SavedRequest saved) {
        if (!(saved instanceof org.springframework.security.web.savedrequest.DefaultSavedRequest request)
                || !"GET".equals(request.getMethod()) || !request.getRequestURI().endsWith(AUTHORIZATION_ENDPOINT)) {
            return Optional.empty();
        }
        String query = request.getQueryString();
        return Optional.of(request.getRequestURI() + (query == null ? "" : "?" + query));
    }

    /** The client of the saved authorization request, if any (for the session and events). */
    private String clientId(HttpServletRequest request, HttpServletResponse response) {
        SavedRequest saved = requestCache.getRequest(request, response);
        if (saved == null) {
            return null;
        }
        String[] values = saved.getParameterValues("client_id");
        return values == null || values.length != 1 || values[0].length() > 100 ? null : values[0];
    }

    private ResponseEntity<String> restart(HttpServletRequest request, LoginLanguage language, String message) {
        forgetChallenge(request);
        return html(HttpStatus.BAD_REQUEST, LoginPage.mobileStep(language, csrfName(request), csrf(request), null,
                language.message(message)));
    }

    private ResponseEntity<String> unavailable(HttpServletRequest request, LoginLanguage language, String mobile) {
        return html(HttpStatus.SERVICE_UNAVAILABLE, LoginPage.mobileStep(language, csrfName(request), csrf(request),
                mobile, language.message("error.unavailable")));
    }

    private static void forgetChallenge(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(CHALLENGE);
            session.removeAttribute(MASKED_NUMBER);
        }
    }

    /** {@code lang} when given (remembered in the session), else the remembered one, else Accept-Language. */
    private static LoginLanguage language(HttpServletRequest request, String lang, String acceptLanguage) {
        Optional<LoginLanguage> explicit = LoginLanguage.fromTag(lang);
        HttpSession session = request.getSession(false);
        if (explicit.isPresent()) {
            if (session != null) {
                session.setAttribute(LANGUAGE, explicit.get().name());
            }
            return explicit.get();
        }
        if (session != null && session.getAttribute(LANGUAGE) instanceof String remembered) {
            return LoginLanguage.valueOf(remembered);
        }
        return LoginLanguage.fromAcceptLanguage(acceptLanguage);
    }

    private static String csrf(HttpServletRequest request) {
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        return token == null ? "" : token.getToken();
    }

    private static String csrfName(HttpServletRequest request) {
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        return token == null ? "_csrf" : token.getParameterName();
    }

    private static ResponseEntity<String> html(HttpStatus status, String body) {
        return ResponseEntity.status(status).cacheControl(CacheControl.noStore())
                .contentType(HTML)
                .body(body);
    }
}
