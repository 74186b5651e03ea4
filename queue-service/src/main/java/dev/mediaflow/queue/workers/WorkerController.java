package dev.mediaflow.queue.workers;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** docs/api.md, "Workers and the AI service": status for everyone, pause / resume for admin. */
@RestController
@RequestMapping("/api/queue/worker")
public class WorkerController {

    private final WorkerRegistry registry;
    private final CurrentJobVisibility visibility;

    public WorkerController(WorkerRegistry registry, CurrentJobVisibility visibility) {
        this.registry = registry;
        this.visibility = visibility;
    }

    @GetMapping("/status")
    public Mono<WorkerStatusResponse> status(@RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return registry.status().flatMap(status -> visibility.forCaller(status, caller));
    }

    @PostMapping("/stop")
    public Mono<ControlResponse> stop(@RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return requireAdmin(caller)
                .then(registry.pause(caller.owner()))
                .thenReturn(new ControlResponse(true, "Workers paused: they finish the task in hand and take no new one"));
    }

    @PostMapping("/start")
    public Mono<ControlResponse> start(@RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return requireAdmin(caller)
                .then(registry.resume(caller.owner()))
                .thenReturn(new ControlResponse(true, "Workers resumed"));
    }

    private static Mono<Void> requireAdmin(Caller caller) {
        return caller.admin()
                ? Mono.empty()
                : Mono.error(ApiException.forbidden("only admin may pause or resume workers"));
    }
}
