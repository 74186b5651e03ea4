package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.limits.UploadAdmission;
import dev.mediaflow.messages.CorrelationId;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;

@RestController
public class UploadController {

    private final UploadService uploads;
    private final UploadAdmission admission;

    public UploadController(UploadService uploads, UploadAdmission admission) {
        this.uploads = uploads;
        this.admission = admission;
    }

    @PostMapping(path = "/api/media/upload", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public Mono<ResponseEntity<UploadResponse>> upload(@AuthenticationPrincipal Caller caller,
                                                       @RequestBody Flux<PartEvent> parts,
                                                       ServerHttpRequest request,
                                                       @RequestHeader(CorrelationId.HEADER) String correlationId) {
        long contentLength = request.getHeaders().getContentLength();
        return admission.admit(caller, contentLength, parts, () -> uploads.accept(caller, parts, contentLength, correlationId))
                .map(accepted -> ResponseEntity.status(HttpStatus.ACCEPTED)
                        .location(URI.create("/api/queue/items/" + accepted.queueId()))
                        .body(accepted));
    }
}
