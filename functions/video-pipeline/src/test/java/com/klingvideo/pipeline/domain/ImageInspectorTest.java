package com.klingvideo.pipeline.domain;

import com.klingvideo.pipeline.domain.failure.InvalidImageException;
import com.klingvideo.pipeline.fakes.TestImages;
import static com.klingvideo.pipeline.domain.ImageBytes.bytes;
import static com.klingvideo.pipeline.domain.ImageBytes.concat;
import static com.klingvideo.pipeline.domain.ImageBytes.u32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.klingvideo.pipeline.domain.ImageBytes.CountingInputStream;
import com.klingvideo.pipeline.domain.ImageBytes.Jpeg;
import com.klingvideo.pipeline.domain.ImageBytes.StingyInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageInspectorTest {

    private final ImageInspector inspector = new ImageInspector();

    private ImageFacts inspect(byte[] content) {
        return inspector.inspect(new ByteArrayInputStream(content));
    }

    // --- JPEG -------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"300, 300", "1280, 720", "301, 753", "64, 48"})
    void inspect_should_readSizeFromSof0_when_baselineJpegFromEncoder(int width, int height) {
        // GIVEN a baseline JPEG written by the JDK encoder
        byte[] jpeg = TestImages.jpeg(width, height);

        // WHEN
        ImageFacts facts = inspect(jpeg);

        // THEN
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.JPEG, width, height));
    }

    @Test
    void inspect_should_readSizeFromSof2_when_progressiveJpeg() {
        // GIVEN a progressive JPEG crafted byte by byte: APP0, DQT, SOF2, scan
        byte[] jpeg = new Jpeg().segment(0xE0, 14).segment(0xDB, 67).frame(0xC2, 1024, 576).scan().eoi().bytes();

        // WHEN
        ImageFacts facts = inspect(jpeg);

        // THEN
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.JPEG, 1024, 576));
    }

    @Test
    void inspect_should_readSizeFromSof2_when_encoderWritesProgressiveJpeg() {
        // GIVEN a progressive JPEG from the JDK encoder, checked to really carry SOF2
        byte[] jpeg = TestImages.progressiveJpeg(640, 360);
        assertThat(ImageBytes.markerOffset(jpeg, 0xC2)).isPositive();

        // WHEN
        ImageFacts facts = inspect(jpeg);

        // THEN
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.JPEG, 640, 360));
    }

    @ParameterizedTest
    @ValueSource(ints = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
    void inspect_should_readSize_when_frameHeaderIsAnySofMarker(int sof) {
        // GIVEN
        byte[] jpeg = new Jpeg().segment(0xE0, 14).frame(sof, 800, 600).scan().eoi().bytes();

        // WHEN
        ImageFacts facts = inspect(jpeg);

        // THEN
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.JPEG, 800, 600));
    }

    @ParameterizedTest
    @ValueSource(ints = {0xC4, 0xC8, 0xCC})
    void inspect_should_skipSegment_when_markerInSofRangeIsNotAFrame(int marker) {
        // GIVEN a DHT, JPG or DAC segment whose payload would read as a size of 1x1 if taken for a frame
        byte[] jpeg = new Jpeg().raw(0xFF, marker, 0x00, 0x07, 0x08, 0x00, 0x01, 0x00, 0x01)
                .frame(0xC0, 500, 400).scan().eoi().bytes();

        // WHEN
        ImageFacts facts = inspect(jpeg);

        // THEN
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.JPEG, 500, 400));
    }

    @Test
    void inspect_should_skipSegmentsByLength_when_largeExifLikeApp1PrecedesSof() {
        // GIVEN an encoder's JPEG with three maximal APP1 segments (about 192 KiB) inserted before its
        // frame header, each full of 0xFF bytes that would derail a byte scanner looking for markers
        byte[] jpeg = TestImages.jpeg(320, 480);
        byte[] app1 = new byte[65535 + 2];
        Arrays.fill(app1, (byte) 0xFF);
        app1[1] = (byte) 0xE1;
        app1[2] = (byte) 0xFF;
        app1[3] = (byte) 0xFF;
        byte[] withExif = ImageBytes.insert(jpeg, 2, concat(app1, app1, app1));

        // WHEN
        ImageFacts facts = inspect(withExif);

        // THEN
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.JPEG, 320, 480));
    }

    @Test
    void inspect_should_readThroughEoiAndNoFurther_when_bytesFollowTheEndOfTheImage() {
        // GIVEN a JPEG with 3 MB of scan data, then 1 MB appended after its EOI (as Multi-Picture files
        // carry a second image there), read through a counting stream
        byte[] image = new Jpeg().segment(0xE0, 14).segment(0xDB, 67).frame(0xC0, 1920, 1080)
                .scan().tail(3 * 1024 * 1024).eoi().bytes();
        byte[] jpeg = concat(image, new byte[1024 * 1024]);
        CountingInputStream counting = new CountingInputStream(new ByteArrayInputStream(jpeg));

        // WHEN
        ImageFacts facts = inspector.inspect(counting);

        // THEN the size is read, the whole image was walked, and of what follows its EOI at most the rest
        // of the last 64 KiB read of scan data was consumed
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.JPEG, 1920, 1080));
        assertThat(counting.consumed()).isBetween((long) image.length, image.length + 64L * 1024);
    }

    @Test
    void inspect_should_skipSegmentsWithoutReadingThem_when_streamSupportsSkip() {
        // GIVEN a 60 KB APP1 before the frame header, and a stream that counts bytes read (not skipped)
        byte[] jpeg = new Jpeg().segment(0xE1, 60_000).frame(0xC0, 400, 300).scan().eoi().bytes();
        long[] bytesRead = {0};
        InputStream readCounting = new ByteArrayInputStream(jpeg) {
            @Override
            public synchronized int read() {
                int b = super.read();
                bytesRead[0] += b < 0 ? 0 : 1;
                return b;
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                bytesRead[0] += Math.max(n, 0);
                return n;
            }
        };

        // WHEN
        ImageFacts facts = inspector.inspect(readCounting);

        // THEN the segment was skipped, not copied into memory
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.JPEG, 400, 300));
        assertThat(bytesRead[0]).isLessThan(100);
    }

    @Test
    void inspect_should_readSize_when_streamReadsOneByteAtATimeAndSkipsReturnZero() {
        // GIVEN an encoder's JPEG with an APP1 inserted, behind a stream that returns short reads and zero skips
        byte[] app1 = Arrays.copyOfRange(new Jpeg().segment(0xE1, 5000).bytes(), 2, 2 + 4 + 5000);
        byte[] jpeg = ImageBytes.insert(TestImages.jpeg(720, 1280), 2, app1);

        // WHEN
        ImageFacts facts = inspector.inspect(new StingyInputStream(new ByteArrayInputStream(jpeg)));

        // THEN
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.JPEG, 720, 1280));
    }

    @Test
    void inspect_should_readSize_when_fillBytesAndStandaloneMarkersPrecedeSegments() {
        // GIVEN 0xFF fill bytes before markers, and standalone RST0, RST7 and TEM markers between segments
        byte[] jpeg = new Jpeg().raw(0xFF, 0xFF, 0xFF).segment(0xE0, 14)
                .raw(0xFF, 0xD0).raw(0xFF, 0xD7).raw(0xFF, 0x01)
                .raw(0xFF, 0xFF).segment(0xFE, 5)
                .raw(0xFF, 0xFF, 0xFF).frame(0xC0, 300, 301).scan().eoi().bytes();

        // WHEN
        ImageFacts facts = inspect(jpeg);

        // THEN
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.JPEG, 300, 301));
    }

    @Test
    void inspect_should_reject_when_eoiComesBeforeSof() {
        // GIVEN
        byte[] jpeg = new Jpeg().segment(0xE0, 14).eoi().frame(0xC0, 300, 300).bytes();

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG ends (EOI (0xFFD9) at offset 20) before its frame header (SOF)");
    }

    @Test
    void inspect_should_reject_when_sosComesBeforeSof() {
        // GIVEN
        byte[] jpeg = new Jpeg().segment(0xE0, 14).scan().frame(0xC0, 300, 300).bytes();

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG scan data (SOS (0xFFDA) at offset 20) starts before its frame header (SOF)");
    }

    @Test
    void inspect_should_reject_when_byteWhereMarkerExpectedIsNot0xFF() {
        // GIVEN an APP0 whose length field (4) covers "JF" but not the "I" after it, at offset 8
        byte[] jpeg = new Jpeg().raw(0xFF, 0xE0, 0x00, 0x04, 'J', 'F', 'I').frame(0xC0, 300, 300).bytes();

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG is corrupt: expected a marker at offset 8, found byte 0x49");
    }

    @Test
    void inspect_should_reject_when_segmentLengthIsBelowTwo() {
        // GIVEN
        byte[] jpeg = new Jpeg().raw(0xFF, 0xE1, 0x00, 0x01).frame(0xC0, 300, 300).bytes();

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG is corrupt: the APP1 (0xFFE1) segment at offset 2 has an impossible length of 1");
    }

    @Test
    void inspect_should_reject_when_markerIsStuffedZero() {
        // GIVEN
        byte[] jpeg = new Jpeg().raw(0xFF, 0x00).frame(0xC0, 300, 300).bytes();

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("JPEG is corrupt")
                .hasMessageContaining("0xFF00");
    }

    @Test
    void inspect_should_reject_when_frameHeaderHasZeroWidth() {
        // GIVEN
        byte[] jpeg = new Jpeg().frame(0xC0, 0, 300).scan().eoi().bytes();

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG is corrupt: the SOF0 (0xFFC0) segment at offset 2 gives a width of 0 px");
    }

    @Test
    void inspect_should_reject_when_heightIsLeftToDnl() {
        // GIVEN a frame header with height 0, which defers the height to a DNL marker after the first scan
        byte[] jpeg = new Jpeg().frame(0xC0, 300, 0).scan().eoi().bytes();

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("DNL")
                .hasMessageContaining("not supported");
    }

    @Test
    void inspect_should_reject_when_frameHeaderIsTooShort() {
        // GIVEN a SOF0 claiming 5 bytes
        byte[] jpeg = new Jpeg().raw(0xFF, 0xC0, 0x00, 0x05, 0x08, 0x01, 0x2C).scan().bytes();

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG is corrupt: the SOF0 (0xFFC0) segment at offset 2 is 5 bytes long, too short for a frame header");
    }

    @Test
    void inspect_should_reject_when_secondSoiPrecedesFrame() {
        // GIVEN
        byte[] jpeg = new Jpeg().raw(0xFF, 0xD8).frame(0xC0, 300, 300).bytes();

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("JPEG is corrupt: a second SOI");
    }

    static IntStream jpegCutPoints() {
        // inside the magic, inside a marker, inside a length, inside APP1, inside the frame header
        return IntStream.of(1, 2, 3, 5, 100, 5000, 5006, 5010);
    }

    @ParameterizedTest
    @MethodSource("jpegCutPoints")
    void inspect_should_reportTruncation_when_jpegEndsBeforeItsSize(int cutAfter) {
        // GIVEN a JPEG with a 5000-byte APP1 and then SOF0 at offset 5006, cut short
        byte[] jpeg = new Jpeg().segment(0xE1, 5000).frame(0xC0, 300, 300).scan().eoi().bytes();
        byte[] truncated = Arrays.copyOf(jpeg, cutAfter);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(truncated))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("JPEG is truncated: content ends after " + cutAfter + " bytes");
    }

    @Test
    void inspect_should_nameTheSegment_when_jpegEndsInsideIt() {
        // GIVEN
        byte[] jpeg = Arrays.copyOf(new Jpeg().segment(0xE1, 5000).frame(0xC0, 300, 300).bytes(), 100);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG is truncated: content ends after 100 bytes, while reading the APP1 (0xFFE1) segment at offset 2");
    }

    @Test
    void inspect_should_reportTruncation_when_encoderJpegIsCutBeforeSof() {
        // GIVEN an encoder's JPEG cut one byte into its frame header
        byte[] jpeg = TestImages.jpeg(400, 400);
        byte[] truncated = Arrays.copyOf(jpeg, ImageBytes.markerOffset(jpeg, 0xC0) + 1);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(truncated))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("JPEG is truncated");
    }

    @Test
    void inspect_should_giveUp_when_imageDoesNotEndWithinTheByteLimit() {
        // GIVEN an inspector limited to 1 KiB and a JPEG of about 2 KB
        ImageInspector limited = new ImageInspector(1024);
        byte[] jpeg = new Jpeg().segment(0xE1, 2000).frame(0xC0, 300, 300).scan().eoi().bytes();
        CountingInputStream counting = new CountingInputStream(new ByteArrayInputStream(jpeg));

        // WHEN / THEN it fails without reading past the limit
        assertThatThrownBy(() -> limited.inspect(counting))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("JPEG does not end within the first 1024 bytes");
        assertThat(counting.consumed()).isLessThanOrEqualTo(1024);
    }

    @Test
    void inspect_should_accept_when_imageEndsExactlyAtTheByteLimit() {
        // GIVEN a limit of exactly the image's length
        byte[] jpeg = new Jpeg().segment(0xE1, 100).frame(0xC0, 310, 320).scan().eoi().bytes();
        ImageInspector limited = new ImageInspector(jpeg.length);

        // WHEN
        ImageFacts facts = limited.inspect(new ByteArrayInputStream(jpeg));

        // THEN one byte less is not enough
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.JPEG, 310, 320));
        assertThatThrownBy(() -> new ImageInspector(jpeg.length - 1).inspect(new ByteArrayInputStream(jpeg)))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("JPEG does not end within the first " + (jpeg.length - 1) + " bytes");
    }

    // --- JPEG structure after the frame header --------------------------------------------------

    static IntStream encoderJpegCutFractions() {
        // per mille of the scan data kept: just after SOS, a quarter, a half, nine tenths, all of it
        return IntStream.of(0, 250, 500, 900, 1000);
    }

    @ParameterizedTest
    @MethodSource("encoderJpegCutFractions")
    void inspect_should_reportTruncation_when_encoderJpegIsCutInsideOrAfterItsScan(int perMille) {
        // GIVEN an encoder's JPEG cut after its frame header: in or at the end of the scan data, before EOI
        byte[] jpeg = TestImages.jpeg(800, 600);
        int sos = ImageBytes.markerOffset(jpeg, 0xDA);
        int scanLength = jpeg.length - 2 - sos;
        int cut = sos + (int) ((long) scanLength * perMille / 1000);
        byte[] truncated = Arrays.copyOf(jpeg, Math.max(cut, sos + 1));

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(truncated))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("JPEG is truncated: content ends after " + truncated.length + " bytes");
    }

    @Test
    void inspect_should_reportTruncation_when_halfOfAnEncoderJpegIsUploaded() {
        // GIVEN the first half of a real JPEG
        byte[] jpeg = TestImages.jpeg(800, 600);
        byte[] half = Arrays.copyOf(jpeg, jpeg.length / 2);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(half))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG is truncated: content ends after " + half.length
                        + " bytes, inside the entropy-coded data of the scan (SOS at offset "
                        + ImageBytes.markerOffset(jpeg, 0xDA) + "), before its end-of-image marker (EOI)");
    }

    @Test
    void inspect_should_reportTruncation_when_eoiIsMissing() {
        // GIVEN a complete scan and nothing after it
        byte[] jpeg = new Jpeg().segment(0xE0, 14).frame(0xC0, 400, 300).scan().bytes();

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("JPEG is truncated: content ends after " + jpeg.length + " bytes, inside");
    }

    @Test
    void inspect_should_reportTruncation_when_onlyHalfOfTheEoiMarkerIsThere() {
        // GIVEN
        byte[] full = new Jpeg().frame(0xC0, 400, 300).scan().eoi().bytes();
        byte[] jpeg = Arrays.copyOf(full, full.length - 1);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("JPEG is truncated: content ends after " + jpeg.length + " bytes");
    }

    @Test
    void inspect_should_reject_when_scanHasNoEntropyCodedData() {
        // GIVEN a scan header followed directly by EOI
        byte[] jpeg = new Jpeg().frame(0xC0, 400, 300).raw(0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00)
                .eoi().bytes();

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG is corrupt: the scan (SOS at offset 21) has no entropy-coded data");
    }

    @Test
    void inspect_should_reject_when_imageEndsAfterItsFrameHeaderWithoutAScan() {
        // GIVEN
        byte[] jpeg = new Jpeg().frame(0xC0, 400, 300).eoi().bytes();

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(jpeg))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("JPEG ends (EOI (0xFFD9) at offset 21) before any scan data (SOS)");
    }

    @Test
    void inspect_should_accept_when_scanHoldsStuffedBytesRestartMarkersAndSecondScan() {
        // GIVEN scan data with a stuffed 0xFF00, RST0, fill bytes before a DHT, then a second scan (progressive)
        byte[] jpeg = new Jpeg().frame(0xC2, 640, 480).scan()
                .raw(0xFF, 0x00, 0x11, 0xFF, 0xD0, 0x22, 0xFF, 0xFF).segment(0xC4, 20).scan().eoi().bytes();

        // WHEN
        ImageFacts facts = inspect(jpeg);

        // THEN
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.JPEG, 640, 480));
    }

    @Test
    void inspect_should_accept_when_encoderJpegsAreWhole() {
        // GIVEN / WHEN / THEN baseline and progressive encoder output passes the structure check
        assertThat(inspect(TestImages.jpeg(1280, 720))).isEqualTo(new ImageFacts(ImageFormat.JPEG, 1280, 720));
        assertThat(inspect(TestImages.progressiveJpeg(720, 1280)))
                .isEqualTo(new ImageFacts(ImageFormat.JPEG, 720, 1280));
    }

    // --- PNG --------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"300, 300", "1920, 1080", "299, 750", "1, 1"})
    void inspect_should_readSizeFromIhdr_when_png(int width, int height) {
        // GIVEN
        byte[] png = TestImages.png(width, height);

        // WHEN
        ImageFacts facts = inspect(png);

        // THEN
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.PNG, width, height));
    }

    @Test
    void inspect_should_readThroughIendAndNoFurther_when_bytesFollowThePng() {
        // GIVEN a PNG followed by 3 MB, read through a counting stream
        byte[] image = TestImages.png(400, 300);
        byte[] png = concat(image, new byte[3 * 1024 * 1024]);
        CountingInputStream counting = new CountingInputStream(new ByteArrayInputStream(png));

        // WHEN
        ImageFacts facts = inspector.inspect(counting);

        // THEN every chunk up to IEND was read, nothing after it
        assertThat(facts).isEqualTo(new ImageFacts(ImageFormat.PNG, 400, 300));
        assertThat(counting.consumed()).isEqualTo(image.length);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 8, 12})
    void inspect_should_reportTruncation_when_pngEndsBeforeOrInsideIend(int cutFromEnd) {
        // GIVEN an encoder's PNG without (some of) its 12-byte IEND chunk
        byte[] full = TestImages.png(300, 300);
        byte[] png = Arrays.copyOf(full, full.length - cutFromEnd);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("PNG is truncated: content ends after " + png.length + " bytes")
                .hasMessageContaining("IEND chunk");
    }

    @Test
    void inspect_should_reportTruncation_when_halfOfAnEncoderPngIsUploaded() {
        // GIVEN the first half of a real PNG: it ends inside its IDAT chunk
        byte[] full = TestImages.png(800, 600);
        byte[] png = Arrays.copyOf(full, full.length / 2);
        int idat = ImageBytes.pngChunkOffset(full, "IDAT");

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("PNG is truncated: content ends after " + png.length
                        + " bytes, inside the IDAT chunk at offset " + idat);
    }

    @Test
    void inspect_should_reportTruncation_when_chunkLengthRunsPastTheEnd() {
        // GIVEN a PNG whose IDAT claims a million bytes more than the file holds
        byte[] png = TestImages.png(300, 300);
        int idat = ImageBytes.pngChunkOffset(png, "IDAT");
        System.arraycopy(ImageBytes.u32(1_000_000), 0, png, idat, 4);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("PNG is truncated: content ends after " + png.length + " bytes, inside the IDAT chunk at offset "
                        + idat + ", which declares 1000000 bytes of data");
    }

    @Test
    void inspect_should_reject_when_pngHasNoIdat() {
        // GIVEN signature, IHDR and IEND, and no image data
        byte[] png = concat(Arrays.copyOf(TestImages.png(300, 300), 33), ImageBytes.pngChunk("IEND", new byte[0]));

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("PNG has no image data: IEND at offset 33 comes before any IDAT chunk");
    }

    @Test
    void inspect_should_reject_when_idatChecksumDoesNotMatch() {
        // GIVEN an encoder's PNG with one byte of its image data changed
        byte[] png = TestImages.png(300, 300);
        int idat = ImageBytes.pngChunkOffset(png, "IDAT");
        png[idat + 8] ^= 0x01;

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("PNG is corrupt: the checksum of the IDAT chunk at offset " + idat + " does not match");
    }

    @Test
    void inspect_should_accept_when_onlyAnAncillaryChunksChecksumIsWrong() {
        // GIVEN a tEXt chunk with a wrong CRC after IHDR (decoders drop such a chunk and go on)
        byte[] full = TestImages.png(300, 300);
        byte[] text = ImageBytes.pngChunk("tEXt", "Comment\0hi".getBytes(StandardCharsets.ISO_8859_1));
        text[text.length - 1] ^= 0x01;
        byte[] png = ImageBytes.insert(full, 33, text);

        // WHEN / THEN
        assertThat(inspect(png)).isEqualTo(new ImageFacts(ImageFormat.PNG, 300, 300));
    }

    @Test
    void inspect_should_reject_when_chunkLengthIsBeyondPngsLimit() {
        // GIVEN a chunk claiming 2^31 bytes
        byte[] png = TestImages.png(300, 300);
        int idat = ImageBytes.pngChunkOffset(png, "IDAT");
        System.arraycopy(ImageBytes.u32(0x8000_0000L), 0, png, idat, 4);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("PNG is corrupt: the IDAT chunk at offset " + idat
                        + " declares 2147483648 bytes, more than the 2147483647 PNG allows");
    }

    @Test
    void inspect_should_reject_when_chunkTypeIsNotLetters() {
        // GIVEN garbage where the chunk after IHDR should start
        byte[] png = ImageBytes.insert(TestImages.png(300, 300), 33, bytes(0, 0, 0, 0, 0x12, 0x00, 0xFF, 0x7F, 0, 0, 0, 0));

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("PNG is corrupt: the chunk at offset 33 has type bytes 12 00 FF 7F, not four letters");
    }

    @Test
    void inspect_should_reject_when_unknownCriticalChunkAppears() {
        // GIVEN a critical chunk (upper-case first letter) that no decoder knows
        byte[] png = ImageBytes.insert(TestImages.png(300, 300), 33, ImageBytes.pngChunk("ABCD", new byte[4]));

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("PNG is corrupt: the chunk at offset 33 is of an unknown critical type 'ABCD'");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 7, 8, 11, 15, 20, 28, 32})
    void inspect_should_reportTruncation_when_pngEndsBeforeIhdrIsComplete(int cutAfter) {
        // GIVEN
        byte[] png = Arrays.copyOf(TestImages.png(300, 300), cutAfter);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageStartingWith("PNG is truncated: content ends after " + cutAfter + " bytes");
    }

    @Test
    void inspect_should_reject_when_firstPngChunkIsNotIhdr() {
        // GIVEN a PNG signature followed by a tEXt chunk
        byte[] png = concat(Arrays.copyOf(TestImages.png(300, 300), 8),
                bytes(0, 0, 0, 13), "tEXt".getBytes(StandardCharsets.US_ASCII), new byte[17]);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("PNG is corrupt: the first chunk is 'tEXt', expected IHDR");
    }

    @Test
    void inspect_should_reject_when_ihdrChecksumDoesNotMatch() {
        // GIVEN a PNG whose IHDR width was altered after encoding
        byte[] png = TestImages.png(300, 300);
        png[19] = (byte) 0x10;

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("PNG is corrupt: the IHDR checksum does not match");
    }

    @Test
    void inspect_should_reject_when_ihdrGivesZeroWidth() {
        // GIVEN an IHDR with width 0 and a correct checksum
        byte[] png = pngWithIhdr(0, 300);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("PNG is corrupt: IHDR gives an impossible size of 0x300 px");
    }

    @Test
    void inspect_should_reject_when_ihdrWidthDoesNotFitAnInt() {
        // GIVEN an IHDR with width 2^31, beyond PNG's own limit, and a correct checksum
        byte[] png = pngWithIhdr(0x8000_0000L, 300);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(png))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("PNG is corrupt: IHDR gives an impossible size of 2147483648x300 px");
    }

    private static byte[] pngWithIhdr(long width, long height) {
        byte[] typeAndData = concat("IHDR".getBytes(StandardCharsets.US_ASCII), u32(width), u32(height),
                bytes(8, 2, 0, 0, 0));
        CRC32 crc = new CRC32();
        crc.update(typeAndData);
        return concat(bytes(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'), u32(13), typeAndData, u32(crc.getValue()));
    }

    // --- neither ----------------------------------------------------------------------------------

    @Test
    void inspect_should_reject_when_contentIsEmpty() {
        // GIVEN / WHEN / THEN
        assertThatThrownBy(() -> inspect(new byte[0]))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("content is empty (0 bytes)");
    }

    @ParameterizedTest
    @CsvSource({"gif, GIF", "bmp, BMP"})
    void inspect_should_nameTheFormat_when_encoderWritesAnotherFormat(String format, String name) {
        // GIVEN a real GIF or BMP, whatever name it might carry
        byte[] image = TestImages.encode(format, 400, 400);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(image))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("content is not JPEG or PNG (it looks like " + name + ")");
    }

    @Test
    void inspect_should_nameWebp_when_contentIsWebp() {
        // GIVEN the start of a WebP file
        byte[] webp = concat("RIFF".getBytes(StandardCharsets.US_ASCII), bytes(0x24, 0, 0, 0),
                "WEBPVP8 ".getBytes(StandardCharsets.US_ASCII), new byte[40]);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(webp))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("content is not JPEG or PNG (it looks like WebP)");
    }

    @Test
    void inspect_should_nameHeic_when_contentIsHeic() {
        // GIVEN the start of a HEIC file (an iPhone photo)
        byte[] heic = concat(bytes(0, 0, 0, 0x18), "ftypheic".getBytes(StandardCharsets.US_ASCII), new byte[40]);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(heic))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("content is not JPEG or PNG (it looks like HEIC)");
    }

    @Test
    void inspect_should_showFirstBytes_when_contentIsText() {
        // GIVEN
        byte[] text = "hello, world\n".getBytes(StandardCharsets.US_ASCII);

        // WHEN / THEN
        assertThatThrownBy(() -> inspect(text))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("content is not JPEG or PNG (it starts with bytes 68 65 6C 6C 6F 2C 20 77 6F 72 6C 64)");
    }

    @Test
    void inspect_should_reportTruncation_when_streamThrowsEofException() {
        // GIVEN a stream that signals a short body with EOFException instead of -1
        InputStream eof = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new EOFException("premature end of chunk");
            }
        };

        // WHEN / THEN
        assertThatThrownBy(() -> inspector.inspect(eof))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void inspect_should_throwUncheckedIo_when_readingFails() {
        // GIVEN a stream whose connection breaks
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };

        // WHEN / THEN the failure is not blamed on the image
        assertThatThrownBy(() -> inspector.inspect(broken))
                .isInstanceOf(UncheckedIOException.class)
                .hasRootCauseMessage("connection reset");
    }

    @Test
    void constructor_should_reject_when_limitCannotHoldTheMagicBytes() {
        // GIVEN / WHEN / THEN
        assertThatThrownBy(() -> new ImageInspector(4))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
