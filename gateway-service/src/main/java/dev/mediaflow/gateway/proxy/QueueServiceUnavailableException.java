package dev.mediaflow.gateway.proxy;

import dev.mediaflow.http.ApiException;
import org.springframework.http.HttpStatus;

public class QueueServiceUnavailableException extends ApiException {

    public QueueServiceUnavailableException(String why) {
        super(HttpStatus.SERVICE_UNAVAILABLE.value(), "queue_service_unavailable",
                "the queue service is unavailable (" + why + "); try again shortly");
    }
}
