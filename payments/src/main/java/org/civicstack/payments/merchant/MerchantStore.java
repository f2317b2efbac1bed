package org.civicstack.payments.merchant;

import static org.civicstack.platform.api.Sql.instant;
import static org.civicstack.platform.api.Sql.utc;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.r2dbc.spi.Readable;
import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.platform.api.Ids;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Merchants, their channel accounts and webhook secrets. Secret values are sealed with the {@link SecretBox} before
 * they reach a statement and opened only to make a channel call or sign a webhook.
 */
@Component
public class MerchantStore {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final DatabaseClient db;
    private final JsonMapper json;
    private final SecretBox box;
    private final SecureRandom random = new SecureRandom();

    public MerchantStore(DatabaseClient db, JsonMapper json, SecretBox box) {
        this.db = db;
        this.json = json;
        this.box = box;
    }

    /** A merchant as the agency sees it. */
    public record Merchant(String agencyId, String displayName, Map<String, String> settlement, String webhookUrl,
            Instant createdAt, Instant updatedAt) {
    }

    /** A webhook signing secret in clear, for signing only. */
    public record WebhookSecret(String id, byte[] key, Instant createdAt, Instant retiresAt) {
    }

    public Mono<Merchant> find(String agencyId) {
        return db.sql("select agency_id, display_name, settlement, webhook_url, created_at, updated_at from merchant"
                        + " where agency_id = :agency")
                .bind("agency", agencyId).map(this::merchant).one();
    }

    /** Creates or updates; emits whether it was created. */
    public Mono<Boolean> upsert(String agencyId, String displayName, Map<String, String> settlement, String webhookUrl,
            Instant now) {
        var spec = db.sql("insert into merchant (agency_id, display_name, settlement, webhook_url, created_at, updated_at)"
                        + " values (:agency, :name, :settlement, :url, :now, :now)"
                        + " on conflict (agency_id) do update set display_name = excluded.display_name,"
                        + " settlement = excluded.settlement, webhook_url = excluded.webhook_url,"
                        + " updated_at = excluded.updated_at, version = merchant.version + 1"
                        + " returning (xmax = 0) as created")
                .bind("agency", agencyId).bind("name", displayName).bind("now", utc(now));
        spec = Sql.bindJson(spec, "settlement", json.writeValueAsString(new TreeMap<>(settlement)));
        spec = Sql.bind(spec, "url", webhookUrl, String.class);
        return spec.map(row -> row.get("created", Boolean.class)).one();
    }

