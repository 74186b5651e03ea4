package dev.mediaflow.visionworker.depth;

/** A depth map: a 16-bit single-channel PNG of the source's size, nearer is brighter. */
public record DepthMap(int width, int height, byte[] png) {
}
