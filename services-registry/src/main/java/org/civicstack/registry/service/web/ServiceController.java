package org.civicstack.registry.service.web;


import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.civicstack.registry.common.Caller;
import org.civicstack.registry.common.CallerResolver;
import org.civicstack.platform.api.LenientJson;
import org.civicstack.platform.api.Page;
import org.civicstack.registry.service.app.ServiceCommands;
import org.civicstack.registry.service.app.ServiceView;
import org.civicstack.registry.service.domain.LifecycleEvent;
import org.civicstack.registry.service.domain.ServiceDefinition;
import org.civicstack.registry.service.persistence.ServiceStore;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Agencies register and maintain their service definitions ({@code registry:write}); operators review and steer
 * them ({@code registry:review}).
 */
@RestController
@RequestMapping("/v1/registry/services")
public class ServiceController {

    /**
     * Create request: the immutable code plus the first definition. The constraints document the contract; they
     * are checked by {@link ServiceCommands} together with every other rule, not by {@code @Valid} here, and the body
     * is read by {@link LenientJson} (shape errors are collected, not thrown), so that one answer reports every field
     * error at once.
     */
    public record CreateService(@NotBlank String code, @NotNull @Valid ServiceDefinition definition) {
    }

    /** A reason an agency or citizen can read, for reject/suspend/retire. */
    public record Reason(@NotBlank @Size(max = 500) String reason) {
    }

    private final ServiceCommands commands;
    private final ServiceStore services;
    private final CallerResolver callers;
    private final LenientJson json;

    public ServiceController(ServiceCommands commands, ServiceStore services, CallerResolver callers, LenientJson json) {
        this.commands = commands;
        this.services = services;
        this.callers = callers;
        this.json = json;
    }

    @SecurityRequirement(name = "oauth2", scopes = Caller.WRITE)
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<ServiceView> create(@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(schema = @Schema(implementation = CreateService.class))) @RequestBody JsonNode body) {
        return callers.require(Caller.WRITE).flatMap(c -> {
            LenientJson.Read<CreateService> request = json.read(body, CreateService.class);
            return commands.create(c, request.value().code(), request.value().definition(), request.violations());
        });
    }

    @SecurityRequirement(name = "oauth2", scopes = {Caller.READ, Caller.WRITE, Caller.REVIEW})
    @GetMapping("/{id}")
    public Mono<ServiceView> get(@PathVariable String id) {
        return callers.require(Caller.READ, Caller.WRITE, Caller.REVIEW)
                .flatMap(c -> commands.view(id).doOnNext(v -> c.requireOwnerOrOperator(v.agencyId())));
    }

    @SecurityRequirement(name = "oauth2", scopes = {Caller.READ, Caller.WRITE, Caller.REVIEW})
    @GetMapping
    public Mono<Page<ServiceView>> list(@RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        int size = Page.limit(limit);
        return callers.require(Caller.READ, Caller.WRITE, Caller.REVIEW)
                .flatMap(c -> services.list(c.isOperator() ? null : c.requireAgency(), Page.decodeCursor(cursor), size + 1)
                        .concatMap(row -> commands.view(row.id()))
                        .collectList())
                .map(rows -> rows.size() > size
                        ? new Page<>(rows.subList(0, size), Page.encodeCursor(rows.get(size - 1).code()))
                        : new Page<>(rows, null));
    }

    @SecurityRequirement(name = "oauth2", scopes = Caller.WRITE)
    @PutMapping("/{id}/definition")
    public Mono<ServiceView> edit(@PathVariable String id,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(schema = @Schema(implementation = ServiceDefinition.class))) @RequestBody JsonNode body) {
        return callers.require(Caller.WRITE).flatMap(c -> {
            LenientJson.Read<ServiceDefinition> definition = json.read(body, ServiceDefinition.class);
            return commands.edit(c, id, definition.value(), definition.violations());
        });
    }

    @SecurityRequirement(name = "oauth2", scopes = Caller.WRITE)
    @PostMapping("/{id}/submit")
    public Mono<ServiceView> submit(@PathVariable String id) {
        return callers.require(Caller.WRITE).flatMap(c -> commands.submit(c, id));
    }

    @SecurityRequirement(name = "oauth2", scopes = Caller.REVIEW)
    @PostMapping("/{id}/approve")
    public Mono<ServiceView> approve(@PathVariable String id) {
        return callers.require(Caller.REVIEW).flatMap(c -> commands.approve(c, id));
    }

    @SecurityRequirement(name = "oauth2", scopes = Caller.REVIEW)
    @PostMapping("/{id}/reject")
    public Mono<ServiceView> reject(@PathVariable String id, @Valid @RequestBody Reason reason) {
        return callers.require(Caller.REVIEW).flatMap(c -> commands.reject(c, id, reason.reason()));
    }

    @SecurityRequirement(name = "oauth2", scopes = Caller.REVIEW)
    @PostMapping("/{id}/suspend")
    public Mono<ServiceView> suspend(@PathVariable String id, @Valid @RequestBody Reason reason) {
        return callers.require(Caller.REVIEW).flatMap(c -> commands.changeStatus(c, id, LifecycleEvent.SUSPEND, reason.reason()));
    }

    @SecurityRequirement(name = "oauth2", scopes = Caller.REVIEW)
    @PostMapping("/{id}/resume")
    public Mono<ServiceView> resume(@PathVariable String id) {
        return callers.require(Caller.REVIEW).flatMap(c -> commands.changeStatus(c, id, LifecycleEvent.RESUME, null));
    }

    @SecurityRequirement(name = "oauth2", scopes = Caller.REVIEW)
    @PostMapping("/{id}/retire")
    public Mono<ServiceView> retire(@PathVariable String id, @Valid @RequestBody Reason reason) {
        return callers.require(Caller.REVIEW).flatMap(c -> commands.changeStatus(c, id, LifecycleEvent.RETIRE, reason.reason()));
    }

    @SecurityRequirement(name = "oauth2", scopes = Caller.REVIEW)
    @PostMapping("/{id}/rollback")
    public Mono<ServiceView> rollback(@PathVariable String id) {
        return callers.require(Caller.REVIEW).flatMap(c -> commands.rollback(c, id));
    }

}
