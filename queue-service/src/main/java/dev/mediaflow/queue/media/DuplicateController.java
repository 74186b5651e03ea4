package dev.mediaflow.queue.media;

import dev.mediaflow.http.ApiException;
import dev.mediaflow.messages.InternalMediaApi;
import dev.mediaflow.messages.Operation;
import dev.mediaflow.queue.web.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The gateway's question before it stores an upload: has this owner a completed media item with the same bytes
 * and exactly these operations as results? Only the caller's own items count, admin included: dedup never
 * crosses owners, so no upload can tell that another owner has the same file.
 */
@RestController
public class DuplicateController {

    private final MediaStore store;

    public DuplicateController(MediaStore store) {
        this.store = store;
    }

    @GetMapping(InternalMediaApi.DUPLICATE)
    public Mono<InternalMediaApi.Duplicate> duplicate(@RequestParam String sha256, @RequestParam String operations,
                                                      @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> resultNames(operations))
                .flatMap(names -> store.findDuplicate(caller.owner(), sha256(sha256), names))
                .flatMap(found -> store.results(found.mediaItemId())
                        .map(results -> new InternalMediaApi.Duplicate(found.mediaItemId(), found.outputDir(), results)))
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("no completed media item with these bytes "
                        + "and operations")));
    }

    private static String sha256(String value) {
        if (value.length() != 64 || !value.chars().allMatch(HexFormat::isHexDigit)) {
            throw ApiException.badRequest("sha256 must be 64 hex digits");
        }
        return value.toLowerCase(java.util.Locale.ROOT);
    }

    /** Sorted by name and comma separated, as the lookup compares them with the results' names. */
    private static String resultNames(String operations) {
        List<Operation> ops;
        try {
            ops = Operation.parseList(operations);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return ops.stream().map(Operation::json).sorted().collect(Collectors.joining(","));
    }
}
