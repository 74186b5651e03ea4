package dev.mediaflow.gateway.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Media files built byte by byte, made to claim what a test needs: containers whose headers say a size
 * (a video track, an ispe property, an animation's frame count) with no real picture behind them, which is
 * all the gateway reads. Each is a well-formed container, so a reader that fails on one has a real bug.
 */
public final class HostileMedia {

    private HostileMedia() {
    }

    // ---------------------------------------------------------------- JPEG

    /**
     * A JPEG whose frame header comes after {@code paddingBytes} of APP segments (as EXIF, ICC and Photoshop
     * data put it far in), claiming {@code width} x {@code height}, then a scan of noise.
     */
    public static byte[] jpegWithFrameHeaderAfter(int paddingBytes, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0xFF, (byte) 0xD8});
        int padded = 0;
        int app = 0xE1;
        while (padded < paddingBytes) {
            int length = Math.min(65_533, Math.max(16, paddingBytes - padded));
            out.writeBytes(new byte[]{(byte) 0xFF, (byte) app, (byte) ((length + 2) >> 8), (byte) (length + 2)});
            out.writeBytes(TestFiles.random(length, padded).clone());
            padded += length + 4;
            app = app == 0xEF ? 0xE1 : app + 1;
        }
        out.writeBytes(frameHeader(0xC0, width, height));
        out.writeBytes(scan());
        return out.toByteArray();
    }

    /** A small frame header, then a huge one: a decoder that honours either must be refused. */
    public static byte[] jpegWithDecoyFrameHeader(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0xFF, (byte) 0xD8});
        out.writeBytes(frameHeader(0xC0, 64, 64));
        out.writeBytes(frameHeader(0xC2, width, height));
        out.writeBytes(scan());
        return out.toByteArray();
    }

    /** JPEG magic and an APP0 segment, then a scan: no frame header anywhere, so no size to check. */
    public static byte[] jpegWithoutFrameHeader() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16});
        out.writeBytes("JFIF\0".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(new byte[]{1, 1, 0, 0, 1, 0, 1, 0, 0});
        out.writeBytes(scan());
        return out.toByteArray();
    }

    /** A real JPEG's headers with its entropy-coded data replaced by noise: readable header, undecodable picture. */
    public static byte[] jpegWithCorruptScan(byte[] jpeg) {
        byte[] copy = jpeg.clone();
        for (int i = 2; i + 1 < copy.length; i++) {
            if ((copy[i] & 0xFF) == 0xFF && (copy[i + 1] & 0xFF) == 0xDA) {
                int start = i + 2 + ((copy[i + 2] & 0xFF) << 8 | (copy[i + 3] & 0xFF));
                byte[] noise = TestFiles.random(copy.length - start - 2, 3);
                for (int j = 0; j < noise.length; j++) {
                    copy[start + j] = noise[j] == (byte) 0xFF ? 0x12 : noise[j];
                }
                return copy;
            }
        }
        throw new IllegalArgumentException("no start of scan");
    }

    private static byte[] frameHeader(int marker, int width, int height) {
        return new byte[]{(byte) 0xFF, (byte) marker, 0, 17, 8, (byte) (height >> 8), (byte) height,
                (byte) (width >> 8), (byte) width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1};
    }

    private static byte[] scan() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0xFF, (byte) 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0});
        out.writeBytes(new byte[]{0x12, 0x34, 0x56, 0x78, (byte) 0xFF, (byte) 0xD9});
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- animations

    /** An animated PNG: IHDR, an acTL chunk declaring {@code frames}, a token IDAT, IEND; CRCs correct. */
    public static byte[] apng(int width, int height, int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        out.writeBytes(pngChunk("IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 6).array()));
        out.writeBytes(pngChunk("acTL", ByteBuffer.allocate(8).putInt(frames).putInt(0).array()));
        out.writeBytes(pngChunk("IDAT", new byte[]{0x78, (byte) 0x9C, 3, 0, 0, 0, 0, 1}));
        out.writeBytes(pngChunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    private static byte[] pngChunk(String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes(StandardCharsets.US_ASCII));
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(type.getBytes(StandardCharsets.US_ASCII))
                .put(data).putInt((int) crc.getValue()).array();
    }

    /** A GIF89a with a {@code width} x {@code height} screen and {@code frames} full-screen frames. */
    public static byte[] animatedGif(int width, int height, int frames) {
        ByteBuffer gif = ByteBuffer.allocate(64 + 22 * frames + 64).order(ByteOrder.LITTLE_ENDIAN);
        gif.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) width).putShort((short) height)
                .put((byte) 0x80).put((byte) 0).put((byte) 0)
                .put(new byte[]{0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        gif.put(new byte[]{0x21, (byte) 0xFF, 11}).put("NETSCAPE2.0".getBytes(StandardCharsets.US_ASCII))
                .put(new byte[]{3, 1, 0, 0, 0});
        for (int i = 0; i < frames; i++) {
            gif.put(new byte[]{0x21, (byte) 0xF9, 4, 0, 10, 0, 0, 0});
            gif.put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) width)
                    .putShort((short) height).put((byte) 0);
            gif.put(new byte[]{2, 1, 0x2C, 0}); // LZW code size 2: clear, end of information
        }
        gif.put((byte) 0x3B);
        return java.util.Arrays.copyOf(gif.array(), gif.position());
    }

    /** An extended WebP (VP8X) with the animation flag, a canvas of {@code width} x {@code height} and ANMF frames. */
    public static byte[] animatedWebp(int width, int height, int frames) {
        ByteBuffer chunks = ByteBuffer.allocate(18 + 14 + frames * 24).order(ByteOrder.LITTLE_ENDIAN);
        chunks.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10).put((byte) 0x02).put(new byte[3])
                .put(le24(width - 1)).put(le24(height - 1));
        chunks.put("ANIM".getBytes(StandardCharsets.US_ASCII)).putInt(6).putInt(0).putShort((short) 0);
        for (int i = 0; i < frames; i++) {
            chunks.put("ANMF".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                    .put(le24(0)).put(le24(0)).put(le24(width - 1)).put(le24(height - 1)).put(le24(100)).put((byte) 0);
        }
        return riff("WEBP", chunks.array());
    }

    /** A lossless WebP header (VP8L) of the given size; the bitstream after it is a token. */
    public static byte[] webp(int width, int height) {
        ByteBuffer chunk = ByteBuffer.allocate(8 + 14).order(ByteOrder.LITTLE_ENDIAN);
        chunk.put("VP8L".getBytes(StandardCharsets.US_ASCII)).putInt(14).put((byte) 0x2F)
                .putInt((width - 1) | (height - 1) << 14).put(new byte[9]);
        return riff("WEBP", chunk.array());
    }

    // ---------------------------------------------------------------- AVI

    /** An AVI whose main header says {@code mainWidth} x {@code mainHeight} and whose video stream format says its own size. */
    public static byte[] avi(int mainWidth, int mainHeight, int streamWidth, int streamHeight) {
        ByteBuffer avih = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
        avih.putInt(40_000).putInt(0).putInt(0).putInt(0x10).putInt(25).putInt(0).putInt(1).putInt(0)
                .putInt(mainWidth).putInt(mainHeight);
        ByteBuffer strh = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
        strh.put("vids".getBytes(StandardCharsets.US_ASCII)).put("MJPG".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer strf = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        strf.putInt(40).putInt(streamWidth).putInt(-streamHeight).putShort((short) 1).putShort((short) 24)
                .put("MJPG".getBytes(StandardCharsets.US_ASCII));
        byte[] strl = list("strl", riffChunk("strh", strh.array()), riffChunk("strf", strf.array()));
        byte[] hdrl = list("hdrl", riffChunk("avih", avih.array()), strl);
        byte[] movi = list("movi", riffChunk("00dc", TestFiles.random(2000, 5)));
        return riff("AVI ", concat(hdrl, movi));
    }

    private static byte[] list(String name, byte[]... chunks) {
        return riffChunk("LIST", concat(name.getBytes(StandardCharsets.US_ASCII), concat(chunks)));
    }

    private static byte[] riffChunk(String id, byte[] data) {
        ByteBuffer chunk = ByteBuffer.allocate(8 + data.length + (data.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        return chunk.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(data.length).put(data).array();
    }

    private static byte[] riff(String form, byte[] chunks) {
        ByteBuffer riff = ByteBuffer.allocate(12 + chunks.length).order(ByteOrder.LITTLE_ENDIAN);
        return riff.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + chunks.length)
                .put(form.getBytes(StandardCharsets.US_ASCII)).put(chunks).array();
    }

    // ---------------------------------------------------------------- ISO BMFF: HEIF, AVIF, MP4, MOV

    /** A HEIF still image: ftyp {@code brand}, and a meta box whose ipco holds one ispe per given size. */
    public static byte[] heif(String brand, int[]... ispeSizes) {
        byte[][] properties = new byte[ispeSizes.length][];
        for (int i = 0; i < ispeSizes.length; i++) {
            properties[i] = fullBox("ispe", ByteBuffer.allocate(8).putInt(ispeSizes[i][0]).putInt(ispeSizes[i][1]).array());
        }
        byte[] meta = fullBox("meta", concat(handler("pict"), fullBox("pitm", new byte[]{0, 1}),
                box("iprp", box("ipco", concat(properties)))));
        return concat(ftyp(brand, "mif1", brand.startsWith("avi") ? "miaf" : "heic"), meta,
                box("mdat", TestFiles.random(256, 9)));
    }

    /** An image sequence (AVIF {@code avis}, HEIF {@code msf1}): a cover ispe and a {@code pict} track of {@code frames} samples. */
    public static byte[] imageSequence(String brand, int width, int height, int frames) {
        byte[] meta = fullBox("meta", concat(handler("pict"),
                box("iprp", box("ipco", fullBox("ispe", ByteBuffer.allocate(8).putInt(width).putInt(height).array())))));
        return concat(ftyp(brand, "msf1", "iso8"), meta, moov("pict", width, height, width, height, frames),
                box("mdat", TestFiles.random(256, 10)));
    }

    /**
     * An MP4 (or, for brand {@code "qt  "}, a QuickTime movie) with one video track: its track header says
     * {@code trackWidth} x {@code trackHeight}, its sample description {@code codedWidth} x {@code codedHeight};
     * {@code moovLast} puts the movie box after the media data, as cameras write it.
     */
    public static byte[] video(String brand, int trackWidth, int trackHeight, int codedWidth, int codedHeight,
                               boolean moovLast) {
        byte[] mdat = box("mdat", TestFiles.random(4096, 11));
        byte[] moov = moov("vide", trackWidth, trackHeight, codedWidth, codedHeight, 25);
        byte[] ftyp = brand == null ? new byte[0] : ftyp(brand, brand, "iso2");
        return moovLast ? concat(ftyp, mdat, moov) : concat(ftyp, moov, mdat);
    }

    /** An MP4 with a sound track only: no frame size anywhere. */
    public static byte[] audioOnlyMp4() {
        return concat(ftyp("isom", "iso2"), moov("soun", 0, 0, 0, 0, 100), box("mdat", TestFiles.random(512, 12)));
    }

    private static byte[] moov(String handlerType, int trackWidth, int trackHeight, int codedWidth, int codedHeight,
                               int samples) {
        ByteBuffer tkhd = ByteBuffer.allocate(80);
        tkhd.position(72);
        tkhd.putInt(trackWidth << 16).putInt(trackHeight << 16);
        ByteBuffer entry = ByteBuffer.allocate(86);
        entry.putInt(86).put((handlerType.equals("soun") ? "mp4a" : "avc1").getBytes(StandardCharsets.US_ASCII))
                .put(new byte[6]).putShort((short) 1).put(new byte[16])
                .putShort((short) codedWidth).putShort((short) codedHeight);
        byte[] stsd = fullBox("stsd", concat(ByteBuffer.allocate(4).putInt(1).array(), entry.array()));
        byte[] stsz = fullBox("stsz", ByteBuffer.allocate(8).putInt(0).putInt(samples).array());
        byte[] stbl = box("stbl", concat(stsd, stsz));
        byte[] mdia = box("mdia", concat(fullBox("mdhd", new byte[20]), handler(handlerType),
                box("minf", stbl)));
        byte[] trak = box("trak", concat(fullBox("tkhd", tkhd.array()), mdia));
        return box("moov", concat(fullBox("mvhd", new byte[96]), trak));
    }

    private static byte[] handler(String type) {
        ByteBuffer hdlr = ByteBuffer.allocate(21);
        hdlr.putInt(0).put(type.getBytes(StandardCharsets.US_ASCII));
        return fullBox("hdlr", hdlr.array());
    }

    public static byte[] ftyp(String major, String... compatible) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes(major.getBytes(StandardCharsets.ISO_8859_1));
        payload.writeBytes(new byte[4]);
        for (String brand : compatible) {
            payload.writeBytes(brand.getBytes(StandardCharsets.ISO_8859_1));
        }
        return box("ftyp", payload.toByteArray());
    }

    public static byte[] box(String type, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).putInt(8 + payload.length)
                .put(type.getBytes(StandardCharsets.ISO_8859_1)).put(payload).array();
    }

    private static byte[] fullBox(String type, byte[] payload) {
        return box(type, concat(new byte[4], payload));
    }

    // ---------------------------------------------------------------- Matroska, WebM

    /**
     * A WebM or Matroska file with one video track of the given size. With {@code tracksLast} a cluster comes
     * first and the Tracks element after it, found through the SeekHead, as some muxers write it.
     */
    public static byte[] matroska(String docType, int width, int height, boolean tracksLast) {
        byte[] header = ebml(0x1A45DFA3, concat(ebml(0x4286, new byte[]{1}), ebml(0x4282,
                docType.getBytes(StandardCharsets.US_ASCII)), ebml(0x4287, new byte[]{4})));
        byte[] video = ebml(0xE0, concat(ebml(0xB0, u32(width)), ebml(0xBA, u32(height))));
        byte[] tracks = ebml(0x1654AE6B, ebml(0xAE, concat(ebml(0xD7, new byte[]{1}), ebml(0x83, new byte[]{1}),
                ebml(0x86, "V_VP9".getBytes(StandardCharsets.US_ASCII)), video)));
        byte[] info = ebml(0x1549A966, ebml(0x2AD7B1, u32(1_000_000)));
        byte[] cluster = ebml(0x1F43B675, concat(ebml(0xE7, new byte[]{0}), ebml(0xA3, TestFiles.random(3000, 13))));
        byte[] body;
        if (tracksLast) {
            // SeekHead: Seek { SeekID = Tracks, SeekPosition = offset of Tracks from the segment's data }
            int seekHeadLength = ebml(0x114D9B74, ebml(0x4DBB, concat(ebml(0x53AB, new byte[]{0x16, 0x54,
                    (byte) 0xAE, 0x6B}), ebml(0x53AC, u32(0))))).length;
            int tracksAt = seekHeadLength + info.length + cluster.length;
            byte[] seekHead = ebml(0x114D9B74, ebml(0x4DBB, concat(ebml(0x53AB, new byte[]{0x16, 0x54,
                    (byte) 0xAE, 0x6B}), ebml(0x53AC, u32(tracksAt)))));
            body = concat(seekHead, info, cluster, tracks);
        } else {
            body = concat(info, tracks, cluster);
        }
        return concat(header, ebml(0x18538067, body));
    }

    private static byte[] ebml(int id, byte[] data) {
        byte[] idBytes = id > 0xFFFFFF ? u32(id) : id > 0xFFFF ? new byte[]{(byte) (id >> 16), (byte) (id >> 8), (byte) id}
                : id > 0xFF ? new byte[]{(byte) (id >> 8), (byte) id} : new byte[]{(byte) id};
        byte[] size = ByteBuffer.allocate(8).putLong(0x0100000000000000L | data.length).array();
        return concat(idBytes, size, data);
    }

    private static byte[] u32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    private static byte[] le24(int value) {
        return new byte[]{(byte) value, (byte) (value >> 8), (byte) (value >> 16)};
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
