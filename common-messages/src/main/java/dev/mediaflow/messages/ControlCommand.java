package dev.mediaflow.messages;

import java.time.Instant;

/** Broadcast on {@code mediaflow.control}: every worker instance pauses or resumes consumption. */
public record ControlCommand(Action action, String requestedBy, Instant at) {

    public enum Action { PAUSE, RESUME }
}
