package io.holdfast.reliability.fence;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A connection to a {@link FencedRegisterServer}. Not thread-safe: one per worker thread (each
 * write is one round trip, so a shared connection would only serialise the threads).
 */
public final class FencedRegisterClient implements FencedResource, AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private FencedRegisterClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    /** Connects to the register on loopback {@code port}. */
    public static FencedRegisterClient connect(int port) {
        try {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            return new FencedRegisterClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the fenced register on port " + port, e);
        }
    }

    @Override
    public boolean write(String resource, long token, String writer) {
        String reply = call("W", resource, token, writer);
        if (!(reply.equals("A") || reply.equals("R"))) {
            throw new IllegalStateException("fenced register answered '" + reply + "' to a write");
        }
        return reply.equals("A");
    }

    @Override
    public Read read(String resource, long token, String reader) {
        String[] reply = call("R", resource, token, reader).split(" ");
        if (reply.length != 3 || !(reply[0].equals("A") || reply[0].equals("R"))) {
            throw new IllegalStateException("fenced register answered '" + String.join(" ", reply) + "' to a read");
        }
        return new Read(reply[0].equals("A"), Long.parseLong(reply[1]), Integer.parseInt(reply[2]));
    }

    private String call(String op, String resource, long token, String who) {
        if (who.indexOf(' ') >= 0 || who.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("writer or reader must not contain blanks, but was '" + who + "'");
        }
        String line = op + " " + token + " " + who + " "
                + Base64.getEncoder().encodeToString(resource.getBytes(StandardCharsets.UTF_8)) + "\n";
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.flush();
            String reply = in.readLine();
            if (reply == null) {
                throw new IllegalStateException("fenced register closed the connection");
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException("fenced register unreachable", e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
