package dev.mediaflow.visionworker.depth;

/** The depth model is not loaded (still loading, or it failed): no depth map can be made. */
public class DepthModelUnavailableException extends IllegalStateException {

    public DepthModelUnavailableException(String message) {
        super(message);
    }
}
