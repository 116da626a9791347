package io.holdfast.reliability.fence;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves a {@link FencedRegister} on a loopback port so worker JVMs can write to it. Protocol, one
 * line each way: {@code W <token> <writer> <base64 resource>} answered {@code A} (accepted) or
 * {@code R} (rejected); {@code R <token> <reader> <base64 resource>} answered
 * {@code A <value token> <parts>} or {@code R 0 0} (see {@link FencedResource#read}). Never faulted: clients connect to it directly, not through a proxy.
 */
public final class FencedRegisterServer implements AutoCloseable {

    private final FencedRegister register;
    private final ServerSocket listener;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();

    private FencedRegisterServer(FencedRegister register, ServerSocket listener) {
        this.register = register;
        this.listener = listener;
    }

    /** Starts serving {@code register} on a free loopback port. */
    public static FencedRegisterServer start(FencedRegister register) {
        try {
            FencedRegisterServer server = new FencedRegisterServer(register,
                    new ServerSocket(0, 100, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(server::acceptLoop, "fenced-register-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the fenced register", e);
        }
    }

    /** The port to give {@link FencedRegisterClient#connect}. */
    public int port() {
        return listener.getLocalPort();
    }

    /** The register served. */
    public FencedRegister register() {
        return register;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                clients.add(socket);
                Thread thread = new Thread(() -> serve(socket), "fenced-register-" + socket.getPort());
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket;
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                OutputStream out = socket.getOutputStream()) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] parts = line.split(" ");
                if (parts.length != 4 || !("W".equals(parts[0]) || "R".equals(parts[0]))) {
                    out.write("E\n".getBytes(StandardCharsets.US_ASCII));
                    continue;
                }
                String resource = new String(Base64.getDecoder().decode(parts[3]), StandardCharsets.UTF_8);
                String reply;
                if ("W".equals(parts[0])) {
                    reply = register.write(resource, Long.parseLong(parts[1]), parts[2]) ? "A" : "R";
                } else {
                    FencedResource.Read read = register.read(resource, Long.parseLong(parts[1]), parts[2]);
                    reply = (read.accepted() ? "A " : "R ") + read.token() + " " + read.parts();
                }
                out.write((reply + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the worker went away (killed JVMs do)
        } finally {
            clients.remove(socket);
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : clients) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
