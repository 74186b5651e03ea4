package dev.mediaflow.worker.media;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avformat.AVStreamGroup;
import org.bytedeco.ffmpeg.avformat.AVStreamGroupTileGrid;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

/**
 * Decodes HEIF (HEIC: HEVC) and AVIF (AV1) still images, as {@link dev.mediaflow.messages.ImageFormat} tells them
 * by their ftyp brands, with the bundled FFmpeg (8.0), whose HEIF demuxer
 * exports the primary image either as one stream or, for the tiled images phones write (an iPhone's 4032x3024
 * photo is a grid of 512x512 HEVC tiles), as a tile-grid stream group. Each tile is decoded and converted to
 * BGR on its own, then copied into the grid's canvas, which is cropped to the picture's size; only one tile's
 * frame is held at a time besides the canvas. The image's transformation (irot, imir) arrives as a display
 * matrix and is applied here.
 *
 * <p>AV1 goes to libaom's decoder: FFmpeg's native AV1 decoder only drives hardware. HDR pictures (PQ or HLG
 * transfer) are refused with a clear message rather than shown with washed-out colours; 10-bit SDR is
 * converted to 8 bits. The whole decode is bounded by {@link DecodeLimits}: the canvas is checked against the
 * byte budget before any tile is decoded, and FFmpeg is interrupted at the time limit.
 */
public final class HeifDecoder {

    static {
        av_log_set_level(AV_LOG_ERROR);
    }

    private HeifDecoder() {
    }

    /** @param kind how messages name the format: "HEIC" or "AVIF" */
    public static Mat decode(Path file, String kind, DecodeMemory.Scope scope) {
        DecodeLimits limits = scope.limits();
        String what = kind + " " + file.getFileName();
        DecodeDeadline deadline = new DecodeDeadline(what, limits.timeout());
        AVFormatContext context = avformat_alloc_context();
        try (FfmpegInterrupt interrupt = FfmpegInterrupt.install(context, deadline)) {
            int opened = avformat_open_input(context, file.toAbsolutePath().toString(), null, null);
            if (opened < 0) {
                // avformat_open_input frees the context on failure
                throw failure(what, deadline, "FFmpeg cannot open it (" + errorText(opened) + ")");
            }
            try {
                return new Decode(context, kind, what, scope, deadline).run();
            } finally {
                avformat_close_input(context);
            }
        }
    }

    /** One decode: the chosen image (one stream or a tile grid), its decoders and its canvas. */
    private static final class Decode {

        private final AVFormatContext context;
        private final String kind;
        private final String what;
        private final DecodeLimits limits;
        private final DecodeMemory.Scope scope;
        private final DecodeDeadline deadline;
        private final Map<Integer, Tile> tilesByStream = new HashMap<>();
        private final List<Tile> tiles = new ArrayList<>();
        private int canvasWidth;
        private int canvasHeight;
        private Rect crop;
        private int[] displayMatrix;
        private Mat canvas;
        /** an AVIF sequence (avis) counts its frames against the budget, like other animations; one is decoded */
        private long frames = 1;

        Decode(AVFormatContext context, String kind, String what, DecodeMemory.Scope scope, DecodeDeadline deadline) {
            this.context = context;
            this.kind = kind;
            this.what = what;
            this.limits = scope.limits();
            this.scope = scope;
            this.deadline = deadline;
        }

        Mat run() {
            try {
                chooseImage();
                scope.reserve(what, new PixelFootprint(canvasWidth, canvasHeight, 3, 1, frames));
                for (Tile tile : tiles) {
                    tile.open();
                }
                canvas = new Mat(canvasHeight, canvasWidth, CV_8UC3);
                readAndDecode();
                Mat cropped = crop.x() == 0 && crop.y() == 0 && crop.width() == canvasWidth && crop.height() == canvasHeight
                        ? canvas : canvas.apply(crop).clone();
                if (cropped != canvas) {
                    canvas.close();
                }
                canvas = null;
                return DisplayMatrix.apply(cropped, displayMatrix);
            } finally {
                if (canvas != null) {
                    canvas.close();
                }
                tiles.forEach(Tile::close);
            }
        }

