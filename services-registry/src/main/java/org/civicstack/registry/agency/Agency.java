package org.civicstack.registry.agency;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * An organisation that publishes services, bound to the OAuth client it calls the platform with.
 *
 * @param id the agency's identifier: chosen by the operator at registration ({@code agy_} and 1-96 URL-safe
 *           characters, the form identity's {@code agency-id} takes, so both can be configured before the first
 *           call) or, when left out, generated
 * @param unitType direct unit (直属单位), municipal unit (市直单位), district (区) or state-owned enterprise (国企)
 * @param district the district slug, for district units
 */
public record Agency(@Pattern(regexp = "agy_[A-Za-z0-9_-]{1,96}") String id, @NotBlank @Size(max = 200) String nameZhCn, @NotBlank @Size(max = 200) String nameEn,
        @NotNull UnitType unitType, @Pattern(regexp = "[a-z][a-z0-9_]{1,39}") String district,
        @NotBlank @Size(max = 100) String contactName, @NotBlank @Email @Size(max = 200) String contactEmail,
        @Pattern(regexp = "\\+?[0-9 -]{5,20}") String contactPhone,
        @NotBlank @Pattern(regexp = "[A-Za-z0-9._:-]{3,100}") String oauthClientId) {

    public enum UnitType { DIRECT_UNIT, MUNICIPAL_UNIT, DISTRICT, STATE_OWNED_ENTERPRISE }

    public Agency withId(String newId) {
        return new Agency(newId, nameZhCn, nameEn, unitType, district, contactName, contactEmail, contactPhone,
                oauthClientId);
    }
}
