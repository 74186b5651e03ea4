package dev.mediaflow.gateway.upload;

import dev.mediaflow.gateway.auth.Caller;
import dev.mediaflow.gateway.limits.UploadAdmission;
import dev.mediaflow.gateway.meters.UploadMeters;
import dev.mediaflow.gateway.meters.UploadTally;
import dev.mediaflow.messages.CorrelationId;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;

@RestController
public class UploadController {

    private final UploadService uploads;
    private final UploadAdmission admission;
    private final UploadMeters meters;

    public UploadController(UploadService uploads, UploadAdmission admission, UploadMeters meters) {
        this.uploads = uploads;
        this.admission = admission;
        this.meters = meters;
    }

    /**
     * Every upload that reaches this handler is counted once in {@link UploadMeters}, however it ends. The body is
     * read as it arrives by the upload's own multipart reader ({@code MultipartUploadReader}), not by Spring's.
     */
    @PostMapping(path = "/api/media/upload", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public Mono<ResponseEntity<UploadResponse>> upload(@AuthenticationPrincipal Caller caller,
                                                       ServerHttpRequest request, ServerHttpResponse response,
                                                       @RequestHeader(CorrelationId.HEADER) String correlationId) {
        long contentLength = request.getHeaders().getContentLength();
        Flux<DataBuffer> body = request.getBody();
        UploadTally tally = meters.track(response);
        return admission.admit(caller, contentLength, body, () -> uploads.accept(caller, body,
                        request.getHeaders().getContentType(), contentLength, correlationId, tally::detected))
                .doOnNext(accepted -> tally.accepted(accepted.type(), accepted.size()))
                .doOnCancel(tally::abandoned)
                .map(accepted -> ResponseEntity.status(HttpStatus.ACCEPTED)
                        .location(URI.create("/api/queue/items/" + accepted.queueId()))
                        .body(accepted));
    }
}
