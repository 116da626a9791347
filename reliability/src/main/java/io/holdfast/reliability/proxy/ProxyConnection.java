package io.holdfast.reliability.proxy;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/** One client connection through a {@link FaultProxy} and its upstream connection. */
final class ProxyConnection {

    private final Socket client;
    private final Socket upstream;
    private final Pipe requests;
    private final Pipe replies;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final Runnable onClose;

    ProxyConnection(Socket client, Socket upstream, FaultProxy proxy, Runnable onClose) throws IOException {
        this.client = client;
        this.upstream = upstream;
        this.onClose = onClose;
        this.requests = new Pipe(this, proxy.requests(), client.getInputStream(), upstream.getOutputStream(),
                proxy.deliveredRequestBytes());
        this.replies = new Pipe(this, proxy.replies(), upstream.getInputStream(), client.getOutputStream(),
                proxy.deliveredReplyBytes());
    }

    void start(String name) {
        requests.start(name + "-req");
        replies.start(name + "-rep");
    }

    boolean isOpen() {
        return open.get();
    }

    long queuedBytes() {
        return requests.queuedBytes() + replies.queuedBytes();
    }

    /** Closes both sockets normally (FIN), after the writers have delivered what they could. */
    void close() {
        if (open.compareAndSet(true, false)) {
            FaultProxy.closeQuietly(client, false);
            FaultProxy.closeQuietly(upstream, false);
            onClose.run();
        }
    }

    /** Aborts both sockets with a TCP reset and drops every queued byte. */
    void reset() {
        if (open.compareAndSet(true, false)) {
            requests.discard();
            replies.discard();
            FaultProxy.closeQuietly(client, true);
            FaultProxy.closeQuietly(upstream, true);
            onClose.run();
        }
    }
}
