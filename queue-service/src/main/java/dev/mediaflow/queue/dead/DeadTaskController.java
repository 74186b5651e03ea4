package dev.mediaflow.queue.dead;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.queue.web.Caller;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** docs/api.md: the parking lot, for admin only (it shows every owner's jobs). */
@RestController
@RequestMapping("/api/queue/dead")
public class DeadTaskController {

    private static final int MAX_LIMIT = 1000;

    private final ParkingLot parkingLot;
    private final JobReplayer replayer;

    public DeadTaskController(ParkingLot parkingLot, JobReplayer replayer) {
        this.parkingLot = parkingLot;
        this.replayer = replayer;
    }

    @GetMapping
    public Mono<DeadListResponse> list(@RequestParam(defaultValue = "100") String limit,
                                       @RequestParam(defaultValue = "0") String offset,
                                       @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return requireAdmin(caller).then(Mono.defer(() -> {
            int l = number("limit", limit, 1, MAX_LIMIT);
            int o = number("offset", offset, 0, Integer.MAX_VALUE);
            return parkingLot.count().zipWith(parkingLot.list(l, o).collectList())
                    .map(t -> new DeadListResponse(t.getT1(), t.getT2()));
        }));
    }

    /**
     * Every named job must be in the parking lot, else 404 and nothing is replayed: a typo must
     * not pass for a partial success.
     */
    @PostMapping("/replay")
    public Mono<ReplayResponse> replay(@RequestBody Mono<ReplayRequest> body,
                                       @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return requireAdmin(caller)
                .then(body.switchIfEmpty(Mono.error(() -> ApiException.badRequest("a JSON body is required"))))
                .flatMap(request -> request.everything()
                        ? parkingLot.allParkedJobs().collectList()
                        : parked(request.ids()))
                .flatMapMany(Flux::fromIterable)
                .concatMap(id -> replayer.replay(id, caller.owner()))
                .reduce(0L, Long::sum)
                .map(n -> new ReplayResponse(true, n));
    }

    private Mono<List<UUID>> parked(Set<UUID> ids) {
        return parkingLot.parkedAmong(ids).collectList().map(found -> {
            List<UUID> missing = new ArrayList<>(ids);
            missing.removeAll(found);
            if (!missing.isEmpty()) {
                throw ApiException.notFound("not in the parking lot (unknown, or not failed with a dead task): "
                        + missing);
            }
            return List.copyOf(ids);
        });
    }

    private static Mono<Void> requireAdmin(Caller caller) {
        return caller.admin()
                ? Mono.empty()
                : Mono.error(new ApiException(HttpStatus.FORBIDDEN.value(), "forbidden", "only admin may see or replay the parking lot"));
    }

    private static int number(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(name + " must be an integer in " + min + ".." + max + ": " + value);
    }
}
