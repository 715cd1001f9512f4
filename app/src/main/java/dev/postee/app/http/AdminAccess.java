package dev.postee.app.http;

import dev.postee.app.server.Secret;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may use the admin endpoints (/events, /reload, /api/executions, /metrics): the holder of the
 * admin bearer token; without a configured token, only connections from the loopback interface
 * (never the network unauthenticated).
 */
final class AdminAccess {
  private final byte[] tokenDigest;

  AdminAccess(Secret token) {
    this.tokenDigest = token == null ? null : IngestAuth.sha256(token.value().getBytes(StandardCharsets.UTF_8));
  }

  boolean tokenConfigured() { return tokenDigest != null; }

  void check(Context ctx) {
    if (tokenDigest == null) {
      if (isLoopback(ctx.req().getRemoteAddr())) return;
      throw new ApiError(403, "admin endpoints are served only on loopback connections because no admin token is"
          + " configured; start postee with --admin-token (or POSTEE_ADMIN_TOKEN) and send 'Authorization: Bearer <token>'");
    }
    String presented = Bearer.token(ctx);
    if (presented == null) {
      throw new ApiError(401, "this endpoint requires the admin token: send 'Authorization: Bearer <admin token>'")
          .header("WWW-Authenticate", "Bearer realm=\"postee admin\"");
    }
    if (!MessageDigest.isEqual(tokenDigest, IngestAuth.sha256(presented.getBytes(StandardCharsets.UTF_8)))) {
      throw new ApiError(401, "the admin token is not valid")
          .header("WWW-Authenticate", "Bearer realm=\"postee admin\", error=\"invalid_token\"");
    }
  }

  static boolean isLoopback(String remoteAddress) {
    if (remoteAddress == null || remoteAddress.isEmpty()) return false;
    String literal = remoteAddress.startsWith("[") && remoteAddress.endsWith("]")
        ? remoteAddress.substring(1, remoteAddress.length() - 1) : remoteAddress;
    // only IP literals: never resolve a name here
    if (!literal.matches("[0-9a-fA-F:.%]+")) return false;
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
