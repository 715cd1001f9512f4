package dev.postee.core.action;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the last {@code capacity} bytes of a stream: a chatty script costs bounded memory. */
final class OutputTail {
  private final byte[] ring;
  /** Bytes seen so far; the byte at stream position p lives at ring[p % capacity] while kept. */
  private long total;

  OutputTail(int capacity) {
    this.ring = new byte[capacity];
  }

  /** Copies {@code in} until end of stream, or until it fails because it was closed under us. */
  void drain(InputStream in) {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) write(buffer, n);
    } catch (IOException closed) {
      // The process was killed or the stream closed after a timeout; what was read is kept.
    }
  }

  synchronized void write(byte[] bytes, int length) {
    int cap = ring.length;
    // Bytes that would be overwritten within this same write need not be copied.
    for (int i = Math.max(0, length - cap); i < length; i++) ring[(int) ((total + i) % cap)] = bytes[i];
    total += length;
  }

  /** The kept bytes as text, preceded by a note when earlier output was dropped. */
  synchronized String text() {
    int kept = (int) Math.min(total, ring.length);
    long start = total - kept;
    byte[] out = new byte[kept];
    for (int i = 0; i < kept; i++) out[i] = ring[(int) ((start + i) % ring.length)];
    String text = new String(out, StandardCharsets.UTF_8);
    return start > 0 ? "[" + start + " earlier bytes of output omitted]\n" + text : text;
  }
}