        /** The primary image: a tile grid group if there is one (the default one first), else the default video stream. */
        private void chooseImage() {
            AVStreamGroup grid = null;
            for (int g = 0; g < context.nb_stream_groups(); g++) {
                AVStreamGroup group = context.stream_groups(g);
                if (group.type() == AV_STREAM_GROUP_PARAMS_TILE_GRID
                        && (grid == null || (group.disposition() & AV_DISPOSITION_DEFAULT) != 0)) {
                    grid = group;
                }
            }
            if (grid != null) {
                chooseGrid(grid);
                return;
            }
            AVStream chosen = null;
            for (int s = 0; s < context.nb_streams(); s++) {
                AVStream stream = context.streams(s);
                if (stream.codecpar().codec_type() == AVMEDIA_TYPE_VIDEO
                        && (chosen == null || (stream.disposition() & AV_DISPOSITION_DEFAULT) != 0)) {
                    chosen = stream;
                }
            }
            if (chosen == null) {
                throw new UnreadableMediaException("cannot decode " + what + ": it holds no image");
            }
            AVCodecParameters par = chosen.codecpar();
            canvasWidth = par.width();
            canvasHeight = par.height();
            checkSize(canvasWidth, canvasHeight);
            crop = new Rect(0, 0, canvasWidth, canvasHeight);
            addTile(chosen, 0, 0);
            frames = Math.max(1, chosen.nb_frames());
            displayMatrix = matrix(par.coded_side_data(), par.nb_coded_side_data());
        }

        private void chooseGrid(AVStreamGroup group) {
            AVStreamGroupTileGrid grid = group.params_tile_grid();
            canvasWidth = grid.coded_width();
            canvasHeight = grid.coded_height();
            checkSize(canvasWidth, canvasHeight);
            int x = grid.horizontal_offset();
            int y = grid.vertical_offset();
            if (grid.nb_tiles() < 1 || x < 0 || y < 0 || grid.width() < 1 || grid.height() < 1
                    || x + grid.width() > canvasWidth || y + grid.height() > canvasHeight) {
                throw new UnsupportedMediaException(kind + " with an irregular tile grid is not supported yet");
            }
            crop = new Rect(x, y, grid.width(), grid.height());
            for (int i = 0; i < grid.nb_tiles(); i++) {
                int index = grid.offsets_idx(i);
                if (index < 0 || index >= group.nb_streams()) {
                    throw new UnsupportedMediaException(kind + " with an irregular tile grid is not supported yet");
                }
                addTile(group.streams(index), grid.offsets_horizontal(i), grid.offsets_vertical(i));
            }
            long covered = 0;
            for (Tile tile : tiles) {
                covered += (long) tile.visibleWidth() * tile.visibleHeight();
            }
            if (covered < (long) canvasWidth * canvasHeight) {
                throw new UnsupportedMediaException(kind + " with an irregular tile grid (tiles leave gaps) is not supported yet");
            }
            displayMatrix = matrix(grid.coded_side_data(), grid.nb_coded_side_data());
        }

        private void checkSize(int width, int height) {
            if (width < 1 || height < 1) {
                throw new UnreadableMediaException("cannot decode " + what + ": its image has no size");
            }
        }

        private void addTile(AVStream stream, int x, int y) {
            AVCodecParameters par = stream.codecpar();
            if (x < 0 || y < 0 || x >= canvasWidth || y >= canvasHeight || par.width() < 1 || par.height() < 1
                    || tilesByStream.containsKey(stream.index())) {
                throw new UnsupportedMediaException(kind + " with an irregular tile grid is not supported yet");
            }
            checkColour(par.color_trc());
            Tile tile = new Tile(stream, x, y);
            tilesByStream.put(stream.index(), tile);
            tiles.add(tile);
        }

