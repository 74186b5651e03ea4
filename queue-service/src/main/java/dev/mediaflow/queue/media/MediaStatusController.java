package dev.mediaflow.queue.media;

import dev.mediaflow.queue.items.ItemQueryParser;
import dev.mediaflow.queue.web.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /api/media/status?limit=&offset=}: the caller's media items (admin: everyone's), each with its latest job. */
@RestController
public class MediaStatusController {

    private final MediaStore store;

    public MediaStatusController(MediaStore store) {
        this.store = store;
    }

    @GetMapping("/api/media/status")
    public Mono<MediaStatusResponse> status(@RequestParam(required = false) String limit,
                                            @RequestParam(required = false) String offset,
                                            @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return Mono.fromSupplier(() -> new MediaStatusResponse.Pagination(ItemQueryParser.limit(limit),
                        ItemQueryParser.offset(offset)))
                .flatMap(page -> store.count(caller.ownerFilter())
                        .zipWith(store.list(caller.ownerFilter(), page.limit(), page.offset()).collectList(),
                                (count, items) -> new MediaStatusResponse(count, items, page)));
    }
}
