package dev.postee.app.http;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body of at most {@code limit} bytes. A declared Content-Length above the limit is
 * refused before reading anything; a chunked body is refused as soon as it passes the limit, so
 * memory per request never exceeds the limit.
 */
final class BoundedBody {
  private BoundedBody() {}

  static byte[] read(Context ctx, long limit) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) throw tooLarge(declared + " bytes", limit);
    int initial = (int) Math.min(declared > 0 ? declared : 8192, Math.min(limit, Integer.MAX_VALUE - 8));
    ByteArrayOutputStream out = new ByteArrayOutputStream(initial);
    byte[] chunk = new byte[16 * 1024];
    long total = 0;
    try (InputStream in = ctx.req().getInputStream()) {
      int n;
      while ((n = in.read(chunk)) != -1) {
        total += n;
        if (total > limit) throw tooLarge("more than " + limit + " bytes", limit);
        out.write(chunk, 0, n);
      }
    } catch (IOException e) {
      throw new ApiError(400, "the request body could not be read: " + e.getMessage());
    }
    return out.toByteArray();
  }

  private static ApiError tooLarge(String size, long limit) {
    return new ApiError(413, "the request body is " + size + "; at most " + limit
        + " bytes are accepted (raise --max-body-size if such events are expected)")
        .field("max_bytes", limit)
        // the rest of the body is not read: the connection cannot be reused
        .header("Connection", "close");
  }
}