        private void checkColour(int transfer) {
            if (transfer == AVCOL_TRC_SMPTE2084) {
                throw new UnsupportedMediaException(kind + " with HDR (PQ) colour is not supported yet");
            }
            if (transfer == AVCOL_TRC_ARIB_STD_B67) {
                throw new UnsupportedMediaException(kind + " with HDR (HLG) colour is not supported yet");
            }
        }

        private void readAndDecode() {
            AVPacket packet = av_packet_alloc();
            AVFrame frame = av_frame_alloc();
            try {
                int read;
                while ((read = av_read_frame(context, packet)) >= 0) {
                    Tile tile = tilesByStream.get(packet.stream_index());
                    if (tile != null && !tile.done) {
                        tile.send(packet, frame);
                    }
                    av_packet_unref(packet);
                    deadline.check();
                    if (tiles.stream().allMatch(t -> t.done)) {
                        return;
                    }
                }
                if (deadline.passed()) {
                    throw deadline.timedOut();
                }
                for (Tile tile : tiles) {
                    if (!tile.done) {
                        tile.send(null, frame);
                    }
                }
                long missing = tiles.stream().filter(t -> !t.done).count();
                if (missing > 0) {
                    throw new UnreadableMediaException("cannot decode " + what + ": truncated or corrupt ("
                            + missing + " of " + tiles.size() + " image tiles missing"
                            + (read == AVERROR_EOF() ? "" : ", " + errorText(read)) + ")");
                }
            } finally {
                av_frame_free(frame);
                av_packet_free(packet);
            }
        }

        /** One coded image (the whole picture, or one tile of a grid) and where it goes on the canvas. */
        private final class Tile implements AutoCloseable {

            private final AVStream stream;
            private final int x;
            private final int y;
            private AVCodecContext decoder;
            private boolean done;

            Tile(AVStream stream, int x, int y) {
                this.stream = stream;
                this.x = x;
                this.y = y;
            }

            int visibleWidth() {
                return Math.min(stream.codecpar().width(), canvasWidth - x);
            }

            int visibleHeight() {
                return Math.min(stream.codecpar().height(), canvasHeight - y);
            }

            void open() {
                AVCodecParameters par = stream.codecpar();
                AVCodec codec = par.codec_id() == AV_CODEC_ID_AV1
                        ? avcodec_find_decoder_by_name("libaom-av1") : avcodec_find_decoder(par.codec_id());
                if (codec == null || codec.isNull()) {
                    throw new UnsupportedMediaException(kind + " with " + codecName(par.codec_id())
                            + " images is not supported yet");
                }
                decoder = avcodec_alloc_context3(codec);
                if (avcodec_parameters_to_context(decoder, par) < 0) {
                    throw new UnreadableMediaException("cannot decode " + what + ": bad codec parameters");
                }
                decoder.thread_count(tiles.size() == 1 ? 0 : 1);
                // the bitstream's own size may disagree with ispe: the decoder refuses frames past the budget
                decoder.max_pixels(limits.maxPixelsPerFrame());
                int opened = avcodec_open2(decoder, codec, (PointerPointer<?>) null);
                if (opened < 0) {
                    throw new UnreadableMediaException("cannot decode " + what + ": " + codecName(par.codec_id())
                            + " decoder refused it (" + errorText(opened) + ")");
                }
            }

