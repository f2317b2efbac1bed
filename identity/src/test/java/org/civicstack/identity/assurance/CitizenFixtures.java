package org.civicstack.identity.assurance;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.nimbusds.jwt.JWTClaimsSet;
import org.civicstack.identity.assurance.residentid.ResidentIdNumber;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.keys.ActiveSigningKey;
import org.civicstack.identity.keys.TestSigner;

/**
 * Citizens and their access tokens for assurance tests: a real account ({@link CitizenAccounts#findOrCreate}) and a
 * token shaped as the common contract says identity issues to the citizen app (RFC 9068 {@code at+jwt}), signed with
 * identity's own active key — the login page that will issue them is built in parallel.
 */
public final class CitizenFixtures {

    private CitizenFixtures() {
    }

    public static CitizenId aCitizen(CitizenAccounts accounts) {
        long digits = ThreadLocalRandom.current().nextLong(100_000_000L, 1_000_000_000L);
        return accounts.findOrCreate(new MobileNumber("+8613" + digits));
    }

    public static String citizenToken(ActiveSigningKey key, CitizenId citizen) {
        Instant now = Instant.now();
        return sign(key, new JWTClaimsSet.Builder()
                .issuer("http://localhost:8080")
                .audience(List.of("civicstack"))
                .subject(citizen.toString())
                .claim("client_id", "civicstack-app")
                .claim("client_type", "citizen_app")
                .claim("scope", "openid")
                .claim("acr", AssuranceLevel.PHONE_VERIFIED.acr())
                .claim("amr", List.of("sms"))
                .claim("auth_time", now.getEpochSecond())
                .claim("sid", UUID.randomUUID().toString())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .build());
    }

    /** A platform client's token: valid, but not a citizen's. */
    public static String platformToken(ActiveSigningKey key) {
        Instant now = Instant.now();
        return sign(key, new JWTClaimsSet.Builder()
                .issuer("http://localhost:8080")
                .audience(List.of("civicstack"))
                .subject("payments")
                .claim("client_id", "payments")
                .claim("client_type", "platform")
                .claim("scope", "identity:resolve")
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .build());
    }

    /** A fresh valid resident ID number: random Beijing district, birth date and sequence, computed check character. */
    public static String aResidentIdNumber() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        LocalDate birth = LocalDate.of(1950, 1, 1).plusDays(random.nextInt(365 * 50));
        String first17 = String.format("1101%02d%04d%02d%02d%03d", random.nextInt(1, 20), birth.getYear(),
                birth.getMonthValue(), birth.getDayOfMonth(), random.nextInt(1000));
        return first17 + ResidentIdNumber.checkCharacter(first17);
    }

    private static String sign(ActiveSigningKey key, JWTClaimsSet claims) {
        return TestSigner.sign(key, claims, "at+jwt");
    }

}