    /** A new signing secret, current from now; the previous current one retires after {@code overlap}. */
    public Mono<String> rotateWebhookSecret(String agencyId, Instant now, java.time.Duration overlap) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        String id = Ids.newId("whk");
        return db.sql("update merchant_webhook_secret set retires_at = :retires where agency_id = :agency"
                        + " and (retires_at is null or retires_at > :retires)")
                .bind("retires", utc(now.plus(overlap))).bind("agency", agencyId).fetch().rowsUpdated()
                .then(db.sql("insert into merchant_webhook_secret (id, agency_id, secret, created_at)"
                                + " values (:id, :agency, :secret, :now)")
                        .bind("id", id).bind("agency", agencyId).bind("secret", box.seal(key, id))
                        .bind("now", utc(now)).fetch().rowsUpdated())
                .thenReturn("whsec_" + Base64.getEncoder().encodeToString(key));
    }

    /** The secrets that sign now: the current one and those not yet retired, newest first. */
    public Flux<WebhookSecret> signingSecrets(String agencyId, Instant now) {
        return db.sql("select id, secret, created_at, retires_at from merchant_webhook_secret where agency_id = :agency"
                        + " and (retires_at is null or retires_at > :now) order by created_at desc")
                .bind("agency", agencyId).bind("now", utc(now))
                .map(row -> new WebhookSecret(row.get("id", String.class),
                        box.open(row.get("secret", byte[].class), row.get("id", String.class)),
                        instant(row, "created_at"), instant(row, "retires_at")))
                .all();
    }

    /** Enables or updates the agency's account at a channel; secrets sealed, bound to the account id. */
    public Mono<String> putChannelAccount(String agencyId, ChannelKind channel, String merchantId,
            Map<String, String> publicProperties, Map<String, String> secretProperties, boolean enabled, Instant now) {
        String newId = Ids.newId("mca");
        return db.sql("select id from merchant_channel_account where agency_id = :agency and channel = :channel")
                .bind("agency", agencyId).bind("channel", channel.wire())
                .map(row -> row.get("id", String.class)).one()
                .defaultIfEmpty(newId)
                .flatMap(id -> {
                    byte[] sealed = box.seal(json.writeValueAsString(new TreeMap<>(secretProperties))
                            .getBytes(StandardCharsets.UTF_8), id);
                    var spec = db.sql("insert into merchant_channel_account (id, agency_id, channel, merchant_id,"
                                    + " properties, secrets, enabled, created_at, updated_at)"
                                    + " values (:id, :agency, :channel, :merchant, :props, :secrets, :enabled, :now, :now)"
                                    + " on conflict (agency_id, channel) do update set merchant_id = excluded.merchant_id,"
                                    + " properties = excluded.properties, secrets = excluded.secrets,"
                                    + " enabled = excluded.enabled, updated_at = excluded.updated_at")
                            .bind("id", id).bind("agency", agencyId).bind("channel", channel.wire())
                            .bind("merchant", merchantId).bind("secrets", sealed).bind("enabled", enabled)
                            .bind("now", utc(now));
                    spec = Sql.bindJson(spec, "props", json.writeValueAsString(new TreeMap<>(publicProperties)));
                    return spec.fetch().rowsUpdated().thenReturn(id);
                });
    }

    /** An account summary without secrets: what the agency sees. */
    public record AccountSummary(String id, ChannelKind channel, String merchantId, Map<String, String> properties,
            boolean enabled, Instant updatedAt) {
    }

    public Flux<AccountSummary> accounts(String agencyId) {
        return db.sql("select id, channel, merchant_id, properties, enabled, updated_at from merchant_channel_account"
                        + " where agency_id = :agency order by channel")
                .bind("agency", agencyId)
                .map(row -> new AccountSummary(row.get("id", String.class),
                        ChannelKind.fromWire(row.get("channel", String.class)).orElseThrow(),
                        row.get("merchant_id", String.class), json.readValue(Sql.json(row.get("properties")), STRING_MAP),
                        row.get("enabled", Boolean.class), instant(row, "updated_at")))
                .all();
    }

    /** The enabled account of an agency at a channel, secrets opened, for a call. */
    public Mono<ChannelAccount> enabledAccount(String agencyId, ChannelKind channel) {
        return db.sql("select id, agency_id, channel, merchant_id, properties, secrets from merchant_channel_account"
                        + " where agency_id = :agency and channel = :channel and enabled")
                .bind("agency", agencyId).bind("channel", channel.wire()).map(this::account).one();
    }

    /** An account by id (enabled or not: a disabled account's notifications and refunds still complete). */
    public Mono<ChannelAccount> account(String accountId) {
        return db.sql("select id, agency_id, channel, merchant_id, properties, secrets from merchant_channel_account"
                        + " where id = :id")
                .bind("id", accountId).map(this::account).one();
    }

    /** The agency an account belongs to. */
    public Mono<String> agencyOf(String accountId) {
        return db.sql("select agency_id from merchant_channel_account where id = :id").bind("id", accountId)
                .map(row -> row.get("agency_id", String.class)).one();
    }

    /** The channels an agency takes money through. */
    public Flux<ChannelKind> enabledChannels(String agencyId) {
        return db.sql("select channel from merchant_channel_account where agency_id = :agency and enabled order by channel")
                .bind("agency", agencyId)
                .map(row -> ChannelKind.fromWire(row.get("channel", String.class)).orElseThrow()).all();
    }

    private ChannelAccount account(Readable row) {
        String id = row.get("id", String.class);
        Map<String, String> all = new LinkedHashMap<>(json.readValue(Sql.json(row.get("properties")), STRING_MAP));
        all.putAll(json.readValue(new String(box.open(row.get("secrets", byte[].class), id), StandardCharsets.UTF_8),
                STRING_MAP));
        return new ChannelAccount(id, ChannelKind.fromWire(row.get("channel", String.class)).orElseThrow(),
                row.get("merchant_id", String.class), all);
    }

    private Merchant merchant(Readable row) {
        return new Merchant(row.get("agency_id", String.class), row.get("display_name", String.class),
                json.readValue(Sql.json(row.get("settlement")), STRING_MAP), row.get("webhook_url", String.class),
                instant(row, "created_at"), instant(row, "updated_at"));
    }


}