            /** Sends one packet (null: drain) and places the frame that comes out. */
            void send(AVPacket packet, AVFrame frame) {
                int sent = avcodec_send_packet(decoder, packet);
                if (sent < 0 && sent != AVERROR_EOF()) {
                    throw failure(what, deadline, "corrupt image data (" + errorText(sent) + ")");
                }
                int received = avcodec_receive_frame(decoder, frame);
                if (received == AVERROR_EAGAIN() && packet != null) {
                    return;
                }
                if (received == AVERROR_EAGAIN() || received == AVERROR_EOF()) {
                    if (packet == null) {
                        avcodec_send_packet(decoder, null);
                        received = avcodec_receive_frame(decoder, frame);
                    }
                    if (received < 0) {
                        return;
                    }
                }
                if (received < 0) {
                    throw failure(what, deadline, "corrupt image data (" + errorText(received) + ")");
                }
                try {
                    checkColour(frame.color_trc());
                    place(frame);
                    done = true;
                } finally {
                    av_frame_unref(frame);
                }
            }

            private void place(AVFrame frame) {
                int width = frame.width();
                int height = frame.height();
                SwsContext sws = sws_getContext(width, height, frame.format(), width, height, AV_PIX_FMT_BGR24,
                        SWS_BILINEAR, null, null, (double[]) null);
                if (sws == null || sws.isNull()) {
                    throw new UnsupportedMediaException(kind + " with pixel format "
                            + av_get_pix_fmt_name(frame.format()).getString() + " is not supported yet");
                }
                try (Mat bgr = new Mat(height, width, CV_8UC3);
                     PointerPointer<?> source = new PointerPointer<>(frame);
                     // swscale reads four plane pointers and strides: the unused ones must be null
                     PointerPointer<?> target = new PointerPointer<>(4).put(0, bgr.data());
                     IntPointer stride = new IntPointer(new int[] {(int) bgr.step(), 0, 0, 0})) {
                    IntPointer coefficients = sws_getCoefficients(swsColourspace(frame.colorspace()));
                    sws_setColorspaceDetails(sws, coefficients, frame.color_range() == AVCOL_RANGE_JPEG ? 1 : 0,
                            sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
                    sws_scale(sws, source, frame.linesize(), 0, height, target, stride);
                    int w = Math.min(width, canvasWidth - x);
                    int h = Math.min(height, canvasHeight - y);
                    try (Mat from = bgr.apply(new Rect(0, 0, w, h)); Mat to = canvas.apply(new Rect(x, y, w, h))) {
                        from.copyTo(to);
                    }
                } finally {
                    sws_freeContext(sws);
                }
            }

            @Override
            public void close() {
                if (decoder != null) {
                    avcodec_free_context(decoder);
                    decoder = null;
                }
            }
        }
    }

    /** FFmpeg's colour matrix ids match swscale's SWS_CS_* for the ones swscale knows; unknown: BT.601. */
    static int swsColourspace(int avColorspace) {
        return switch (avColorspace) {
            case AVCOL_SPC_BT709 -> SWS_CS_ITU709;
            case AVCOL_SPC_FCC -> SWS_CS_FCC;
            case AVCOL_SPC_SMPTE240M -> SWS_CS_SMPTE240M;
            case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL -> SWS_CS_BT2020;
            default -> SWS_CS_ITU601;
        };
    }

    private static int[] matrix(AVPacketSideData sideData, int count) {
        if (sideData == null || sideData.isNull() || count <= 0) {
            return null;
        }
        AVPacketSideData display = av_packet_side_data_get(sideData, count, AV_PKT_DATA_DISPLAYMATRIX);
        if (display == null || display.isNull() || display.size() < 36) {
            return null;
        }
        int[] values = new int[9];
        new IntPointer(display.data()).get(values);
        return values;
    }

    private static UnreadableMediaException failure(String what, DecodeDeadline deadline, String reason) {
        if (deadline.passed()) {
            return deadline.timedOut();
        }
        return new UnreadableMediaException("cannot decode " + what + ": " + reason);
    }

    private static String codecName(int codecId) {
        var name = avcodec_get_name(codecId);
        return name == null ? "codec " + codecId : name.getString().toUpperCase(java.util.Locale.ROOT);
    }

    private static String errorText(int error) {
        byte[] buffer = new byte[AV_ERROR_MAX_STRING_SIZE];
        av_strerror(error, buffer, buffer.length);
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }
}
