package dev.mediaflow.gateway.upload;

import com.drew.imaging.tiff.TiffMetadataReader;
import com.drew.imaging.tiff.TiffProcessingException;
import com.drew.lang.RandomAccessFileReader;
import com.drew.lang.SequentialByteArrayReader;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.bmp.BmpHeaderDirectory;
import com.drew.metadata.bmp.BmpReader;
import com.drew.metadata.exif.ExifDirectoryBase;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Optional;

/**
 * BMP and TIFF sizes read by metadata-extractor, which knows every header variant (OS/2 and Windows BMP
 * headers, classic and BigTIFF byte orders and IFD chains). The BMP header is within the first bytes of the
 * file; a TIFF's directories may sit anywhere, so its reader reads the file at the offsets the directories
 * name. Every image directory of a TIFF counts and the largest wins: a small first page never hides a huge one.
 */
final class MetadataExtractorSizes {

    /** A BMP's file and info headers (OS/2 2.x and BITMAPV5HEADER included) fit in far less. */
    static final int BMP_HEAD = 256;

    private MetadataExtractorSizes() {
    }

    static Optional<ImageHeaderReader.Dimensions> bmp(HeaderFile file) throws IOException {
        Metadata metadata = new Metadata();
        byte[] head = file.bytes(0, (int) Math.min(BMP_HEAD, file.size()));
        new BmpReader().extract(new SequentialByteArrayReader(head), metadata);
        return largest(metadata, BmpHeaderDirectory.TAG_IMAGE_WIDTH, BmpHeaderDirectory.TAG_IMAGE_HEIGHT);
    }

    static Optional<ImageHeaderReader.Dimensions> tiff(Path file) throws IOException, TiffProcessingException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            Metadata metadata = TiffMetadataReader.readMetadata(new RandomAccessFileReader(raf));
            return largest(metadata, ExifDirectoryBase.TAG_IMAGE_WIDTH, ExifDirectoryBase.TAG_IMAGE_HEIGHT);
        }
    }

    private static Optional<ImageHeaderReader.Dimensions> largest(Metadata metadata, int widthTag, int heightTag) {
        ImageHeaderReader.Dimensions largest = null;
        for (Directory directory : metadata.getDirectories()) {
            Long width = directory.getLongObject(widthTag);
            Long height = directory.getLongObject(heightTag);
            if (width == null || height == null) {
                continue;
            }
            ImageHeaderReader.Dimensions size = new ImageHeaderReader.Dimensions(Math.abs(width), Math.abs(height));
            if (largest == null || size.pixels() > largest.pixels()) {
                largest = size;
            }
        }
        return Optional.ofNullable(largest);
    }
}
