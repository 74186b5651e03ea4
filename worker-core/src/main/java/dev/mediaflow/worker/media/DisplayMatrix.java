package dev.mediaflow.worker.media;

import org.bytedeco.opencv.opencv_core.Mat;

import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_core.transpose;

/**
 * Applies FFmpeg's display matrix (how a HEIF image's irot and imir, or a video's rotation, arrive) to a
 * picture. The matrix maps a stored pixel (x, y) to the displayed one: x' = a*x + c*y, y' = b*x + d*y
 * (plus a translation), with a, b, c, d each 0 or +-1 for the eight orientations pictures can have. So the
 * picture is transposed when a and d are 0, then flipped horizontally where x' runs backwards and vertically
 * where y' does. A matrix that is not one of those eight (a free rotation) is ignored.
 */
public final class DisplayMatrix {

    private DisplayMatrix() {
    }

    /**
     * @param matrix the nine 16.16/2.30 fixed-point values, or null for none
     * @return {@code src} itself when nothing changes, else a new Mat (and {@code src} is closed)
     */
    public static Mat apply(Mat src, int[] matrix) {
        if (matrix == null) {
            return src;
        }
        int a = Integer.signum(matrix[0]);
        int b = Integer.signum(matrix[1]);
        int c = Integer.signum(matrix[3]);
        int d = Integer.signum(matrix[4]);
        boolean transposed = a == 0 && d == 0 && b != 0 && c != 0;
        boolean straight = b == 0 && c == 0 && a != 0 && d != 0;
        if (!transposed && !straight) {
            return src;
        }
        boolean flipX = transposed ? c < 0 : a < 0;
        boolean flipY = transposed ? b < 0 : d < 0;
        Mat current = src;
        if (transposed) {
            current = replace(current, dst -> transpose(src, dst));
        }
        if (flipX || flipY) {
            Mat from = current;
            int code = flipX && flipY ? -1 : flipX ? 1 : 0;
            current = replace(current, dst -> flip(from, dst, code));
        }
        return current;
    }

    private static Mat replace(Mat src, java.util.function.Consumer<Mat> operation) {
        Mat dst = new Mat();
        operation.accept(dst);
        src.close();
        return dst;
    }
}
