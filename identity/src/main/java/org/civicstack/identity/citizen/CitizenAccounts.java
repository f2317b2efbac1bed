package org.civicstack.identity.citizen;

import java.util.List;
import java.util.Optional;

import org.civicstack.identity.assurance.AssuranceLevel;
import org.civicstack.identity.assurance.AssuranceLevels;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Citizen accounts in PostgreSQL. An account comes into being the first time its number completes a login; the
 * assurance level only ever goes up here ({@link #raiseLevel}).
 */
@Repository
public class CitizenAccounts implements AssuranceLevels {

    private final JdbcTemplate jdbc;

    public CitizenAccounts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The account of this number, created (level 1) when there is none; safe under concurrent first logins. */
    public CitizenId findOrCreate(MobileNumber mobile) {
        jdbc.update("INSERT INTO citizen (id, mobile_e164) VALUES (?, ?) ON CONFLICT (mobile_e164) DO NOTHING",
                CitizenId.random().value(), mobile.e164());
        return find(mobile).orElseThrow(() -> new IllegalStateException("citizen row vanished after insert"));
    }

    public Optional<CitizenId> find(MobileNumber mobile) {
        List<CitizenId> ids = jdbc.query("SELECT id FROM citizen WHERE mobile_e164 = ?",
                (row, n) -> new CitizenId(row.getObject("id", java.util.UUID.class)), mobile.e164());
        return ids.stream().findFirst();
    }

    public Optional<MobileNumber> mobileOf(CitizenId citizen) {
        return jdbc.query("SELECT mobile_e164 FROM citizen WHERE id = ?",
                (row, n) -> new MobileNumber(row.getString(1)), citizen.value()).stream().findFirst();
    }

    public boolean isActive(CitizenId citizen) {
        return Boolean.TRUE.equals(jdbc.query("SELECT status = 'active' FROM citizen WHERE id = ?",
                (row, n) -> row.getBoolean(1), citizen.value()).stream().findFirst().orElse(false));
    }

    @Override
    public AssuranceLevel currentLevel(CitizenId citizen) {
        return jdbc.query("SELECT assurance_level FROM citizen WHERE id = ?", (row, n) -> row.getInt(1), citizen.value())
                .stream()
                .findFirst()
                .flatMap(AssuranceLevel::ofLevel)
                .orElse(AssuranceLevel.PHONE_VERIFIED);
    }

    /**
     * Raises the citizen's level to {@code level} unless it is already at or above it; returns whether it rose.
     * Call inside the transaction that records the verification that justifies it.
     */
    public boolean raiseLevel(CitizenId citizen, AssuranceLevel level) {
        return jdbc.update("UPDATE citizen SET assurance_level = ?, level_raised_at = now() "
                + "WHERE id = ? AND assurance_level < ?", level.level(), citizen.value(), level.level()) == 1;
    }
}
