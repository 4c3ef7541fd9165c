package com.klingvideo.pipeline.local.kling;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jcodec.api.JCodecException;
import org.jcodec.api.awt.AWTFrameGrab;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;

/** Checks that bytes are a playable H.264 MP4, by structure and by decoding a frame. */
final class Mp4 {

    private Mp4() {
    }

    /** Asserts the MP4 structure and returns its first frame, decoded. */
    static BufferedImage firstFrame(byte[] mp4) {
        assertThat(mp4.length).isGreaterThan(1000);
        assertThat(new String(mp4, 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        String text = new String(mp4, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("moov").contains("mdat").contains("avc1");
        try {
            BufferedImage frame = AWTFrameGrab.getFrame(ByteBufferSeekableByteChannel.readFromByteBuffer(ByteBuffer.wrap(mp4)), 0);
            assertThat(frame).isNotNull();
            return frame;
        } catch (IOException | JCodecException e) {
            throw new AssertionError("jcodec cannot decode the first frame", e);
        }
    }
}
