package dev.mediaflow.queue.events;

import dev.mediaflow.messages.JobEvent;

/**
 * A status event as it was delivered: the event and the correlation id of its message (null: none), which the log
 * lines of its application carry.
 */
public record ReceivedEvent(JobEvent event, String correlationId) {

    public static ReceivedEvent of(JobEvent event) {
        return new ReceivedEvent(event, null);
    }
}
