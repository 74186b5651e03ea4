package dev.mediaflow.testsupport.media;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HEIC and AVIF files as phones write them, made at test time by a real encoder: Debian's {@code heif-enc}
 * (libheif-examples, with x265 for HEVC and libaom for AV1), which {@code .ci/run} installs. One place for every
 * module's tests (gateway, image-worker, system-tests), so the files they check are made the same way.
 *
 * <p>heif-enc 1.15 writes neither tile grids nor irot/imir, so {@link #grid} and {@link #transformed} re-wrap
 * the HEVC images heif-enc made into a new HEIF file (ftyp, meta with hdlr/pitm/iinf/iref/iprp/iloc, mdat) as
 * ISO/IEC 23008-12 lays them out; the coded images themselves are heif-enc's, untouched.
 */
public final class HeifFiles {

    private HeifFiles() {
    }

    /** One coded HEVC image out of a HEIF file: its hvcC box (whole) and its bitstream. */
    private record Coded(byte[] hvcC, byte[] data, int width, int height) {
    }

    /** heif-enc's own HEIC of a picture: one image, no transformation. */
    public static Path heic(Path file, Path png) throws IOException {
        run(List.of("heif-enc", "-q", "80", "-p", "preset=ultrafast", "-o", file.toString(), png.toString()));
        return file;
    }

    /** heif-enc's AVIF (AV1 by libaom) of a picture. */
    public static Path avif(Path file, Path png) throws IOException {
        run(List.of("heif-enc", "-A", "-q", "60", "-o", file.toString(), png.toString()));
        return file;
    }

    /** Encodes each picture with heif-enc (one process, one image item per picture) and returns the coded images. */
    private static List<Coded> encodeHevc(Path dir, List<Path> pngs) throws IOException {
        List<String> command = new ArrayList<>(List.of("heif-enc", "-q", "85", "-p", "preset=ultrafast",
                "--no-alpha", "-o", dir.resolve("tiles.heic").toString()));
        pngs.forEach(png -> command.add(png.toString()));
        run(command);
        return read(Files.readAllBytes(dir.resolve("tiles.heic")));
    }

    /**
     * A HEIC whose stored picture is {@code png}, with an irot of {@code anticlockwiseQuarters} x 90 degrees
     * and, if {@code mirrorAxis} is 0 or 1, an imir after it (0: about the vertical axis, 1: the horizontal one).
     */
    public static Path transformed(Path file, Path png, int anticlockwiseQuarters, int mirrorAxis) throws IOException {
        List<byte[]> transforms = new ArrayList<>();
        if (anticlockwiseQuarters != 0) {
            transforms.add(box("irot", new byte[] {(byte) (anticlockwiseQuarters & 3)}));
        }
        if (mirrorAxis == 0 || mirrorAxis == 1) {
            transforms.add(box("imir", new byte[] {(byte) mirrorAxis}));
        }
        return wrapped(file, png, transforms);
    }

    /**
     * A 10-bit HEIC of a 16-bit PNG declared HDR by an nclx colr property: BT.2020 primaries and matrix,
     * PQ (SMPTE ST 2084) transfer, as HDR phone photos are. heif-enc 1.15 writes no colr of its own here.
     */
    public static Path hdr(Path file, Path png16) throws IOException {
        byte[] nclx = concat("nclx".getBytes(StandardCharsets.US_ASCII), u16(9), u16(16), u16(9), new byte[] {(byte) 0x80});
        return wrapped(file, png16, List.of(box("colr", nclx)));
    }

    /** heif-enc's coded picture in a new single-image HEIC with these extra essential properties, in order. */
    private static Path wrapped(Path file, Path png, List<byte[]> extra) throws IOException {
        Coded coded = encodeHevc(Files.createTempDirectory(file.toAbsolutePath().getParent(), "enc"), List.of(png)).get(0);
        List<byte[]> properties = new ArrayList<>(List.of(coded.hvcC(), ispe(coded.width(), coded.height())));
        List<Integer> associations = new ArrayList<>(List.of(0x81, 0x02));
        for (byte[] property : extra) {
            properties.add(property);
            associations.add(0x80 | properties.size());
        }
        Map<Integer, Item> items = new LinkedHashMap<>();
        items.put(1, new Item("hvc1", false, coded.data(), associations));
        return Files.write(file, heif(items, properties, null));
    }

    /**
     * A phone-style tiled HEIC of a picture (an iPhone's is 4032x3024 in 512x512 tiles): cut into
     * {@code tile x tile} tiles, the last row and column padded by repeating the edge as encoders do, each coded
     * by heif-enc, put together by a grid item that crops the canvas back to the picture's size.
     */
    public static Path grid(Path file, BufferedImage picture, int tile) throws IOException {
        int columns = (picture.getWidth() + tile - 1) / tile;
        int rows = (picture.getHeight() + tile - 1) / tile;
        Path dir = Files.createTempDirectory(file.toAbsolutePath().getParent(), "tiles");
        List<Path> tiles = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                BufferedImage cut = new BufferedImage(tile, tile, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < tile; y++) {
                    for (int x = 0; x < tile; x++) {
                        cut.setRGB(x, y, picture.getRGB(Math.min(c * tile + x, picture.getWidth() - 1),
                                Math.min(r * tile + y, picture.getHeight() - 1)));
                    }
                }
                Path png = dir.resolve("tile-" + tiles.size() + ".png");
                ImageIO.write(cut, "png", png.toFile());
                tiles.add(png);
            }
        }
        List<Coded> coded = encodeHevc(dir, tiles);
        List<byte[]> properties = new ArrayList<>();
        properties.add(ispe(picture.getWidth(), picture.getHeight()));
        properties.add(ispe(tile, tile));
        Map<Integer, Item> items = new LinkedHashMap<>();
        ByteBuffer gridData = ByteBuffer.allocate(8).put((byte) 0).put((byte) 0).put((byte) (rows - 1))
                .put((byte) (columns - 1)).putShort((short) picture.getWidth()).putShort((short) picture.getHeight());
        items.put(1, new Item("grid", false, gridData.array(), List.of(0x01)));
        for (int i = 0; i < coded.size(); i++) {
            properties.add(coded.get(i).hvcC());
            items.put(2 + i, new Item("hvc1", true, coded.get(i).data(), List.of(0x80 | properties.size(), 0x02)));
        }
        return Files.write(file, heif(items, properties, items.keySet().stream().skip(1).toList()));
    }

    /** {@link #grid(Path, BufferedImage, int)} of a picture file that ImageIO reads (PNG, JPEG, BMP). */
    public static Path grid(Path file, Path picture, int tile) throws IOException {
        BufferedImage image = ImageIO.read(picture.toFile());
        if (image == null) {
            throw new IOException("ImageIO cannot read " + picture);
        }
        return grid(file, image, tile);
    }

    private record Item(String type, boolean hidden, byte[] data, List<Integer> associations) {
    }

    private static byte[] heif(Map<Integer, Item> items, List<byte[]> properties, List<Integer> dimg) {
        byte[] ftyp = box("ftyp", concat("heic".getBytes(StandardCharsets.US_ASCII), new byte[4],
                "mif1heic".getBytes(StandardCharsets.US_ASCII)));
        ByteArrayOutputStream infos = new ByteArrayOutputStream();
        ByteArrayOutputStream ipma = new ByteArrayOutputStream();
        infos.writeBytes(u16(items.size()));
        ipma.writeBytes(u32(items.size()));
        items.forEach((id, item) -> {
            infos.writeBytes(fullBox("infe", 2, item.hidden() ? 1 : 0, concat(u16(id), u16(0),
                    item.type().getBytes(StandardCharsets.US_ASCII), new byte[1])));
            ipma.writeBytes(u16(id));
            ipma.write(item.associations().size());
            item.associations().forEach(ipma::write);
        });
        ByteArrayOutputStream ipco = new ByteArrayOutputStream();
        properties.forEach(ipco::writeBytes);
        byte[] iref = new byte[0];
        if (dimg != null) {
            ByteArrayOutputStream refs = new ByteArrayOutputStream();
            refs.writeBytes(u16(1));
            refs.writeBytes(u16(dimg.size()));
            dimg.forEach(id -> refs.writeBytes(u16(id)));
            iref = fullBox("iref", 0, 0, box("dimg", refs.toByteArray()));
        }
        byte[] before = concat(
                fullBox("hdlr", 0, 0, concat(new byte[4], "pict".getBytes(StandardCharsets.US_ASCII), new byte[13])),
                fullBox("pitm", 0, 0, u16(1)),
                fullBox("iinf", 0, 0, infos.toByteArray()),
                iref,
                box("iprp", concat(box("ipco", ipco.toByteArray()), fullBox("ipma", 0, 0, ipma.toByteArray()))));
        int ilocSize = 16 + items.size() * 14;
        int metaSize = 12 + before.length + ilocSize;
        long offset = ftyp.length + metaSize + 8;
        ByteArrayOutputStream iloc = new ByteArrayOutputStream();
        iloc.write(0x44);
        iloc.write(0x00);
        iloc.writeBytes(u16(items.size()));
        ByteArrayOutputStream mdat = new ByteArrayOutputStream();
        for (Map.Entry<Integer, Item> entry : items.entrySet()) {
            byte[] data = entry.getValue().data();
            iloc.writeBytes(concat(u16(entry.getKey()), u16(0), u16(1), u32(offset), u32(data.length)));
            mdat.writeBytes(data);
            offset += data.length;
        }
        byte[] meta = fullBox("meta", 0, 0, concat(before, fullBox("iloc", 0, 0, iloc.toByteArray())));
        if (meta.length != metaSize) {
            throw new IllegalStateException("meta size " + meta.length + " != " + metaSize);
        }
        return concat(ftyp, meta, box("mdat", mdat.toByteArray()));
    }

    /** The coded hvc1 items of a heif-enc file, in item order. */
    private static List<Coded> read(byte[] file) {
        int meta = find(file, 0, file.length, "meta");
        int metaEnd = meta + (int) u32(file, meta);
        int ipco = find(file, find(file, meta + 12, metaEnd, "iprp") + 8, metaEnd, "ipco");
        List<int[]> properties = new ArrayList<>();
        for (int i = ipco + 8; i < ipco + u32(file, ipco); i += (int) u32(file, i)) {
            properties.add(new int[] {i, (int) u32(file, i)});
        }
        int ipma = find(file, meta + 12, metaEnd, "iprp");
        ipma = find(file, ipma + 8, ipma + (int) u32(file, ipma), "ipma");
        boolean wide = (file[ipma + 11] & 1) != 0;
        int entries = (int) u32(file, ipma + 12);
        Map<Integer, List<Integer>> associations = new LinkedHashMap<>();
        int p = ipma + 16;
        for (int e = 0; e < entries; e++) {
            int id = u16(file, p);
            int count = file[p + 2] & 0xFF;
            p += 3;
            List<Integer> indices = new ArrayList<>();
            for (int a = 0; a < count; a++) {
                indices.add(wide ? u16(file, p) & 0x7FFF : file[p] & 0x7F);
                p += wide ? 2 : 1;
            }
            associations.put(id, indices);
        }
        Map<Integer, byte[]> data = ilocData(file, find(file, meta + 12, metaEnd, "iloc"));
        List<Coded> coded = new ArrayList<>();
        associations.forEach((id, indices) -> {
            byte[] hvcC = null;
            int width = 0;
            int height = 0;
            for (int index : indices) {
                int[] property = properties.get(index - 1);
                String type = new String(file, property[0] + 4, 4, StandardCharsets.US_ASCII);
                if (type.equals("hvcC")) {
                    hvcC = java.util.Arrays.copyOfRange(file, property[0], property[0] + property[1]);
                } else if (type.equals("ispe")) {
                    width = (int) u32(file, property[0] + 12);
                    height = (int) u32(file, property[0] + 16);
                }
            }
            if (hvcC != null) {
                coded.add(new Coded(hvcC, data.get(id), width, height));
            }
        });
        return coded;
    }

    private static Map<Integer, byte[]> ilocData(byte[] file, int iloc) {
        int version = file[iloc + 8] & 0xFF;
        int offsetSize = (file[iloc + 12] & 0xFF) >> 4;
        int lengthSize = file[iloc + 12] & 0x0F;
        int baseOffsetSize = (file[iloc + 13] & 0xFF) >> 4;
        int indexSize = version >= 1 ? file[iloc + 13] & 0x0F : 0;
        int p = iloc + 14;
        int count = version < 2 ? u16(file, p) : (int) u32(file, p);
        p += version < 2 ? 2 : 4;
        Map<Integer, byte[]> data = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int id = version < 2 ? u16(file, p) : (int) u32(file, p);
            p += version < 2 ? 2 : 4;
            if (version >= 1) {
                p += 2;
            }
            p += 2;
            long base = sized(file, p, baseOffsetSize);
            p += baseOffsetSize;
            int extents = u16(file, p);
            p += 2;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int e = 0; e < extents; e++) {
                p += indexSize;
                long offset = sized(file, p, offsetSize);
                p += offsetSize;
                long length = sized(file, p, lengthSize);
                p += lengthSize;
                bytes.write(file, (int) (base + offset), (int) length);
            }
            data.put(id, bytes.toByteArray());
        }
        return data;
    }

    private static long sized(byte[] b, int at, int size) {
        long value = 0;
        for (int i = 0; i < size; i++) {
            value = value << 8 | (b[at + i] & 0xFF);
        }
        return value;
    }

    private static int find(byte[] b, int from, int end, String type) {
        for (int i = from; i + 8 <= end; ) {
            long size = u32(b, i);
            if (new String(b, i + 4, 4, StandardCharsets.US_ASCII).equals(type)) {
                return i;
            }
            if (size < 8) {
                break;
            }
            i += (int) size;
        }
        throw new IllegalStateException("no " + type + " box");
    }

    private static void run(List<String> command) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("heif-enc is missing: install Debian's libheif-examples (scripts/infra.sh does)", e);
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command.subList(0, 3)) + "... failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static byte[] ispe(int width, int height) {
        return fullBox("ispe", 0, 0, concat(u32(width), u32(height)));
    }

    private static byte[] box(String type, byte[] payload) {
        return concat(u32(8 + payload.length), type.getBytes(StandardCharsets.US_ASCII), payload);
    }

    private static byte[] fullBox(String type, int version, int flags, byte[] payload) {
        return box(type, concat(u32((long) version << 24 | flags), payload));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] u16(int value) {
        return new byte[] {(byte) (value >> 8), (byte) value};
    }

    private static byte[] u32(long value) {
        return new byte[] {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value};
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    private static long u32(byte[] b, int i) {
        return (long) u16(b, i) << 16 | u16(b, i + 2);
    }
}
