package dev.segmentation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Ports on 127.0.0.1 for the servers tests start (S3Proxy, a Spark master, ...). */
public final class LoopbackPorts {

  private LoopbackPorts() {}

  /** A port nothing listens on right now: the system's pick, released at once. */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
