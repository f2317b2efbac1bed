package org.civicstack.certificates.types;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The all-in-one run's credential types ({@code civicstack.certificates.seed-types=true}): resident ID card,
 * household registration, driving licence, business licence, merchant credit rating and volunteer service card,
 * from {@code seed/credential-types.json}, each owned by the agency that issues it in Shenzhen. Checked by the same
 * reader as an agency's registration; a type that exists already is left as it is.
 */
@Component
@ConditionalOnProperty("civicstack.certificates.seed-types")
class SeedTypes implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SeedTypes.class);

    private final CredentialTypeStore types;
    private final JsonMapper json;
    private final Clock clock;

    SeedTypes(CredentialTypeStore types, JsonMapper json, Clock clock) {
        this.types = types;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        JsonNode seeds;
        try (InputStream in = new ClassPathResource("seed/credential-types.json").getInputStream()) {
            seeds = json.readTree(in);
        }
        var now = clock.instant();
        Long added = Flux.fromIterable(seeds)
                .concatMap(seed -> {
                    TypeDefinitionReader.Definition d = TypeDefinitionReader.read(seed.get("type"), true);
                    return types.insert(new CredentialType(d.id(), seed.get("issuer").stringValue(), d.name(),
                            d.description(), d.claims(), d.validityDays(), d.display(), "active", 1, now, now));
                })
                .filter(Boolean::booleanValue).count().block(java.time.Duration.ofSeconds(30));
        log.info("Seed credential types: {} added, {} present already", added, seeds.size() - added);
    }
}
