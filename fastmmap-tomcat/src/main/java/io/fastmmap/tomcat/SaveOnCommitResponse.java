package io.fastmmap.tomcat;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import org.apache.catalina.connector.Response;

/**
 * The response the application writes to: runs {@code save} just before anything the application does commits it
 * (a flush, a redirect or error, a close, a write that fills the buffer or reaches the declared content length), as
 * Jetty's {@code flushOnResponseCommit} and Spring Session's response wrapper do. Once the response is committed it
 * stays out of the way: what the request changes later is saved when it ends.
 */
final class SaveOnCommitResponse extends HttpServletResponseWrapper {
    /** A char written through the writer is at most this many bytes in the buffer (UTF-8, BMP): overcount, not under. */
    private static final int MAX_BYTES_PER_CHAR = 3;

    private final Response connector;
    private final Runnable save;
    private long writtenBytes;
    private long contentLength = -1;
    private ServletOutputStream stream;
    private PrintWriter writer;

    SaveOnCommitResponse(HttpServletResponse response, Response connector, Runnable save) {
        super(response);
        this.connector = connector;
        this.save = save;
    }

    private void beforeCommit() {
        if (!connector.isCommitted()) {
            save.run();
        }
    }

    /** Before {@code byteCount} more bytes go into the buffer: saves first if they could commit the response. */
    private void beforeWriting(long byteCount) {
        writtenBytes += byteCount;
        if (writtenBytes > getBufferSize() || (contentLength >= 0 && writtenBytes >= contentLength)) {
            beforeCommit();
        }
    }

    @Override
    public void setContentLength(int len) {
        contentLength = len;
        super.setContentLength(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        contentLength = len;
        super.setContentLengthLong(len);
    }

    @Override
    public void flushBuffer() throws IOException {
        beforeCommit();
        super.flushBuffer();
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        beforeCommit();
        super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
        beforeCommit();
        super.sendError(sc);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        beforeCommit();
        super.sendRedirect(location);
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = new SavingStream(super.getOutputStream());
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            writer = new PrintWriter(new SavingWriter(super.getWriter()));
        }
        return writer;
    }

    private final class SavingStream extends ServletOutputStream {
        private final ServletOutputStream out;

        SavingStream(ServletOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            beforeWriting(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            beforeWriting(len);
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            beforeCommit();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            beforeCommit();
            out.close();
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }

    private final class SavingWriter extends Writer {
        private final PrintWriter out;

        SavingWriter(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(char[] chars, int off, int len) {
            beforeWriting((long) len * MAX_BYTES_PER_CHAR);
            out.write(chars, off, len);
        }

        @Override
        public void write(String text, int off, int len) {
            beforeWriting((long) len * MAX_BYTES_PER_CHAR);
            out.write(text, off, len);
        }

        @Override
        public void flush() {
            beforeCommit();
            out.flush();
        }

        @Override
        public void close() {
            beforeCommit();
            out.close();
        }
    }
}
