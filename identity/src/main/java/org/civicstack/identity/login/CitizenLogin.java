package org.civicstack.identity.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.events.TokenEvent;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.login.LoginCodes.Check;
import org.civicstack.identity.login.sms.SmsFailure;
import org.civicstack.identity.login.sms.SmsSender;
import org.civicstack.identity.session.CitizenSession;
import org.civicstack.identity.session.CitizenSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The two steps of an SMS login, independent of the web: send a code to a number, then check what the citizen
 * typed. Sending never looks at accounts, so the answer (and the work done) is the same for a number that has an
 * account and one that has not; the account is found or created only when a right code arrives.
 */
public class CitizenLogin {

    /** The authentication method reference of this login ({@code amr}, RFC 8176). */
    public static final List<String> AMR = List.of("sms");

    private static final Logger log = LoggerFactory.getLogger(CitizenLogin.class);

    /** What asking for a code came to. */
    public sealed interface SendOutcome {
        record Sent(LoginChallengeId challenge, MobileNumber mobile) implements SendOutcome {
        }

        record InvalidNumber() implements SendOutcome {
        }

        record RateLimited(Duration retryAfter) implements SendOutcome {
        }

        record SmsUnavailable() implements SendOutcome {
        }
    }

    /** What entering a code came to. */
    public sealed interface VerifyOutcome {
        record LoggedIn(CitizenId citizen, CitizenSession session) implements VerifyOutcome {
        }

        /** Not six digits: not counted as a try. */
        record MalformedCode() implements VerifyOutcome {
        }

        record WrongCode(int attemptsLeft) implements VerifyOutcome {
        }

        /** Expired, used, killed by wrong tries, superseded, or unknown: ask for a new code. */
        record CodeDead(String reason) implements VerifyOutcome {
        }

        record AccountDisabled() implements VerifyOutcome {
        }
    }

    private final LoginCodes codes;
    private final SendRateLimiter rateLimiter;
    private final SmsSender sms;
    private final CitizenAccounts accounts;
    private final CitizenSessions sessions;
    private final TokenEvents events;
    private final TransactionTemplate transaction;
    private final LoginProperties properties;
    private final Clock clock;

    CitizenLogin(LoginCodes codes, SendRateLimiter rateLimiter, SmsSender sms, CitizenAccounts accounts,
            CitizenSessions sessions, TokenEvents events, TransactionTemplate transaction, LoginProperties properties,
            Clock clock) {
        this.codes = codes;
        this.rateLimiter = rateLimiter;
        this.sms = sms;
        this.accounts = accounts;
        this.sessions = sessions;
        this.events = events;
        this.transaction = transaction;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Sends a fresh code to {@code typedNumber} unless a rate limit says no.
     *
     * @param clientAddress the caller's address, for the per-address limit
     * @param clientId the client whose authorization request led here, for the event (may be null)
     */
    public SendOutcome sendCode(String typedNumber, String clientAddress, String clientId) {
        Optional<MobileNumber> parsed = MobileNumber.parse(typedNumber);
        if (parsed.isEmpty()) {
            return new SendOutcome.InvalidNumber();
        }
        MobileNumber mobile = parsed.get();
        Optional<Duration> limited = rateLimiter.tryAcquire(mobile, clientAddress);
        if (limited.isPresent()) {
            events.record(TokenEvent.of(TokenEventType.LOGIN_FAILED).client(clientId)
                    .detail("reason", "send_rate_limited").build());
            return new SendOutcome.RateLimited(limited.get());
        }
        OneTimeCode code = OneTimeCode.generate();
        Instant expiresAt = clock.instant().plus(properties.codeTtl());
        LoginChallengeId challenge = transaction.execute(status -> codes.issue(mobile, code, expiresAt));
        try {
            sms.sendLoginCode(mobile, code);
        } catch (SmsFailure failure) {
            log.warn("Login code to {} not sent: {}", mobile.masked(), failure.getMessage());
            transaction.executeWithoutResult(status -> {
                codes.notDelivered(challenge);
                events.record(TokenEvent.of(TokenEventType.LOGIN_FAILED).client(clientId)
                        .detail("reason", "sms_not_sent")
                        .detail("sms_failure", failure instanceof SmsFailure.Rejected ? "rejected" : "unavailable")
                        .build());
            });
            return new SendOutcome.SmsUnavailable();
        }
        events.record(TokenEvent.of(TokenEventType.OTP_SENT).client(clientId).detail("channel", "sms")
                .detail("challenge", challenge).build());
        return new SendOutcome.Sent(challenge, mobile);
    }

    /**
     * Checks a typed code against the challenge; on success finds or creates the account and starts a session, all
     * in one transaction with the code's consumption.
     */
    public VerifyOutcome verify(LoginChallengeId challenge, String typedCode, String clientId, String userAgent) {
        Optional<OneTimeCode> code = OneTimeCode.parse(typedCode);
        if (code.isEmpty()) {
            return new VerifyOutcome.MalformedCode();
        }
        return transaction.execute(status -> {
            Check check = codes.check(challenge, code.get(), properties.maxAttempts());
            if (check instanceof Check.Accepted accepted) {
                return loggedIn(accepted.mobile(), clientId, userAgent, challenge);
            }
            if (check instanceof Check.Wrong wrong) {
                failed(wrong.mobile(), clientId, wrong.attemptsLeft() == 0 ? "too_many_attempts" : "wrong_code",
                        challenge);
                return new VerifyOutcome.WrongCode(wrong.attemptsLeft());
            }
            Check.Dead dead = (Check.Dead) check;
            failed(dead.mobile().orElse(null), clientId, "code_" + dead.reason(), challenge);
            return new VerifyOutcome.CodeDead(dead.reason());
        });
    }

    private VerifyOutcome loggedIn(MobileNumber mobile, String clientId, String userAgent, LoginChallengeId challenge) {
        CitizenId citizen = accounts.findOrCreate(mobile);
        if (!accounts.isActive(citizen)) {
            failed(mobile, clientId, "account_disabled", challenge);
            return new VerifyOutcome.AccountDisabled();
        }
        Instant authTime = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        CitizenSession session = sessions.start(citizen, clientId, AMR, authTime, userAgent);
        events.record(TokenEvent.of(TokenEventType.LOGIN_SUCCEEDED).citizen(citizen).client(clientId)
                .session(session.sid()).detail("amr", "sms").detail("challenge", challenge).build());
        return new VerifyOutcome.LoggedIn(citizen, session);
    }

    private void failed(MobileNumber mobile, String clientId, String reason, LoginChallengeId challenge) {
        Optional<CitizenId> citizen = mobile == null ? Optional.empty() : accounts.find(mobile);
        events.record(TokenEvent.of(TokenEventType.LOGIN_FAILED).citizen(citizen.orElse(null)).client(clientId)
                .detail("reason", reason).detail("challenge", challenge).build());
    }
}
