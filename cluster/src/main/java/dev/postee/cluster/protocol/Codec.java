package dev.postee.cluster.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** JSON encoding of protocol messages. Unknown fields are ignored so versions can be mixed. */
public final class Codec {
  // buffers pooled across threads: the default pool is per thread, which virtual threads never reuse
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .recyclerPool(JsonRecyclerPools.newBoundedPool(64)).build())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Codec() {}

  public static byte[] encode(Object message) {
    try {
      return JSON.writeValueAsBytes(message);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode " + message.getClass().getSimpleName(), e);
    }
  }

  /** Decodes a message; throws ProtocolException naming the type when the bytes are not one. */
  public static <T> T decode(byte[] data, Class<T> type) {
    try {
      return JSON.readValue(data, type);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new ProtocolException("malformed " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ProtocolException("malformed " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** A message that cannot be understood. */
  public static final class ProtocolException extends RuntimeException {
    public ProtocolException(String message, Throwable cause) { super(message, cause); }
  }
}
