package com.klingvideo.pipeline.local.kling;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.jcodec.api.awt.AWTSequenceEncoder;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.Rational;

/**
 * Renders the stand-in for Kling's video: a slow zoom into the input picture, H.264 in MP4
 * ({@value #FRAMES} frames at {@value #FPS} fps, the longer side scaled to at most {@value #MAX_SIDE} px,
 * even dimensions as H.264 wants them). Small and quick to make, yet a real file any player opens.
 */
final class VideoRenderer {

    static final int FPS = 12;
    static final int FRAMES = 30;
    static final int MAX_SIDE = 320;
    private static final double FINAL_ZOOM = 1.15;

    /** The picture could not be decoded: Kling reports that as a bad image, not as its own failure. */
    static final class UnreadableImageException extends IOException {
        UnreadableImageException() {
            super("the image could not be decoded");
        }
    }

    private VideoRenderer() {
    }

    static byte[] render(byte[] image) throws IOException {
        BufferedImage source = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(image)));
        if (source == null) {
            throw new UnreadableImageException();
        }
        double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(source.getWidth(), source.getHeight()));
        int width = Math.max(2, (int) (source.getWidth() * scale) & ~1);
        int height = Math.max(2, (int) (source.getHeight() * scale) & ~1);

        // Room for every frame at twice its raw YUV 4:2:0 size (1.5 bytes per pixel): far more than
        // these still pictures compress to; an overflow would fail the task, not the simulator.
        ByteBuffer buffer = ByteBuffer.allocate(FRAMES * width * height * 3 + (1 << 16));
        ByteBufferSeekableByteChannel out = ByteBufferSeekableByteChannel.writeToByteBuffer(buffer);
        AWTSequenceEncoder encoder = new AWTSequenceEncoder(out, Rational.R(FPS, 1));
        for (int i = 0; i < FRAMES; i++) {
            double zoom = 1 + (FINAL_ZOOM - 1) * i / (FRAMES - 1);
            encoder.encodeImage(frame(source, width, height, zoom));
        }
        encoder.finish();
        ByteBuffer contents = out.getContents();
        byte[] mp4 = new byte[contents.remaining()];
        contents.get(mp4);
        return mp4;
    }

    /** The centre {@code 1/zoom} of the source, scaled to the frame size. */
    private static BufferedImage frame(BufferedImage source, int width, int height, double zoom) {
        int cropWidth = (int) Math.round(source.getWidth() / zoom);
        int cropHeight = (int) Math.round(source.getHeight() / zoom);
        int x = (source.getWidth() - cropWidth) / 2;
        int y = (source.getHeight() - cropHeight) / 2;
        BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = frame.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, width, height, x, y, x + cropWidth, y + cropHeight, null);
        } finally {
            g.dispose();
        }
        return frame;
    }
}
