import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The benchmark corpus, made at run time and the same on every run (fixed seeds): JPEGs of 1 to 24 MP with
 * detail (antialiased shapes, gradients, text, thin lines) and sensor-like noise, a few PNGs (one with alpha),
 * and a few portraits stored landscape with an EXIF orientation (6 or 8), as phones write them.
 *
 * <p>Usage: {@code java bench/Corpus.java DIR}. Prints one line per file: name, width x height as stored, bytes.
 */
public class Corpus {

    /** Megapixels of the plain JPEGs: 36 of them, spread from 1 to 24 MP. */
    private static final double[] JPEG_MP = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 8, 8, 8, 10, 10, 12, 12, 12, 12, 12,
            12, 14, 16, 16, 16, 18, 18, 20, 20, 20, 24, 24, 24, 24};
    private static final double[] ROTATED_MP = {12, 12, 8, 20};
    private static final double[] PNG_MP = {1, 2, 3, 4, 2};

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "data/bench/corpus");
        Files.createDirectories(dir);
        List<String> lines = new ArrayList<>();
        int n = 0;
        for (double mp : JPEG_MP) {
            boolean wide = n % 2 == 0; // 4:3 and 3:2
            int[] size = size(mp, wide ? 4 : 3, 3, wide ? 1 : 2);
            lines.add(jpeg(dir.resolve(String.format(Locale.ROOT, "p%02d-%dmp.jpg", n, (int) mp)), size[0], size[1], n, 0));
            n++;
        }
        int[] orientations = {6, 8, 6, 6};
        for (int i = 0; i < ROTATED_MP.length; i++) {
            int[] size = size(ROTATED_MP[i], 4, 3, 1);
            lines.add(jpeg(dir.resolve(String.format(Locale.ROOT, "r%02d-%dmp-exif%d.jpg", i, (int) ROTATED_MP[i],
                    orientations[i])), size[0], size[1], 100 + i, orientations[i]));
        }
        for (int i = 0; i < PNG_MP.length; i++) {
            int[] size = size(PNG_MP[i], 4, 3, 1);
            boolean alpha = i == PNG_MP.length - 1;
            lines.add(png(dir.resolve(String.format(Locale.ROOT, "g%02d-%dmp%s.png", i, (int) PNG_MP[i],
                    alpha ? "-alpha" : "")), size[0], size[1], 200 + i, alpha));
        }
        lines.forEach(System.out::println);
    }

    /** Width and height for about {@code mp} megapixels at aspect (a*k):(b*k)... kept simple: a:b. */
    private static int[] size(double mp, int a, int b, int variant) {
        double ra = variant == 2 ? 3 : a;
        double rb = variant == 2 ? 2 : b;
        double unit = Math.sqrt(mp * 1_000_000 / (ra * rb));
        return new int[] {(int) Math.round(unit * ra) & ~1, (int) Math.round(unit * rb) & ~1};
    }

    private static String jpeg(Path file, int w, int h, long seed, int orientation) throws IOException {
        BufferedImage image = picture(w, h, seed, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        byte[] bytes = out.toByteArray();
        if (orientation != 0) {
            bytes = withExifOrientation(bytes, orientation);
        }
        Files.write(file, bytes);
        return file.getFileName() + " " + w + "x" + h + " " + bytes.length;
    }

    private static String png(Path file, int w, int h, long seed, boolean alpha) throws IOException {
        BufferedImage image = picture(w, h, seed, alpha);
        ImageIO.write(image, "png", file.toFile());
        return file.getFileName() + " " + w + "x" + h + " " + Files.size(file);
    }

    /** Shapes, gradients, text and lines, then noise of sigma ~6 levels on every sample (as a sensor would). */
    private static BufferedImage picture(int w, int h, long seed, boolean alpha) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_4BYTE_ABGR : BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, color(random, 255), w, h, color(random, 255)));
        g.fillRect(0, 0, w, h);
        int shapes = 150 + (int) (Math.sqrt((double) w * h) / 20);
        for (int i = 0; i < shapes; i++) {
            g.setColor(color(random, 80 + random.nextInt(176)));
            int x = random.nextInt(w);
            int y = random.nextInt(h);
            int sw = 4 + random.nextInt(Math.max(5, w / 6));
            int sh = 4 + random.nextInt(Math.max(5, h / 6));
            switch (random.nextInt(4)) {
                case 0 -> g.fillOval(x, y, sw, sh);
                case 1 -> g.fillRect(x, y, sw, sh);
                case 2 -> {
                    g.setStroke(new BasicStroke(1 + random.nextInt(6)));
                    g.drawLine(x, y, random.nextInt(w), random.nextInt(h));
                }
                default -> {
                    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 8 + random.nextInt(Math.max(9, h / 12))));
                    g.drawString("mediaflow " + Integer.toHexString(random.nextInt()), x, y);
                }
            }
        }
        if (alpha) { // a transparent hole and a soft edge, so the composite over white matters
            g.setComposite(AlphaComposite.Clear);
            g.fillOval(w / 4, h / 4, w / 2, h / 2);
        }
        g.dispose();
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        byte[] noise = new byte[4096];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (byte) Math.max(-24, Math.min(24, Math.round(random.nextGaussian() * 6)));
        }
        int step = alpha ? 4 : 3;
        int first = alpha ? 1 : 0; // ABGR: skip the alpha sample
        long state = seed * 0x9E3779B97F4A7C15L + 1;
        for (int p = 0; p < data.length; p += step) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            for (int c = first; c < step; c++) {
                int v = (data[p + c] & 0xff) + noise[(int) ((state >>> (c * 12)) & 4095)];
                data[p + c] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return image;
    }

    private static Color color(SplittableRandom random, int alpha) {
        return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), alpha);
    }

    /** The JPEG with an APP1 Exif segment holding only the orientation tag, right after SOI. */
    private static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD0 at 8
                0, 1, // one entry
                0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT, 1
                0, 0, 0, 0}; // no next IFD
        byte[] exif = new byte[6 + tiff.length];
        System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, exif, 0, 6);
        System.arraycopy(tiff, 0, exif, 6, tiff.length);
        int length = exif.length + 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + length + 2);
        out.write(jpeg, 0, 2); // SOI
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xff);
        out.write(exif, 0, exif.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
