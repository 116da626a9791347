package io.holdfast.reliability.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies one direction of one connection: a reader thread timestamps each chunk as it arrives and
 * queues it; a writer thread delivers it when its {@link Direction} allows. Keeping the two apart
 * means latency is added once per chunk rather than accumulated, and held bytes keep their order.
 */
final class Pipe {

    private static final byte[] EOF = new byte[0];

    private record Chunk(byte[] bytes, long readNanos) {
    }

    private final ProxyConnection connection;
    private final Direction direction;
    private final InputStream in;
    private final OutputStream out;
    private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong deliveredBytes;

    Pipe(ProxyConnection connection, Direction direction, InputStream in, OutputStream out, AtomicLong delivered) {
        this.connection = connection;
        this.direction = direction;
        this.in = in;
        this.out = out;
        this.deliveredBytes = delivered;
    }

    void start(String name) {
        daemon(this::read, name + "-read").start();
        daemon(this::write, name + "-write").start();
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Bytes read but not yet delivered (held, delayed or queued). */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** Drops everything queued; used when the connection is reset. */
    void discard() {
        queue.clear();
        queuedBytes.set(0);
    }

    private void read() {
        byte[] buffer = new byte[16 * 1024];
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                queuedBytes.addAndGet(n);
                queue.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime()));
            }
        } catch (IOException e) {
            // the socket was closed or reset: the connection is going away
        }
        queue.add(new Chunk(EOF, System.nanoTime()));
    }

    private void write() {
        try {
            while (connection.isOpen()) {
                Chunk chunk = queue.take();
                if (!direction.awaitDue(chunk.readNanos(), connection::isOpen)) {
                    return;
                }
                if (chunk.bytes() == EOF) {
                    break;
                }
                queuedBytes.addAndGet(-chunk.bytes().length);
                deliveredBytes.addAndGet(chunk.bytes().length);
                out.write(chunk.bytes());
                out.flush();
            }
        } catch (IOException e) {
            // the peer went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
    }
}
